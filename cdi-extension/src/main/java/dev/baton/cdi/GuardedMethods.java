package dev.baton.cdi;

import dev.baton.Leader;
import dev.baton.OnFollower;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The table the interceptor consults on every call: method to {@link GuardedMethod}, built at deployment.
 *
 * <p>A method is normally guarded the same way wherever it is used. When one inherited method is guarded
 * differently by two bean classes (each with its own class-level {@code @Leader}), the entry is resolved by the
 * target's class. A method the extension never saw (a bean added in a way that fires no {@code ProcessManagedBean})
 * is examined by reflection on its first call and cached.
 */
final class GuardedMethods {

    private final String defaultGroup;
    private final Map<Method, GuardedMethod> unique = new ConcurrentHashMap<>();
    private final Map<Method, Map<Class<?>, GuardedMethod>> byClass = new ConcurrentHashMap<>();

    GuardedMethods(List<LeaderSite> sites, String defaultGroup) {
        this.defaultGroup = defaultGroup;
        Map<Method, Map<Class<?>, GuardedMethod>> all = new HashMap<>();
        for (LeaderSite s : sites) {
            all.computeIfAbsent(s.method(), k -> new HashMap<>()).put(s.beanClass(), s.resolve(defaultGroup));
        }
        all.forEach((method, perClass) -> {
            if (perClass.values().stream().distinct().count() == 1) {
                unique.put(method, perClass.values().iterator().next());
            } else {
                byClass.put(method, Map.copyOf(perClass));
            }
        });
    }

    /**
     * @param method the intercepted method
     * @param target the intercepted instance (possibly a container subclass of the bean class)
     * @return how to guard the call
     */
    GuardedMethod find(Method method, Object target) {
        GuardedMethod g = unique.get(method);
        if (g != null) {
            return g;
        }
        Map<Class<?>, GuardedMethod> perClass = byClass.get(method);
        if (perClass != null && target != null) {
            for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
                GuardedMethod found = perClass.get(c);
                if (found != null) {
                    return found;
                }
            }
        }
        return unique.computeIfAbsent(method, m -> examineLate(m, target));
    }

    private GuardedMethod examineLate(Method m, Object target) {
        Class<?> beanClass = m.getDeclaringClass();
        Leader leader = m.getAnnotation(Leader.class);
        if (leader == null && target != null) {
            for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
                if (c.isAnnotationPresent(Leader.class)) {
                    leader = c.getAnnotation(Leader.class);
                    beanClass = c;
                    break;
                }
            }
        }
        if (leader == null && target != null) {
            // A bean the extension did not see at deployment, bound through a stereotype.
            leader = StereotypeLeader.of(target.getClass()).orElse(null);
        }
        if (leader == null) {
            // Bound in another indirect way: guard with the default group.
            return new GuardedMethod(defaultGroup, FollowerRule.resolve(OnFollower.DEFAULT,
                    m.getReturnType()).orElseThrow(), GuardedMethod.site(beanClass, m),
                    m.getReturnType().getSimpleName(), false);
        }
        List<String> problems = new ArrayList<>();
        var site = LeaderSite.examine(beanClass, m, leader, GuardedMethod.site(beanClass, m), problems::add);
        if (site.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        return site.get().resolve(defaultGroup);
    }

    /** @return every group named by a method seen at deployment */
    Set<String> groups() {
        Set<String> groups = new TreeSet<>();
        unique.values().forEach(g -> groups.add(g.group()));
        byClass.values().forEach(m -> m.values().forEach(g -> groups.add(g.group())));
        return groups;
    }
}
