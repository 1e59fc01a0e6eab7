package dev.baton.cdi;

import dev.baton.GroupName;
import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects the election of a named group at an injection point:
 *
 * <pre>{@code
 * @Inject @ElectionGroup("reports") LeaderElection reports;
 * }</pre>
 *
 * <p>Without this qualifier {@code @Inject LeaderElection} is the default group ({@code baton.group}). Names are
 * checked at deployment: an invalid one fails the deployment with {@code BATON-CDI-0005}. Every group named at an
 * injection point starts competing when the application starts. Programmatic lookup uses {@link Literal}:
 * {@code elections.select(ElectionGroup.Literal.of("reports")).get()} (a group first named this way starts at that
 * moment).
 *
 * <p>{@link #value()} is non-binding: one producer serves every group and reads the name from the injection point.
 * For the same reason this qualifier does not filter {@link dev.baton.LeadershipChanged} observers; test
 * {@link dev.baton.LeadershipChanged#group()} instead.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface ElectionGroup {

    /**
     * @return the group name; must match {@value GroupName#PATTERN}
     */
    @Nonbinding
    String value();

    /** An {@link ElectionGroup} instance for programmatic lookup. */
    final class Literal extends AnnotationLiteral<ElectionGroup> implements ElectionGroup {
        private static final long serialVersionUID = 1L;

        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        /**
         * @param group a group name
         * @return the qualifier selecting that group's election
         * @throws IllegalArgumentException when the name is not a valid group name
         */
        public static Literal of(String group) {
            return new Literal(GroupName.requireValid(group));
        }

        @Override
        public String value() {
            return value;
        }
    }
}
