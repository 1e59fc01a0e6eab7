package dev.baton;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

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
 * <p>A <em>tenure</em> is one stretch of leadership under one fencing token: it begins with an {@code ACQUIRED} event
 * and ends with the group's next event on this participant; it is valid from the first's {@link #at()} to the
 * second's {@link #validUntil()}. Renewals continue a tenure; they are not announced. (A {@link Term} is guarded work's hold on
 * a tenure, not the tenure itself.)
 *
 * <p>Not guaranteed: that the state still holds when a listener runs. By the time you are called leadership may
 * already have changed again; ask {@link LeaderElection#isLeader()} when it matters.
 *
 * @param group the group (lease name)
 * @param participant this participant's id
 * @param role the new role
 * @param previousRole the role before the change
 * @param leader the leader's id when known (this participant when it acquired)
 * @param fencingToken the fencing token of the tenure that started ({@code ACQUIRED}) or ended (any other cause)
 * @param cause why the role changed
 * @param at the wall-clock instant the change was decided on this participant (for logs, never for decisions): for
 *     an end after a pause (GC, {@code SIGSTOP}) or stalled renewals, the instant the participant noticed, which can be
 *     seconds after the tenure had stopped being valid
 * @param validUntil for an event that ends leadership ({@link #lost()}): the wall-clock instant the tenure stopped
 *     being valid on this participant, from which {@link LeaderElection#isLeader()} was false: its local deadline
 *     ({@code grant + ttl - margin} on the monotonic clock) when that passed before the end was decided (converted as {@code at} minus the monotonic time
 *     elapsed since the deadline, so a wall-clock step during a pause does not move it), else the
 *     instant of the decision (a release, a shutdown, a renewal answer naming another holder), which is {@link #at()}.
 *     A tenure whose deadline passed is over even if a renewal sent (or answered) too late would still be granted: it is
 *     ended, dated at that deadline, never silently continued, so the intervals from {@code ACQUIRED} to
 *     {@code validUntil} cover exactly the times {@code isLeader()} was true. Use it, not {@code at}, to log or audit
 *     "led from A to B". For {@code ACQUIRED}: equal to {@code at}
 * @param leaderMetadata the metadata {@link #leader()} advertises (as {@link LeaderInfo#metadata()}: unmodifiable,
 *     sorted by key, without Baton's reserved {@code baton.*} entries): this participant's own for {@code ACQUIRED},
 *     the new holder's when a tenure ended because another holder was found; empty when the leader is unknown, it
 *     advertises nothing or the backend keeps no metadata. Never null
 */
public record LeadershipChanged(
        String group,
        String participant,
        Role role,
        Role previousRole,
        Optional<String> leader,
        OptionalLong fencingToken,
        ChangeCause cause,
        Instant at,
        Instant validUntil,
        Map<String, String> leaderMetadata) {

    /**
     * An event without leader metadata ({@link #leaderMetadata()} empty).
     *
     * @param group the group
     * @param participant this participant's id
     * @param role the new role
     * @param previousRole the role before
     * @param leader the leader's id when known
     * @param fencingToken the token of the tenure
     * @param cause why
     * @param at when the change was decided
     * @param validUntil when an ended tenure stopped being valid ({@code at} for an acquisition)
     */
    public LeadershipChanged(String group, String participant, Role role, Role previousRole, Optional<String> leader,
            OptionalLong fencingToken, ChangeCause cause, Instant at, Instant validUntil) {
        this(group, participant, role, previousRole, leader, fencingToken, cause, at, validUntil, Map.of());
    }

    /**
     * An event whose tenure, if it ends one, stopped being valid when it was decided ({@code validUntil = at}), without
     * leader metadata.
     *
     * @param group the group
     * @param participant this participant's id
     * @param role the new role
     * @param previousRole the role before
     * @param leader the leader's id when known
     * @param fencingToken the token of the tenure
     * @param cause why
     * @param at when the change was decided
     */
    public LeadershipChanged(String group, String participant, Role role, Role previousRole, Optional<String> leader,
            OptionalLong fencingToken, ChangeCause cause, Instant at) {
        this(group, participant, role, previousRole, leader, fencingToken, cause, at, at);
    }

    /**
     * Checks that no component is null, and that a tenure never ends after the change was decided; keeps an
     * unmodifiable copy of {@code leaderMetadata} sorted by key.
     */
    public LeadershipChanged {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(previousRole, "previousRole");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(fencingToken, "fencingToken");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(leaderMetadata, "leaderMetadata");
        if (validUntil.isAfter(at)) {
            throw new IllegalArgumentException("validUntil " + validUntil + " is after the change at " + at);
        }
        if (leaderMetadata.isEmpty()) {
            leaderMetadata = Collections.emptySortedMap();
        } else {
            TreeMap<String, String> copy = new TreeMap<>();
            leaderMetadata.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "a leaderMetadata key is null"),
                    Objects.requireNonNull(v, "a leaderMetadata value is null")));
            leaderMetadata = Collections.unmodifiableSortedMap(copy);
        }
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
