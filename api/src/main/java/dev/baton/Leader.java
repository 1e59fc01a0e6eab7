package dev.baton;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every business method of the annotated class) only on the participant
 * that currently leads the group; on every other participant the call is skipped.
 *
 * <p>Typical use is on a scheduled method: every instance of the cluster fires the schedule, exactly one
 * runs the body.
 *
 * <pre>{@code
 * @Scheduled(every = "10s") @Leader("reports")
 * void report() { ... }
 * }</pre>
 *
 * <p>What a follower gets back depends on the return type and {@link #onFollower()}:
 * {@code void} returns normally, {@link java.util.Optional} is empty, {@link java.util.concurrent.CompletionStage}
 * completes with {@code null}; any other return type throws {@link NotLeaderException}. Combinations that cannot
 * work (for example {@code onFollower = SKIP} on a method returning {@code int}) fail the deployment with a
 * definition error naming the method.
 *
 * <p>In a CDI container the Baton extension turns this annotation into an interceptor binding (with every member
 * non-binding) and intercepts both {@code @AroundInvoke} and {@code @AroundTimeout}, so EJB {@code @Schedule}
 * callbacks are guarded too. The annotation itself has no CDI dependency.
 *
 * <p>Guarantee: the body starts only while this participant holds a valid grant (see {@link LeaderElection#isLeader()}).
 * Not guaranteed: that leadership lasts until the body ends. A long body should use {@link
 * LeaderElection#runWhileLeader(java.util.concurrent.Callable)} or pass {@link Term#fencingToken()} to the resources
 * it writes.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Leader {

    /**
     * The group (lease name) whose leader runs the method; empty means the configured default group
     * ({@code baton.group}, itself {@code default} unless set). Must match {@value GroupName#PATTERN}.
     *
     * @return the group name, or empty for the default group
     */
    String value() default "";

    /**
     * What a call on a follower does.
     *
     * @return the follower behaviour; {@link OnFollower#DEFAULT} chooses by return type
     */
    OnFollower onFollower() default OnFollower.DEFAULT;
}
