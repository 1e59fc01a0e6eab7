package dev.baton.jaxrs;

import dev.baton.GroupName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * Puts a {@link LeaderOnlyFilter} in front of every resource method annotated (or whose class is annotated) with
 * {@link LeaderOnly}, and checks the annotation when the application deploys. Found by the JAX-RS runtime as a
 * provider (Jersey's scanning on Payara and GlassFish; CDI discovery on Helidon, hence the scope), or registered by
 * hand in {@code Application.getClasses()}.
 *
 * <p>The filter runs before authentication ({@link Priorities#AUTHENTICATION} - 100): a follower redirects without
 * authenticating, and the leader authenticates the request it serves.
 */
@Provider
@ApplicationScoped
public class LeaderOnlyFeature implements DynamicFeature {
    /** The filter's priority: before authentication, so followers do not authenticate what the leader serves. */
    static final int PRIORITY = Priorities.AUTHENTICATION - 100;

    private final ElectionLookup elections;

    /** The feature as runtimes create it: elections are looked up in the application's CDI container. */
    public LeaderOnlyFeature() {
        this(ElectionLookup.cdi());
    }

    LeaderOnlyFeature(ElectionLookup elections) {
        this.elections = Objects.requireNonNull(elections, "elections");
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        Class<?> type = resource.getResourceClass();
        LeaderOnly annotation = method == null ? null : method.getAnnotation(LeaderOnly.class);
        if (annotation == null && type != null) {
            annotation = type.getAnnotation(LeaderOnly.class);
        }
        if (annotation == null) {
            return;
        }
        String site = (type == null ? "?" : type.getName()) + (method == null ? "" : "." + method.getName() + "()");
        String group = annotation.group();
        if (!group.isEmpty() && !GroupName.isValid(group)) {
            throw new IllegalStateException(LogIds.BAD_GROUP + ": @LeaderOnly(group = \"" + group + "\") on " + site
                    + " names an invalid group; a group name matches " + GroupName.PATTERN
                    + " and has at most " + GroupName.MAX_LENGTH + " characters, or leave it empty for the default"
                    + " group (baton.group)");
        }
        int retryAfter = annotation.retryAfterSeconds();
        if (retryAfter < 1 || retryAfter > 3600) {
            throw new IllegalStateException(LogIds.BAD_RETRY_AFTER + ": @LeaderOnly(retryAfterSeconds = " + retryAfter
                    + ") on " + site + " is out of range; valid: 1 to 3600 seconds");
        }
        context.register(new LeaderOnlyFilter(group, retryAfter, elections), PRIORITY);
    }
}
