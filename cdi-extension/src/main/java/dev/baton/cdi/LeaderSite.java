package dev.baton.cdi;

import dev.baton.GroupName;
import dev.baton.Leader;
import dev.baton.OnFollower;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@code @Leader} method found at deployment, before the default group is known (configuration is bound later, in
 * {@code AfterDeploymentValidation}).
 *
 * @param beanClass the bean class whose method is guarded (the method may be declared by a superclass)
 * @param method the method, as the interceptor's {@code InvocationContext.getMethod()} will name it
 * @param declaredGroup the group on the annotation; empty for the default group
 * @param rule what a call on a follower does
 * @param site the method as users write it, for messages
 * @param returnType the return type's simple name, for messages
 * @param explicitThrow true when {@code onFollower=THROW} was written
 */
record LeaderSite(
        Class<?> beanClass,
        Method method,
        String declaredGroup,
        FollowerRule rule,
        String site,
        String returnType,
        boolean explicitThrow) {

    /**
     * @param defaultGroup the configured default group
     * @return the method as the interceptor uses it
     */
    GuardedMethod resolve(String defaultGroup) {
        return new GuardedMethod(declaredGroup.isEmpty() ? defaultGroup : declaredGroup, rule, site, returnType,
                explicitThrow);
    }

    /**
     * One method of a bean as the container sees it, with the {@code @Leader} written on it (if any).
     *
     * @param method the method
     * @param own the method's own {@code @Leader}, or null
     */
    record BeanMethod(Method method, Leader own) {}

    /**
     * Finds every guarded method of a bean seen through the container's annotated type, which may differ from the
     * class when another extension changed its annotations.
     *
     * @param type the bean's final annotated type
     * @param fromStereotype the {@code @Leader} of the bean's stereotypes
     * @param problems receives one message per problem
     * @return the guarded methods that can work
     * @see #scan(Class, Leader, List, Optional, Consumer)
     */
    static List<LeaderSite> scan(AnnotatedType<?> type, Optional<Leader> fromStereotype, Consumer<String> problems) {
        List<BeanMethod> methods = new ArrayList<>();
        for (AnnotatedMethod<?> am : type.getMethods()) {
            methods.add(new BeanMethod(am.getJavaMember(), am.getAnnotation(Leader.class)));
        }
        return scan(type.getJavaClass(), type.getAnnotation(Leader.class), methods, fromStereotype, problems);
    }

    /**
     * Finds every guarded method of a bean and reports, through {@code problems}, each combination that cannot work.
     * A method's own {@code @Leader} wins over the class's (so a class-wide group with one method in another group
     * is fine).
     *
     * @param beanClass the bean class
     * @param onType the {@code @Leader} on the bean's type as the container sees it, or null
     * @param methods the bean's methods (inherited ones included, overridden ones not)
     * @param fromStereotype the {@code @Leader} of the bean's stereotypes, which applies like a class-level one when
     *     the class (or a superclass) carries none
     * @param problems receives one message per problem; scanning goes on so that all are reported together
     * @return the guarded methods that can work
     */
    static List<LeaderSite> scan(Class<?> beanClass, Leader onType, List<BeanMethod> methods,
            Optional<Leader> fromStereotype, Consumer<String> problems) {
        Leader classLeader = onType;
        if (classLeader == null) {
            classLeader = beanClass.getAnnotation(Leader.class); // @Inherited from a superclass
        }
        if (classLeader == null) {
            classLeader = fromStereotype.orElse(null);
        }
        List<LeaderSite> sites = new ArrayList<>();
        boolean finalReported = false;
        for (BeanMethod bm : methods) {
            Method m = bm.method();
            Leader own = bm.own();
            if (own == null && classLeader == null) {
                continue;
            }
            String site = GuardedMethod.site(beanClass, m);
            int mod = m.getModifiers();
            if (own == null && (Modifier.isStatic(mod) || Modifier.isPrivate(mod)
                    || m.getDeclaringClass() == Object.class || m.isBridge() || m.isSynthetic())) {
                continue; // a class-level binding only covers business methods; these never were any
            }
            if (Modifier.isFinal(beanClass.getModifiers())) {
                if (!finalReported) {
                    problems.accept(Messages.finalClass(site, beanClass.getName()));
                    finalReported = true;
                }
                continue;
            }
            if (Modifier.isStatic(mod) || Modifier.isPrivate(mod)) {
                problems.accept(Messages.notInterceptable(site, Modifier.isStatic(mod) ? "static" : "private"));
                continue;
            }
            if (Modifier.isFinal(mod)) {
                problems.accept(Messages.finalMethod(site));
                continue;
            }
            examine(beanClass, m, own != null ? own : classLeader, site, problems).ifPresent(sites::add);
        }
        if (classLeader == null) {
            checkInterfaces(beanClass, problems);
        }
        return sites;
    }

    /** {@code @Leader} on an interface method guards nothing unless the bean's own method carries it. */
    private static void checkInterfaces(Class<?> beanClass, Consumer<String> problems) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = beanClass; c != null; c = c.getSuperclass()) {
            collectInterfaces(c, interfaces);
        }
        for (Class<?> iface : interfaces) {
            for (Method im : iface.getDeclaredMethods()) {
                if (!im.isAnnotationPresent(Leader.class) || Modifier.isStatic(im.getModifiers())) {
                    continue;
                }
                Method impl;
                try {
                    impl = beanClass.getMethod(im.getName(), im.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    continue;
                }
                if (impl.getDeclaringClass().isInterface() || !impl.isAnnotationPresent(Leader.class)) {
                    problems.accept(Messages.interfaceOnly(GuardedMethod.site(iface, im), beanClass.getName()));
                }
            }
        }
    }

    private static void collectInterfaces(Class<?> type, Set<Class<?>> into) {
        for (Class<?> i : type.getInterfaces()) {
            if (into.add(i)) {
                collectInterfaces(i, into);
            }
        }
    }

    /**
     * Checks one method's annotation; also used by the interceptor for a method the extension never saw.
     *
     * @param beanClass the bean class
     * @param m the method
     * @param leader the annotation that applies (the method's, else the class's)
     * @param site the method as users write it
     * @param problems receives one message per problem
     * @return the site, or empty when the annotation cannot work
     */
    static Optional<LeaderSite> examine(
            Class<?> beanClass, Method m, Leader leader, String site, Consumer<String> problems) {
        boolean ok = true;
        String group = leader.value();
        if (!group.isEmpty() && !GroupName.isValid(group)) {
            problems.accept(Messages.invalidLeaderGroup(site, group));
            ok = false;
        }
        Optional<FollowerRule> rule = FollowerRule.resolve(leader.onFollower(), m.getReturnType());
        if (rule.isEmpty()) {
            problems.accept(Messages.cannotSkip(site, m.getGenericReturnType().getTypeName()));
            ok = false;
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new LeaderSite(beanClass, m, group, rule.get(), site,
                m.getReturnType().getSimpleName(), leader.onFollower() == OnFollower.THROW));
    }
}
