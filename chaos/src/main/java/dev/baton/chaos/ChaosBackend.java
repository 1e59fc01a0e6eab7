package dev.baton.chaos;

import dev.baton.testfixtures.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A backend under chaos: starts its server (if it has one) in the run's folder and tells participants how to reach
 * it. Implementations exist for every backend in the repository.
 */
public interface ChaosBackend extends AutoCloseable {

    /** @return the fixture's name ({@link Backends#NAMES}), also the report folder's name */
    String name();

    /** @return the {@code baton.backend} this fixture's participants select; the fixture's name unless it differs */
    default String factoryName() {
        return name();
    }

    /**
     * Starts the backend's server, if any, on a free port.
     *
     * @param dir a fresh folder for data and logs
     * @param participants how many participant slots the run has (a backend whose participants are themselves the
     *     store, such as raft, makes one member per slot)
     */
    void start(Path dir, int participants);

    /**
     * @return true when the participants are the store themselves (raft): there is no server to fault, and killing a
     *     participant that does not lead takes a member of the store away
     */
    default boolean participantsAreTheStore() {
        return false;
    }

    /**
     * Time a backend needs beyond the harness's failover bounds because its store tells time more coarsely than the
     * others: added to both bounds and printed with them in the report.
     *
     * @return zero unless the backend says otherwise
     */
    default Duration failoverAllowance() {
        return Duration.ZERO;
    }

    /**
     * How long the store needs after a fault has healed before it is whole again, beyond the leader being back: the
     * next fault waits that long, so that faults stay one at a time (a member of a Raft group that was frozen or
     * restarted rejoins through a merge after its return, and a second fault before that would hit a group that is
     * short of a member already).
     *
     * @return zero unless the backend says otherwise
     */
    default Duration settleTime() {
        return Duration.ZERO;
    }

    /** @return the running server process, for server faults and as the target of the TCP proxies */
    Optional<ServerProcess> server();

    /** @return the server's port when the backend is reached over TCP (proxies are put in front of it) */
    default Optional<Integer> port() {
        return Optional.empty();
    }

    /**
     * @param participant the participant's slot, 1-based (every incarnation of a slot gets the same configuration)
     * @param port the port a participant should connect to (a proxy's), or the server's own; ignored by backends
     *     without a server
     * @return the {@code baton.*} configuration of one participant, {@code baton.backend} included
     */
    Map<String, String> config(int participant, int port);

    /** Stops the server and frees what {@link #start} took. Idempotent. */
    @Override
    void close();
}
