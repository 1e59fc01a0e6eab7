package dev.baton.jaxrs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Serves a JAX-RS resource method (or every method of a resource class) on the leader of a group only. On a follower
 * the request is not run: it is answered with {@code 307 Temporary Redirect} to the same path and query on the
 * leader's advertised {@code url} (participant metadata, e.g. {@code baton.participant.metadata.url}), which keeps
 * the method and body; or with {@code 503 Service Unavailable} and {@code Retry-After} while no leader is known or
 * the leader advertises no {@code url}.
 *
 * <pre>{@code
 * @POST @Path("settle") @LeaderOnly
 * public Receipt settle(Batch batch) { ... }
 * }</pre>
 *
 * <p>A method's annotation wins over its class's. The group and the retry delay are checked when the application
 * deploys ({@code BATON-JAXRS-0001}, {@code 0002}). The check happens as the request arrives: a redirect is a hint,
 * not a guarantee (the leader may change while the client follows it), so work that must run on one instance at a
 * time still checks leadership where it writes (e.g. {@code @Leader} or the fencing token).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface LeaderOnly {

    /** @return the group whose leader serves the request; empty (the default) for the default group, {@code baton.group} */
    String group() default "";

    /** @return the {@code Retry-After} of a 503 answer, in seconds, from 1 to 3600 */
    int retryAfterSeconds() default 1;
}
