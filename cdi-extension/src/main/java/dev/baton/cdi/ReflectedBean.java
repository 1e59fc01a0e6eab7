package dev.baton.cdi;

import dev.baton.Leader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A bean class read by reflection, for CDI Lite: there is no annotated type to read there, and the build-compatible
 * extension only passes class names from build time to run time. The methods are the ones an annotated type would
 * list: declared by the class and its superclasses (not {@link Object}), each overridden method only once, as its
 * most specific declaration (a method-level {@code @Leader} is not inherited by an override).
 */
final class ReflectedBean {

    private ReflectedBean() {}

    /**
     * @param beanClass the bean class
     * @param problems receives one message per problem
     * @return the guarded methods that can work
     * @see LeaderSite#scan(Class, Leader, List, java.util.Optional, Consumer)
     */
    static List<LeaderSite> scan(Class<?> beanClass, Consumer<String> problems) {
        return LeaderSite.scan(beanClass, beanClass.getAnnotation(Leader.class), methods(beanClass),
                StereotypeLeader.of(beanClass, problems), problems);
    }

    private static List<LeaderSite.BeanMethod> methods(Class<?> beanClass) {
        List<LeaderSite.BeanMethod> methods = new ArrayList<>();
        List<Method> seen = new ArrayList<>();
        for (Class<?> c = beanClass; c != null && c != Object.class; c = c.getSuperclass()) {
            Method[] declared = c.getDeclaredMethods();
            Arrays.sort(declared, java.util.Comparator.comparing(Method::toString)); // stable messages
            for (Method m : declared) {
                if (seen.stream().anyMatch(s -> overrides(s, m))) {
                    continue;
                }
                seen.add(m);
                methods.add(new LeaderSite.BeanMethod(m, m.getAnnotation(Leader.class)));
            }
        }
        return methods;
    }

    /** Whether {@code sub} (declared lower in the hierarchy) overrides {@code sup}. */
    private static boolean overrides(Method sub, Method sup) {
        int mod = sup.getModifiers();
        if (Modifier.isPrivate(mod) || Modifier.isStatic(mod) || Modifier.isStatic(sub.getModifiers())
                || !sub.getName().equals(sup.getName())
                || !Arrays.equals(sub.getParameterTypes(), sup.getParameterTypes())) {
            return false;
        }
        if (Modifier.isPublic(mod) || Modifier.isProtected(mod)) {
            return true;
        }
        // Package-private: only overridden from the same package.
        return sub.getDeclaringClass().getPackageName().equals(sup.getDeclaringClass().getPackageName());
    }
}
