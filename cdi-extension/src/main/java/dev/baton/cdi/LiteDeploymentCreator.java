package dev.baton.cdi;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import java.util.List;
import java.util.Set;

/**
 * Creates the CDI Lite {@link DeploymentSource} at run time from what {@link BatonLiteExtension} found at build time.
 *
 * <p>Container-managed; not API.
 */
public class LiteDeploymentCreator implements SyntheticBeanCreator<LiteDeploymentSource> {
    static final String CLASSES = "guardedClasses";
    static final String GROUPS = "injectedGroups";
    static final String DEFAULT_GROUP_USED = "defaultGroupUsed";

    /** Created by the container. */
    public LiteDeploymentCreator() {}

    @Override
    public LiteDeploymentSource create(Instance<Object> lookup, Parameters params) {
        return new LiteDeploymentSource(
                List.of(params.get(CLASSES, String[].class, new String[0])),
                Set.of(params.get(GROUPS, String[].class, new String[0])),
                params.get(DEFAULT_GROUP_USED, Boolean.class, false),
                lookup);
    }
}
