package dev.baton.cdi;

import dev.baton.ElectionSettings;
import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import jakarta.enterprise.inject.Instance;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Binds configuration and creates the store: at {@code AfterDeploymentValidation} on CDI Full, when the
 * application starts on CDI Lite. Kept apart from
 * {@link BatonExtension} so that the extension class itself loads even without MicroProfile Config and can report
 * that as a deployment problem ({@code BATON-CDI-0100}) instead of failing with a {@link NoClassDefFoundError}.
 */
final class DeploymentBinder {
    private static final System.Logger LOG = System.getLogger(BatonExtension.class.getName());

    private DeploymentBinder() {}

    /**
     * @param beans the container's beans, for clients the application owns
     * @param sites the guarded methods found
     * @param injectedGroups groups named by {@code @ElectionGroup} injection points (and {@code @Leader} stereotypes)
     * @param defaultGroupUsed whether an unqualified {@code LeaderElection} injection point (or a stereotype's
     *     {@code @Leader} without a value) uses the default group; a {@code @Leader} site without a value also does
     * @param problems receives every configuration problem
     * @return the deployment, or empty when a problem was recorded (nothing is left open then)
     */
    static Optional<Deployment> bind(
            Instance<Object> beans,
            Collection<LeaderSite> sites,
            Set<String> injectedGroups,
            boolean defaultGroupUsed,
            List<String> problems) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = tccl != null ? tccl : DeploymentBinder.class.getClassLoader();
        // The application's config (its microprofile-config.properties), read once, here, eagerly.
        Config config = ConfigProvider.getConfig(loader);
        ConfigBinder binder = new ConfigBinder(config, problems);
        String defaultGroup = binder.defaultGroup();

        Set<String> groups = new TreeSet<>(injectedGroups);
        sites.stream().map(LeaderSite::declaredGroup).filter(g -> !g.isEmpty()).forEach(groups::add);
        // The default group competes only when something uses it: an unused one would hold a phantom lease, show in
        // readiness and fire events. A run-time lookup (Instance<LeaderElection>) still starts it on demand.
        if (defaultGroupUsed || sites.stream().anyMatch(s -> s.declaredGroup().isEmpty())) {
            groups.add(defaultGroup);
        }
        BatonConfig bound = binder.bind(groups, defaultGroup);

        Optional<LeaseStoreFactory> factory =
                BackendSelector.select(config.getOptionalValue(Keys.BACKEND, String.class), loader, problems);
        LeaseStore store = null;
        if (factory.isPresent()) {
            // The default group counts even when not started: a run-time lookup may start it.
            Duration shortestTtl = Stream.concat(groups.stream(), Stream.of(defaultGroup))
                    .map(bound::settingsFor)
                    .map(ElectionSettings::ttl)
                    .min(Duration::compareTo)
                    .orElse(bound.defaults().ttl());
            String name = factory.get().name();
            try {
                store = factory.get().create(new CdiStoreContext(config, beans, shortestTtl));
                if (store == null) {
                    problems.add(Messages.backendFailed(name, "its factory returned null"));
                }
            } catch (InvalidConfigurationException e) {
                problems.add(Messages.backendConfig(name, safeMessage(e)));
            } catch (RuntimeException | LinkageError e) {
                problems.add(Messages.backendFailed(name, e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            closeQuietly(store);
            return Optional.empty();
        }
        GuardedMethods methods = new GuardedMethods(List.copyOf(sites), defaultGroup);
        return Optional.of(new Deployment(bound, factory.get(), store, methods, groups));
    }

    /** The factory's message, unless the key holds a secret: then the value must not appear. */
    private static String safeMessage(InvalidConfigurationException e) {
        if (e.key() != null && Messages.isSecretKey(e.key())) {
            return e.key() + " is invalid (value not shown); expected " + e.valid();
        }
        return e.getMessage();
    }

    private static void closeQuietly(LeaseStore store) {
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Closing the store of a failed deployment failed: {0}", e.getMessage());
        }
    }
}
