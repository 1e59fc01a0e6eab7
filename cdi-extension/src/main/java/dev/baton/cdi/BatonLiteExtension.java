package dev.baton.cdi;

import dev.baton.GroupName;
import dev.baton.Leader;
import dev.baton.LeaderElection;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.InjectionPointInfo;
import jakarta.enterprise.inject.build.compatible.spi.Messages;
import jakarta.enterprise.inject.build.compatible.spi.MetaAnnotations;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.SkipIfPortableExtensionPresent;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.enterprise.inject.build.compatible.spi.Validation;
import jakarta.enterprise.lang.model.AnnotationInfo;
import jakarta.enterprise.lang.model.declarations.ClassInfo;
import jakarta.enterprise.lang.model.declarations.DeclarationInfo;
import jakarta.enterprise.lang.model.declarations.MethodInfo;
import jakarta.enterprise.lang.model.declarations.ParameterInfo;
import jakarta.enterprise.lang.model.types.Type;
import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Baton on CDI Lite (Quarkus): the build-compatible twin of {@link BatonExtension}, registered in
 * {@code META-INF/services/jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension}. Where the portable
 * extension runs (CDI Full: Weld on Helidon, Payara, WildFly, Open Liberty), this one is skipped.
 *
 * <ol>
 *   <li>{@code @Discovery}: makes {@link Leader} an interceptor binding with non-binding members and adds Baton's own
 *       beans (the readiness check only when MicroProfile Health is present).</li>
 *   <li>{@code @Registration}: notes every bean class on which {@code @Leader} appears (its class, a superclass, a
 *       method, an interface, a stereotype) and every {@link ElectionGroup} / unqualified {@link LeaderElection}
 *       injection point.</li>
 *   <li>{@code @Synthesis}: hands those names to run time in a synthetic {@link DeploymentSource}
 *       ({@link LiteDeploymentCreator}); configuration is bound there, when the application starts, since on
 *       Quarkus the build has no run-time configuration.</li>
 *   <li>{@code @Validation}: checks every {@code @Leader} and group name now, with the same ids as the portable
 *       extension ({@code BATON-CDI-0001} to {@code 0099}), so that a bad annotation fails the build.</li>
 * </ol>
 */
@SkipIfPortableExtensionPresent(BatonExtension.class)
public class BatonLiteExtension implements BuildCompatibleExtension {
    private static final String HEALTH_CHECK = "org.eclipse.microprofile.health.HealthCheck";

    private final Set<String> guardedClasses = new TreeSet<>();
    private final Set<String> injectedGroups = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();
    private boolean defaultGroupUsed;

    /** Created by the container through {@link java.util.ServiceLoader}. */
    public BatonLiteExtension() {}

    /**
     * @param meta to declare {@code @Leader} an interceptor binding
     * @param scan to add Baton's beans
     */
    @Discovery
    public void discovery(MetaAnnotations meta, ScannedClasses scan) {
        meta.addInterceptorBinding(Leader.class).methods().forEach(m -> m.addAnnotation(Nonbinding.class));
        scan.add(BatonRuntime.class.getName());
        scan.add(LeaderInterceptor.class.getName());
        if (isLoadable(HEALTH_CHECK)) {
            scan.add(BatonReadinessCheck.class.getName());
        }
    }

    /**
     * @param bean every bean of the application
     */
    @Registration(types = Object.class)
    public void registration(BeanInfo bean) {
        ClassInfo type = bean.declaringClass();
        if (bean.isInterceptor() || type.hasAnnotation(jakarta.interceptor.Interceptor.class)
                || type.hasAnnotation(jakarta.decorator.Decorator.class)) {
            return; // @Leader on an interceptor declares its binding (ours does); it guards nothing
        }
        if (bean.isClassBean() && carriesLeader(bean)) {
            guardedClasses.add(bean.declaringClass().name());
        }
        for (InjectionPointInfo ip : bean.injectionPoints()) {
            noteInjectionPoint(ip);
        }
    }

