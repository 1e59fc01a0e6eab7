package dev.baton.cdi;

import dev.baton.GroupName;
import dev.baton.Leader;
import dev.baton.LeaderElection;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Annotated;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.enterprise.util.Nonbinding;
import java.lang.annotation.Annotation;
import java.lang.reflect.Member;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Baton portable extension, registered in {@code META-INF/services/jakarta.enterprise.inject.spi.Extension}.
 *
 * <ol>
 *   <li>{@code BeforeBeanDiscovery}: makes {@link Leader} an interceptor binding whose members are all non-binding
 *       (the annotation in {@code baton-api} has no CDI dependency on purpose) and registers Baton's own beans, so
 *       the jar needs no {@code beans.xml} and is never scanned twice. The readiness check is registered only when
 *       MicroProfile Health is on the class path.</li>
 *   <li>{@code ProcessManagedBean}: reads every {@code @Leader} class and method of the final annotated type and
 *       checks that it can work; {@code ProcessInjectionPoint}: checks every {@link ElectionGroup} name. Problems
 *       are collected, then reported together as definition errors in {@code AfterBeanDiscovery}, each with a
 *       stable id ({@code BATON-CDI-0001} to {@code 0099}). Both also note which groups the application uses:
 *       only those start with it, and the default group ({@code baton.group}) only when a {@code @Leader} without
 *       a value (also through a stereotype) or an unqualified {@code LeaderElection} injection point uses it.</li>
 *   <li>{@code AfterDeploymentValidation}: binds MicroProfile Config, chooses the backend and creates the store;
 *       every configuration problem becomes a deployment problem ({@code BATON-CDI-0100} and up), all reported
 *       together.</li>
 * </ol>
 *
 * <p>Elections start when the application scope is initialized ({@link BatonRuntime}).
 */
public class BatonExtension implements Extension, DeploymentSource {
    private static final String HEALTH_CHECK = "org.eclipse.microprofile.health.HealthCheck";
    private static final String MP_CONFIG = "org.eclipse.microprofile.config.ConfigProvider";

    // Containers may fire bean events from several threads.
    private final ConcurrentLinkedQueue<String> definitionProblems = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<LeaderSite> sites = new ConcurrentLinkedQueue<>();
    private final Set<String> injectedGroups = Collections.synchronizedSet(new TreeSet<>());
    // The default group's name is only known once configuration is bound, so its use is noted apart.
    private final AtomicBoolean defaultGroupUsed = new AtomicBoolean();
    private volatile Deployment deployment;
    private final AtomicBoolean handedOver = new AtomicBoolean();

    /** Creates the extension; called by the container through {@link java.util.ServiceLoader}. */
    public BatonExtension() {}

    void beforeBeanDiscovery(@Observes BeforeBeanDiscovery event) {
        event.configureInterceptorBinding(Leader.class)
                .methods()
                .forEach(m -> m.add(Nonbinding.Literal.INSTANCE));
        event.addAnnotatedType(BatonRuntime.class, BatonRuntime.class.getName());
        event.addAnnotatedType(LeaderInterceptor.class, LeaderInterceptor.class.getName());
        if (isLoadable(HEALTH_CHECK)) {
            event.addAnnotatedType(BatonReadinessCheck.class, BatonReadinessCheck.class.getName());
        }
    }

    void processManagedBean(@Observes ProcessManagedBean<?> event) {
        AnnotatedType<?> type = event.getAnnotatedBeanClass();
        if (type.isAnnotationPresent(jakarta.interceptor.Interceptor.class)
                || type.isAnnotationPresent(jakarta.decorator.Decorator.class)) {
            return; // @Leader on an interceptor declares its binding (ours does); it guards nothing
        }
        var fromStereotype = StereotypeLeader.of(event.getBean().getStereotypes(), type.getJavaClass(),
                definitionProblems::add);
        sites.addAll(LeaderSite.scan(type, fromStereotype, definitionProblems::add));
    }

