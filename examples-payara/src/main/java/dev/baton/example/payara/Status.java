package dev.baton.example.payara;

import dev.baton.LeadershipChanged;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /baton} returns: this instance's view of the {@code reports} group.
 *
 * @param participant this instance's participant id
 * @param group the election group
 * @param role {@code LEADER} or {@code FOLLOWER}
 * @param leader the leader's participant id, when known
 * @param fencingToken the current fencing token while this instance leads
 * @param jobRuns how many times this instance ran the report job
 * @param lastJobRun when this instance last ran it
 * @param transitions the recent leadership transitions seen here (every group), newest first
 */
public record Status(
        String participant,
        String group,
        String role,
        String leader,
        Long fencingToken,
        long jobRuns,
        Instant lastJobRun,
        List<Transition> transitions) {

    /**
     * One observed {@link LeadershipChanged} event.
     *
     * @param at when it was decided on this instance
     * @param validUntil for the end of a tenure: when the tenure stopped being valid (earlier than {@code at} after a
     *     pause); for an acquisition, {@code at}
     * @param group the group whose leadership changed
     * @param previousRole the role before
     * @param role the role after
     * @param cause why
     * @param leader the leader's id when known
     * @param fencingToken the token, when leading
     */
    public record Transition(Instant at, Instant validUntil, String group, String previousRole, String role,
                             String cause, String leader, Long fencingToken) {

        static Transition of(LeadershipChanged e) {
            return new Transition(e.at(), e.validUntil(), e.group(), e.previousRole().name(), e.role().name(),
                    e.cause().name(), e.leader().orElse(null),
                    e.fencingToken().isPresent() ? e.fencingToken().getAsLong() : null);
        }
    }
}
