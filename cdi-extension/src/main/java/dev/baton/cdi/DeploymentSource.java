package dev.baton.cdi;

/**
 * Where {@link BatonRuntime} gets what was decided at deployment: the portable extension on CDI Full (Weld: Helidon,
 * Payara, WildFly, ...), a synthetic bean of the build-compatible extension on CDI Lite (Quarkus).
 *
 * <p>Container-managed; not API.
 */
public interface DeploymentSource {

    /**
     * Hands the deployment over, once; from then on the caller owns its store.
     *
     * @return the deployment
     * @throws IllegalStateException when there is none to hand over (never deployed, failed, already taken)
     * @throws jakarta.enterprise.inject.spi.DeploymentException on CDI Lite, when the annotations or the
     *     configuration cannot work (checked when the application starts; every problem is listed with its id)
     */
    Deployment take();
}
