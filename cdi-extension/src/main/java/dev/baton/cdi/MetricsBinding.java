package dev.baton.cdi;

import dev.baton.engine.Baton;
import dev.baton.metrics.micrometer.BatonMetrics;
import dev.baton.metrics.mp.BatonMpMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Instance;
import java.lang.System.Logger.Level;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Binds Baton's metrics to the registries the runtime offers, with no code in the application: MicroProfile Metrics'
 * application {@code MetricRegistry} (Helidon, Payara, Open Liberty) when {@code baton-mp-metrics} is present, a
 * Micrometer {@code MeterRegistry} bean (Quarkus, WildFly, Spring) when {@code baton-micrometer} is. Without a registry
 * or an adapter nothing happens and nothing fails: each binding is in its own nested class, loaded only when both its
 * API and its adapter can be loaded.
 */
final class MetricsBinding {
    private static final System.Logger LOG = System.getLogger(BatonRuntime.class.getName());

    private MetricsBinding() {}

    /**
     * @param baton the engine to measure
     * @param beans where the registries are looked up
     */
    static void bind(Baton baton, Instance<Object> beans) {
        try {
            if (isLoadable("org.eclipse.microprofile.metrics.MetricRegistry")
                    && isLoadable("dev.baton.metrics.mp.BatonMpMetrics")) {
                MicroProfile.bind(baton, beans);
            }
            if (isLoadable("io.micrometer.core.instrument.MeterRegistry")
                    && isLoadable("dev.baton.metrics.micrometer.BatonMetrics")) {
                Micrometer.bind(baton, beans);
            }
        } catch (RuntimeException | LinkageError e) {
            // Metrics are for operators; a registry that refuses them must not stop the application or its elections.
            LOG.log(Level.WARNING, Messages.METRICS_NOT_BOUND + ": Baton's metrics could not be bound to the runtime's"
                    + " registry (" + e + "); leader election runs without them; check the metrics adapter's and the"
                    + " registry's versions", e);
        }
    }

    private static <T> T resolve(Instance<Object> beans, Class<T> type) {
        Instance<T> found = beans.select(type);
        if (found.isResolvable()) {
            return found.get();
        }
        if (found.isAmbiguous()) {
            LOG.log(Level.WARNING, Messages.AMBIGUOUS_CLIENT + ": several CDI beans of type " + type.getName()
                    + " exist, so Baton binds its metrics to none of them; make one of them @Default");
        }
        return null;
    }

    private static final class MicroProfile {
        static void bind(Baton baton, Instance<Object> beans) {
            MetricRegistry registry = resolve(beans, MetricRegistry.class);
            if (registry != null) {
                new BatonMpMetrics(baton).bindTo(registry);
                LOG.log(Level.INFO, Messages.METRICS_BOUND + ": Baton's metrics (baton.*) are in the MicroProfile"
                        + " Metrics application registry");
            }
        }
    }

    private static final class Micrometer {
        static void bind(Baton baton, Instance<Object> beans) {
            MeterRegistry registry = resolve(beans, MeterRegistry.class);
            if (registry != null) {
                new BatonMetrics(baton).bindTo(registry);
                LOG.log(Level.INFO, Messages.METRICS_BOUND + ": Baton's meters (baton.*) are in the Micrometer registry "
                        + registry.getClass().getSimpleName());
            }
        }
    }

    private static boolean isLoadable(String className) {
        try {
            Class.forName(className, false, MetricsBinding.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
