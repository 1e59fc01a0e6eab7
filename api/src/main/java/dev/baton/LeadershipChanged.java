package dev.baton;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Announces that this participant's role in a group changed. In a CDI application it is fired as an event,
 * observable with {@code @Observes} and {@code @ObservesAsync}; in plain Java it reaches listeners registered with
 * {@link LeaderElection#onChange(java.util.function.Consumer)}.
 *
 * <p>Guarantees: {@link ChangeCause#ACQUIRED} is announced only after the store committed the grant; every
 * acquisition is followed by exactly one event whose new role is {@link Role#FOLLOWER} (cause {@code RELEASED},
 * {@code EXPIRED}, {@code LOST_TO_ANOTHER}, {@code BACKEND_UNAVAILABLE} or {@code SHUTDOWN}); events of one group are
 * delivered in order; listeners never run on the thread that renews leases.
 *
 * <p>Not guaranteed: that the state still holds when a listener runs. By the time you are called leadership may
 * already have changed again; ask {@link LeaderElection#isLeader()} when it matters.
 *
 * @param group the group (lease name)
 * @param participant this participant's id
 * @param role the new role
 * @param previousRole the role before the change
 * @param leader the leader's id when known (this participant when it acquired)
 * @param fencingToken the fencing token of the term that started ({@code ACQUIRED}) or ended (any other cause)
 * @param cause why the role changed
 * @param at the wall-clock instant the change was decided on this participant (for logs, never for decisions)
 */
public record LeadershipChanged(
        String group,
        String participant,
        Role role,
        Role previousRole,
        Optional<String> leader,
        OptionalLong fencingToken,
        ChangeCause cause,
        Instant at) {

    /** Checks that no component is null. */
    public LeadershipChanged {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(previousRole, "previousRole");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(fencingToken, "fencingToken");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(at, "at");
    }

    /** @return true when this participant became leader with this event */
    public boolean acquired() {
        return role == Role.LEADER && previousRole != Role.LEADER;
    }

    /** @return true when this participant stopped leading with this event */
    public boolean lost() {
        return previousRole == Role.LEADER && role != Role.LEADER;
    }
}
