package dev.baton.observe;

import dev.baton.ChangeCause;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * Turns what the engine does into Java Flight Recorder events (category "Baton"), cheap when no recording runs:
 *
 * <ul>
 *   <li>{@code dev.baton.LeadershipAcquired}, {@code dev.baton.LeadershipReleased} (cause {@code RELEASED} or
 *       {@code SHUTDOWN}), {@code dev.baton.LeadershipLost} (cause {@code EXPIRED}, {@code BACKEND_UNAVAILABLE},
 *       {@code LOST_TO_ANOTHER}): group, participant, fencing token, cause;</li>
 *   <li>{@code dev.baton.LeaseRenewed}: a renewal the store answered, with its latency;</li>
 *   <li>{@code dev.baton.BackendFailure}: a store call that failed, with operation, latency and message;</li>
 *   <li>{@code dev.baton.GuardedCallSkipped}: a {@code @Leader} call on a follower ({@link #guardedCallSkipped}).</li>
 * </ul>
 *
 * <p>{@link dev.baton.engine.Baton} always installs one. Where {@code jdk.jfr} cannot be loaded (a trimmed runtime
 * image, an application server that hides it from deployments, such as WildFly) nothing is recorded and nothing
 * fails.
 */
public final class FlightRecorderObserver implements ElectionObserver {

    /**
     * Whether this class's own loader sees JFR: the JVM may have it while an application server hides it from
     * deployments (WildFly does, unless the deployment asks for the module), and then loading an event class fails.
     */
    private static final boolean AVAILABLE = jfrVisible();
    private static final FlightRecorderObserver INSTANCE = new FlightRecorderObserver();

    private FlightRecorderObserver() {}

    private static boolean jfrVisible() {
        try {
            Class.forName("jdk.jfr.Event", false, FlightRecorderObserver.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** @return the observer, or a no-op one when this runtime has no JFR */
    public static ElectionObserver get() {
        return AVAILABLE ? INSTANCE : new ElectionObserver() { };
    }

    /**
     * Records that a guarded call was not run because this participant does not lead (the CDI interceptor calls it).
     *
     * @param group the group
     * @param method the method, as users write it
     */
    public static void guardedCallSkipped(String group, String method) {
        if (!AVAILABLE) {
            return;
        }
        Events.skipped(group, method);
    }

    @Override
    public void storeCall(String name, StoreOperation operation, long nanos, RuntimeException failure) {
        if (failure != null) {
            Events.failure(name, operation, nanos, failure);
        } else if (operation == StoreOperation.RENEW) {
            Events.renewed(name, nanos);
        }
    }

    @Override
    public void leadershipChanged(LeadershipChanged change) {
        Events.changed(change);
    }

    /** Kept apart so that {@code jdk.jfr} classes are only loaded when the module is there. */
    private static final class Events {

        static void skipped(String group, String method) {
            GuardedCallSkipped e = new GuardedCallSkipped();
            if (e.shouldCommit()) {
                e.group = group;
                e.method = method;
                e.commit();
            }
        }

        static void failure(String name, StoreOperation operation, long nanos, RuntimeException failure) {
            BackendFailure e = new BackendFailure();
            if (e.shouldCommit()) {
                e.lease = name;
                e.operation = operation.tag();
                e.latency = nanos;
                e.message = String.valueOf(failure.getMessage());
                e.commit();
            }
        }

        static void renewed(String name, long nanos) {
            LeaseRenewed e = new LeaseRenewed();
            if (e.shouldCommit()) {
                e.lease = name;
                e.latency = nanos;
                e.commit();
            }
        }

        static void changed(LeadershipChanged change) {
            TransitionEvent e;
            if (change.role() == Role.LEADER) {
                e = new LeadershipAcquired();
            } else if (change.previousRole() != Role.LEADER) {
                return; // follower to follower: nothing happened to this participant
            } else if (change.cause() == ChangeCause.RELEASED || change.cause() == ChangeCause.SHUTDOWN) {
                e = new LeadershipReleased();
            } else {
                e = new LeadershipLost();
            }
            if (e.shouldCommit()) {
                e.group = change.group();
                e.participant = change.participant();
                e.token = change.fencingToken().orElse(0);
                e.cause = change.cause().name();
                e.commit();
            }
        }
    }

    /** The fields every transition event carries. */
    @Category("Baton")
    @StackTrace(false)
    abstract static class TransitionEvent extends Event {
        @Label("Group")
        String group;
        @Label("Participant")
        String participant;
        @Label("Fencing Token")
        long token;
        @Label("Cause")
        String cause;
    }

    @Name("dev.baton.LeadershipAcquired")
    @Label("Leadership Acquired")
    @Description("This participant became the leader of a group")
    static final class LeadershipAcquired extends TransitionEvent {}

    @Name("dev.baton.LeadershipReleased")
    @Label("Leadership Released")
    @Description("This participant gave up leading a group (step-down or shutdown)")
    static final class LeadershipReleased extends TransitionEvent {}

    @Name("dev.baton.LeadershipLost")
    @Label("Leadership Lost")
    @Description("This participant stopped leading a group against its will (expiry, backend failure, another took"
            + " the lease)")
    static final class LeadershipLost extends TransitionEvent {}

    @Name("dev.baton.LeaseRenewed")
    @Label("Lease Renewed")
    @Category("Baton")
    @StackTrace(false)
    static final class LeaseRenewed extends Event {
        @Label("Lease")
        String lease;
        @Label("Latency")
        @Timespan(Timespan.NANOSECONDS)
        long latency;
    }

    @Name("dev.baton.BackendFailure")
    @Label("Backend Failure")
    @Description("A call to the lease store failed")
    @Category("Baton")
    @StackTrace(false)
    static final class BackendFailure extends Event {
        @Label("Lease")
        String lease;
        @Label("Operation")
        String operation;
        @Label("Latency")
        @Timespan(Timespan.NANOSECONDS)
        long latency;
        @Label("Message")
        String message;
    }

    @Name("dev.baton.GuardedCallSkipped")
    @Label("Guarded Call Skipped")
    @Description("A @Leader method was called on a participant that does not lead its group")
    @Category("Baton")
    @StackTrace(false)
    static final class GuardedCallSkipped extends Event {
        @Label("Group")
        String group;
        @Label("Method")
        String method;
    }
}
