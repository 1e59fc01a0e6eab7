package dev.baton;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of one group's election on this participant, for health checks and diagnostics.
 *
 * @param group the group
 * @param participant this participant's id
 * @param role this participant's role at the time of the snapshot
 * @param leader the leader's id when known
 * @param fencingToken the current token while leading
 * @param backendReachable false once the backend has failed every call for at least one lease length
 * @param unreachableFor how long calls to the backend have been failing (zero when the last call succeeded)
 * @param lastError the last backend error message while calls are failing
 * @param backend a description of the backend (never containing secrets)
 */
public record ElectionStatus(
        String group,
        String participant,
        Role role,
        Optional<String> leader,
        OptionalLong fencingToken,
        boolean backendReachable,
        Duration unreachableFor,
        Optional<String> lastError,
        String backend) {}
