package dev.baton.cdi;

import dev.baton.spi.StoreContext;
import jakarta.enterprise.inject.Instance;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * What a backend factory sees in a CDI application: MicroProfile Config for its keys, CDI beans for clients the
 * application already owns (a {@code DataSource}, a Lettuce {@code RedisClient}, a jetcd {@code Client}, a
 * {@code CuratorFramework}) and JNDI for container resources. Used only during deployment.
 */
final class CdiStoreContext implements StoreContext {
    private static final System.Logger LOG = System.getLogger(BatonExtension.class.getName());

    private final Config config;
    private final Instance<Object> beans;
    private final Duration shortestTtl;

    CdiStoreContext(Config config, Instance<Object> beans, Duration shortestTtl) {
        this.config = config;
        this.beans = beans;
        this.shortestTtl = shortestTtl;
    }

    @Override
    public Optional<String> config(String key) {
        return config.getOptionalValue(key, String.class);
    }

    @Override
    public <T> Optional<T> client(Class<T> type) {
        Instance<T> candidates = beans.select(type);
        if (candidates.isUnsatisfied()) {
            return Optional.empty();
        }
        if (candidates.isAmbiguous()) {
            LOG.log(Level.WARNING, Messages.AMBIGUOUS_CLIENT + ": several CDI beans of type " + type.getName()
                    + " exist; Baton uses none of them and falls back to its own configuration. Make one of them"
                    + " @Default or remove the others");
            return Optional.empty();
        }
        return Optional.of(candidates.get());
    }

    @Override
    public Optional<Object> lookup(String jndiName) {
        try {
            return Optional.ofNullable(JndiLookup.lookup(jndiName));
        } catch (NoClassDefFoundError e) {
            return Optional.empty(); // a runtime without java.naming
        }
    }

    @Override
    public Duration shortestTtl() {
        return shortestTtl;
    }

    /** Isolated so that a runtime without {@code java.naming} only fails here, where it is caught. */
    private static final class JndiLookup {
        static Object lookup(String name) {
            try {
                javax.naming.InitialContext ctx = new javax.naming.InitialContext();
                try {
                    return ctx.lookup(name);
                } finally {
                    ctx.close();
                }
            } catch (javax.naming.NamingException e) {
                LOG.log(Level.DEBUG, "JNDI lookup of ''{0}'' failed: {1}", name, e.getMessage());
                return null;
            }
        }
    }
}