    void processInjectionPoint(@Observes ProcessInjectionPoint<?, ?> event) {
        InjectionPoint ip = event.getInjectionPoint();
        for (Annotation q : ip.getQualifiers()) {
            if (q instanceof ElectionGroup eg) {
                if (GroupName.isValid(eg.value())) {
                    injectedGroups.add(eg.value());
                } else {
                    definitionProblems.add(Messages.invalidInjectedGroup(describe(ip), eg.value()));
                }
            }
        }
        if (usesDefaultElection(ip)) {
            defaultGroupUsed.set(true);
        }
    }

    /**
     * An unqualified {@code @Inject LeaderElection} is served by the default group's producer. {@code Instance} and
     * {@code Provider} injection points are not counted: their lookups start the group when they happen.
     */
    private static boolean usesDefaultElection(InjectionPoint ip) {
        return ip.getType() == LeaderElection.class
                && ip.getQualifiers().stream().anyMatch(Default.class::isInstance)
                && ip.getQualifiers().stream().noneMatch(ElectionGroup.class::isInstance);
    }

    void afterBeanDiscovery(@Observes AfterBeanDiscovery event) {
        // Reported here, all at once: the container stops at the first bean event that carries an error.
        definitionProblems.stream().distinct().sorted()
                .forEach(p -> event.addDefinitionError(withoutStack(new DefinitionException(p))));
    }

    void afterDeploymentValidation(@Observes AfterDeploymentValidation event, BeanManager beanManager) {
        List<String> problems = new ArrayList<>();
        if (!isLoadable(MP_CONFIG)) {
            problems.add(Messages.noMpConfig());
        } else {
            DeploymentBinder.bind(
                            beanManager.createInstance(), sites, Set.copyOf(injectedGroups), defaultGroupUsed.get(), problems)
                    .ifPresent(d -> deployment = d);
        }
        problems.stream().distinct().sorted()
                .forEach(p -> event.addDeploymentProblem(withoutStack(new DeploymentException(p))));
    }

    void beforeShutdown(@Observes BeforeShutdown event) {
        // The application scope never started (or the runtime never ran): nobody else will close the store.
        Deployment d = deployment;
        if (d != null && handedOver.compareAndSet(false, true)) {
            try {
                d.store().close();
            } catch (RuntimeException e) {
                // Nothing more to do on the way out, but an operator should know connections may have leaked.
                System.getLogger(BatonExtension.class.getName()).log(System.Logger.Level.WARNING,
                        "Closing the lease store " + d.store().describe() + " at shutdown failed", e);
            }
        }
    }

    /**
     * Hands what was decided at deployment to the runtime, which from then on owns the store.
     *
     * @return the deployment
     * @throws IllegalStateException before the deployment was validated, when it failed, or after shutdown
     */
    @Override
    public Deployment take() {
        Deployment d = deployment;
        if (d == null) {
            throw new IllegalStateException("Baton is not deployed: the container has not validated the deployment"
                    + " yet, or the deployment failed (see the BATON-CDI errors reported then)");
        }
        if (!handedOver.compareAndSet(false, true)) {
            throw new IllegalStateException("Baton's deployment was already started or shut down");
        }
        return d;
    }

    /** The message says everything; our stack would only bury it (containers print every problem's trace). */
    private static <T extends Throwable> T withoutStack(T problem) {
        problem.setStackTrace(new StackTraceElement[0]);
        return problem;
    }

    /** @return the injection point as users would find it in their code */
    private static String describe(InjectionPoint ip) {
        Member member = ip.getMember();
        String where = member == null ? String.valueOf(ip.getType())
                : member.getDeclaringClass().getName() + "." + member.getName();
        Annotated annotated = ip.getAnnotated();
        if (annotated instanceof jakarta.enterprise.inject.spi.AnnotatedParameter<?> p) {
            where += " (parameter " + p.getPosition() + ")";
        }
        return where;
    }

    /** Only our own class loader counts: the classes that need the API are loaded by it. */
    private static boolean isLoadable(String className) {
        try {
            Class.forName(className, false, BatonExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