    /**
     * @param synthesis to add the synthetic {@link DeploymentSource}
     */
    @Synthesis
    public void synthesis(SyntheticComponents synthesis) {
        synthesis.addBean(LiteDeploymentSource.class)
                .type(DeploymentSource.class)
                .scope(Singleton.class)
                .withParam(LiteDeploymentCreator.CLASSES, guardedClasses.toArray(String[]::new))
                .withParam(LiteDeploymentCreator.GROUPS, injectedGroups.toArray(String[]::new))
                .withParam(LiteDeploymentCreator.DEFAULT_GROUP_USED, defaultGroupUsed)
                .createWith(LiteDeploymentCreator.class);
    }

    /**
     * @param messages receives every definition problem, each with its id
     */
    @Validation
    public void validation(Messages messages) {
        List<String> all = new ArrayList<>(problems);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String name : guardedClasses) {
            try {
                ReflectedBean.scan(Class.forName(name, false, loader), all::add);
            } catch (ClassNotFoundException | LinkageError e) {
                // Not loadable at build time: the same check runs when the application starts.
            }
        }
        all.stream().distinct().sorted().forEach(messages::error);
    }

    private void noteInjectionPoint(InjectionPointInfo ip) {
        boolean named = false;
        boolean otherQualifier = false;
        for (AnnotationInfo q : ip.qualifiers()) {
            if (q.name().equals(ElectionGroup.class.getName())) {
                named = true;
                String group = q.value().asString();
                if (GroupName.isValid(group)) {
                    injectedGroups.add(group);
                } else {
                    problems.add(dev.baton.cdi.Messages.invalidInjectedGroup(describe(ip.declaration()), group));
                }
            } else if (!q.name().equals(Default.class.getName()) && !q.name().equals(Any.class.getName())) {
                otherQualifier = true;
            }
        }
        // An unqualified @Inject LeaderElection is the default group's; Instance<LeaderElection> starts it on lookup.
        Type type = ip.type();
        if (!named && !otherQualifier && type.isClass()
                && type.asClass().declaration().name().equals(LeaderElection.class.getName())) {
            defaultGroupUsed = true;
        }
    }

    /**
     * Whether {@code @Leader} appears anywhere it could apply to this bean: on its class, a superclass, an interface,
     * a method, or an annotation of the class (a stereotype, also one nested in another). The exact rules then run on
     * reflection ({@link ReflectedBean}), the same at build time and at start.
     */
    private static boolean carriesLeader(BeanInfo bean) {
        Set<String> seen = new HashSet<>();
        for (ClassInfo c = bean.declaringClass(); c != null; c = c.superClassDeclaration()) {
            if (mentionsLeader(c, seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsLeader(ClassInfo c, Set<String> seen) {
        if (!seen.add(c.name()) || c.name().equals(Object.class.getName())) {
            return false;
        }
        if (c.hasAnnotation(Leader.class) || c.methods().stream().anyMatch(m -> m.hasAnnotation(Leader.class))) {
            return true;
        }
        if (c.annotations().stream().anyMatch(a -> !a.name().startsWith("java.") && mentionsLeader(a.declaration(),
                seen))) {
            return true; // a stereotype
        }
        return c.superInterfacesDeclarations().stream().anyMatch(i -> mentionsLeader(i, seen));
    }

    /** The injection point as users find it in their code, like the portable extension's messages. */
    private static String describe(DeclarationInfo declaration) {
        if (declaration.isField()) {
            var f = declaration.asField();
            return f.declaringClass().name() + "." + f.name();
        }
        if (declaration.isParameter()) {
            ParameterInfo p = declaration.asParameter();
            MethodInfo m = p.declaringMethod();
            return m.declaringClass().name() + "." + m.name() + " (parameter " + m.parameters().indexOf(p) + ")";
        }
        return declaration.toString();
    }

    private static boolean isLoadable(String className) {
        try {
            Class.forName(className, false, BatonLiteExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
