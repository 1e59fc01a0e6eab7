package dev.baton.cdi;

import dev.baton.Leader;
import jakarta.enterprise.inject.Stereotype;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@code @Leader} a bean gets from its stereotypes (a stereotype may declare interceptor bindings, also through
 * a stereotype it is itself annotated with). It is read at deployment like a class-level {@code @Leader}: its group
 * starts with the application, guards the bean's calls, and its {@code onFollower} applies, with the same errors.
 */
final class StereotypeLeader {

    private StereotypeLeader() {}

    /**
     * @param stereotypes the bean's stereotypes, as the container reports them
     * @param beanClass the bean class, for messages
     * @param problems receives a message when two stereotypes carry different {@code @Leader}s
     * @return the one {@code @Leader} the stereotypes carry, or empty when none does (or they disagree)
     */
    static Optional<Leader> of(Collection<Class<? extends Annotation>> stereotypes, Class<?> beanClass,
            Consumer<String> problems) {
        Set<Leader> found = new LinkedHashSet<>();
        Set<Class<? extends Annotation>> seen = new HashSet<>();
        List<Class<? extends Annotation>> names = new ArrayList<>();
        for (Class<? extends Annotation> stereotype : stereotypes) {
            collect(stereotype, seen, found, names);
        }
        if (found.size() > 1) {
            problems.accept(Messages.conflictingStereotypes(beanClass.getName(), names));
            return Optional.empty();
        }
        return found.stream().findFirst();
    }

    /**
     * For a bean the extension never saw at deployment: its class's stereotypes, found by reflection.
     *
     * @param beanClass the bean class
     * @return as {@link #of(Collection, Class, Consumer)}; disagreeing stereotypes give empty
     */
    static Optional<Leader> of(Class<?> beanClass) {
        return of(beanClass, problem -> { });
    }

    /**
     * A bean's stereotypes found by reflection on its class (CDI Lite, where no container event lists them).
     *
     * @param beanClass the bean class
     * @param problems receives a message when two stereotypes carry different {@code @Leader}s
     * @return as {@link #of(Collection, Class, Consumer)}
     */
    static Optional<Leader> of(Class<?> beanClass, Consumer<String> problems) {
        List<Class<? extends Annotation>> stereotypes = new ArrayList<>();
        for (Annotation a : beanClass.getAnnotations()) {
            if (a.annotationType().isAnnotationPresent(Stereotype.class)) {
                stereotypes.add(a.annotationType());
            }
        }
        return of(stereotypes, beanClass, problems);
    }

    private static void collect(Class<? extends Annotation> stereotype, Set<Class<? extends Annotation>> seen,
            Set<Leader> found, List<Class<? extends Annotation>> carriers) {
        if (!seen.add(stereotype)) {
            return;
        }
        Leader leader = stereotype.getAnnotation(Leader.class);
        if (leader != null) {
            found.add(leader);
            carriers.add(stereotype);
        }
        for (Annotation meta : stereotype.getAnnotations()) {
            if (meta.annotationType().isAnnotationPresent(Stereotype.class)) {
                collect(meta.annotationType(), seen, found, carriers);
            }
        }
    }
}
