package dev.baton.cdi.testkit;

import dev.baton.cdi.BatonExtension;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.inject.ConfigExtension;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.lite.extension.translator.LiteExtensionTranslator;

/**
 * One application node: a Weld container (built with weld-junit5's {@link WeldInitiator#createWeld()}, the Baton
 * extension and SmallRye's {@link ConfigExtension} added explicitly) with its own MicroProfile Config.
 *
 * <p>With {@code -Dbaton.test.cdi=lite} the node runs Baton's build-compatible extension (CDI Lite, as on Quarkus)
 * through Weld's translator instead of the portable one, so that the same tests prove both.
 *
 * <p>Several nodes live in one JVM: each gets its own context class loader, and its config is registered for that
 * loader, which is the thread context class loader while the container starts (the extension binds configuration
 * then). The loader can also hide backends from {@link java.util.ServiceLoader}.
 */
public final class TestNode implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final String FACTORY_SERVICES = "META-INF/services/dev.baton.spi.LeaseStoreFactory";
    /** The default {@code baton.lease.ttl} of a test node (see {@link #builder()}). */
    public static final String DEFAULT_TTL = "60s";
    /** The default {@code baton.lease.renew-interval} of a test node. */
    public static final String DEFAULT_RENEW_INTERVAL = "500ms";

    /** Whether nodes run the build-compatible extension ({@code -Dbaton.test.cdi=lite}). */
    public static final boolean LITE = "lite".equals(System.getProperty("baton.test.cdi"));

    private final WeldContainer container;
    private final ClassLoader loader;

    private TestNode(WeldContainer container, ClassLoader loader) {
        this.container = container;
        this.loader = loader;
    }

    /** @return a namespace no other test uses, for {@code baton.memory.namespace} */
    public static String uniqueNamespace() {
        return "test-" + UUID.randomUUID();
    }

    /**
     * @return a builder with the memory backend and a lease far longer than any test: a leader keeps its tenure however
     *     long a busy machine starves its renewal thread, so "the node that leads" stays the same node. Leadership
     *     still moves at once on a release or shutdown (the memory backend notifies). Tests about expiry set a short
     *     {@code baton.lease.ttl} themselves.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param type a bean type
     * @param qualifiers its qualifiers
     * @return the bean
     */
    public <T> T select(Class<T> type, Annotation... qualifiers) {
        return container.select(type, qualifiers).get();
    }

    /** @return the container */
    public WeldContainer container() {
        return container;
    }

    /** Shuts the container down (gracefully: Baton releases its leases) and forgets the node's config. */
    @Override
    public void close() {
        try {
            if (container.isRunning()) {
                container.shutdown();
            }
        } finally {
            ConfigProviderResolver.instance().releaseConfig(ConfigProviderResolver.instance().getConfig(loader));
        }
    }

    /** Builds and starts a node. */
    public static final class Builder {
        private final Map<String, String> config = new HashMap<>();
        private final Map<String, String> env = new HashMap<>();
        private final List<Class<?>> beans = new ArrayList<>();
        private Predicate<URL> hiddenBackends = url -> false;

        private Builder() {
            config.put("baton.backend", "memory");
            config.put("baton.lease.ttl", DEFAULT_TTL);
            config.put("baton.lease.renew-interval", DEFAULT_RENEW_INTERVAL);
        }

        /** Sets a key; an empty value removes it (MicroProfile Config treats empty as unset). */
        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /** Sets an environment-variable-style entry (e.g. {@code BATON_GROUPS_REPORTS_TTL}). */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Adds bean classes. */
        public Builder beans(Class<?>... classes) {
            beans.addAll(List.of(classes));
            return this;
        }

        /** Hides backends whose service file URL matches, e.g. the test-only ones under test-classes. */
        public Builder hideBackends(Predicate<URL> hidden) {
            this.hiddenBackends = hidden;
            return this;
        }

        /** @return the started node */
        public TestNode start() {
            ClassLoader parent = TestNode.class.getClassLoader();
            Predicate<URL> hidden = hiddenBackends;
            ClassLoader loader = new ClassLoader("node-" + IDS.incrementAndGet(), parent) {
                @Override
                public Enumeration<URL> getResources(String name) throws IOException {
                    Enumeration<URL> all = super.getResources(name);
                    if (!name.equals(FACTORY_SERVICES)) {
                        return all;
                    }
                    List<URL> kept = new ArrayList<>();
                    for (URL url : Collections.list(all)) {
                        if (!hidden.test(url)) {
                            kept.add(url);
                        }
                    }
                    return Collections.enumeration(kept);
                }
            };
            Map<String, String> values = new HashMap<>(config);
            values.values().removeIf(String::isEmpty);
            SmallRyeConfig cfg = new SmallRyeConfigBuilder()
                    .forClassLoader(loader)
                    .withSources(new PropertiesConfigSource(values, "test-node", 400))
                    .withSources(new EnvConfigSource(env, 300))
                    .build();
            ConfigProviderResolver.instance().registerConfig(cfg, loader);
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                Weld weld = WeldInitiator.createWeld()
                        .containerId("baton-" + IDS.incrementAndGet())
                        .skipShutdownHook()
                        .addExtension(LITE ? new LiteExtensionTranslator(List.of(LiteExtensionOnWeld.class), loader)
                                : new BatonExtension())
                        .addExtension(new ConfigExtension())
                        .addBeanClasses(beans.toArray(Class<?>[]::new));
                return new TestNode(weld.initialize(), loader);
            } catch (RuntimeException | Error e) {
                ConfigProviderResolver.instance().releaseConfig(cfg);
                throw e;
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }
}
