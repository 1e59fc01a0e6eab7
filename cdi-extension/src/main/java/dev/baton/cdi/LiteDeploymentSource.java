package dev.baton.cdi;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.DeploymentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The deployment on CDI Lite, decided when the application starts: the {@code @Leader} classes named at build time
 * are read by reflection and checked again (the build may not have been able to load them), then configuration is
 * bound and the store created exactly as {@link BatonExtension} does on CDI Full. Every problem is reported at once,
 * each with its id, in one {@link DeploymentException} that stops the application's start.
 *
 * <p>Container-managed; not API.
 */
public final class LiteDeploymentSource implements DeploymentSource {

    private final List<String> guardedClasses;
    private final Set<String> injectedGroups;
    private final boolean defaultGroupUsed;
    private final Instance<Object> beans;
    private boolean taken;

    LiteDeploymentSource(
            List<String> guardedClasses, Set<String> injectedGroups, boolean defaultGroupUsed, Instance<Object> beans) {
        this.guardedClasses = List.copyOf(guardedClasses);
        this.injectedGroups = Set.copyOf(injectedGroups);
        this.defaultGroupUsed = defaultGroupUsed;
        this.beans = beans;
    }

    @Override
    public synchronized Deployment take() {
        if (taken) {
            throw new IllegalStateException("Baton's deployment was already started or shut down");
        }
        taken = true;
        List<String> problems = new ArrayList<>();
        List<LeaderSite> sites = new ArrayList<>();
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = tccl != null ? tccl : LiteDeploymentSource.class.getClassLoader();
        for (String name : guardedClasses) {
            try {
                sites.addAll(ReflectedBean.scan(Class.forName(name, false, loader), problems::add));
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add(Messages.guardedClassNotLoadable(name, e));
            }
        }
        Optional<Deployment> deployment = problems.isEmpty()
                ? DeploymentBinder.bind(beans, sites, injectedGroups, defaultGroupUsed, problems)
                : Optional.empty();
        if (deployment.isEmpty()) {
            DeploymentException e = new DeploymentException("Baton cannot start:\n  "
                    + String.join("\n  ", problems.stream().distinct().sorted().toList()));
            e.setStackTrace(new StackTraceElement[0]); // the message says everything
            throw e;
        }
        return deployment.get();
    }
}
