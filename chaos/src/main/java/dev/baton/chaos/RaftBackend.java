package dev.baton.chaos;

import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The raft backend: the participants are the store. Each participant slot is a member of one static Raft group
 * ({@code node-<slot>} on its own loopback port, its log in a folder of its own that every incarnation of the slot
 * reuses), so there is no server to fault; instead {@link FaultKind#KILL_MEMBER} and {@link FaultKind#PAUSE_MEMBER}
 * take away a member that does not lead, sometimes the Raft leader.
 */
final class RaftBackend implements ChaosBackend {
    /**
     * Short enough that a failover costs little more than the ttl, long enough that a JVM starved of CPU on a busy
     * two-core machine is not suspected for nothing (heartbeats every quarter of it).
     */
    private static final Duration FAILURE_DETECTION = Duration.ofSeconds(2);
    /** java.util.logging for the participants: Baton's INFO lines, and JGroups' membership and election steps. */
    private static final String LOGGING = """
            handlers=java.util.logging.ConsoleHandler
            .level=INFO
            java.util.logging.ConsoleHandler.level=ALL
            java.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s %5$s%6$s%n
            org.jgroups.protocols.raft.ELECTION.level=FINER
            org.jgroups.protocols.pbcast.GMS.level=FINE
            """;
    private Path dir;
    private String members;

    @Override
    public String name() {
        return "raft";
    }

    @Override
    public void start(Path dir, int participants) {
        this.dir = dir.toAbsolutePath();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + this.dir, e);
        }
        try {
            Files.writeString(this.dir.resolve("logging.properties"), LOGGING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + this.dir.resolve("logging.properties"), e);
        }
        int[] ports = FreePorts.next(participants);
        members = IntStream.rangeClosed(1, participants)
                .mapToObj(i -> nodeId(i) + "@127.0.0.1:" + ports[i - 1])
                .collect(Collectors.joining(","));
    }

    /**
     * A participant whose store member is the Raft leader is replaced only after the Raft leader is: the others
     * suspect it up to the detection timeout plus its check interval (a quarter) after the kill, verify the suspicion
     * (another quarter), and vote (a round waits up to 600 ms for answers); then the new Raft leader starts every
     * lease's timer again. That is 1.5 detection timeouts and 0.6 s; the extra 0.4 s is for a busy machine.
     */
    @Override
    public Duration failoverAllowance() {
        return FAILURE_DETECTION.multipliedBy(3).dividedBy(2).plusSeconds(1);
    }

    /**
     * A member that was frozen or restarted is back in the group's view only after the others suspected its earlier
     * run (the detection timeout and a quarter) and a merge ran (up to half the timeout to find the split, half to
     * merge): two detection timeouts.
     */
    @Override
    public Duration settleTime() {
        return FAILURE_DETECTION.multipliedBy(2);
    }

    @Override
    public boolean participantsAreTheStore() {
        return true;
    }

    @Override
    public Optional<ServerProcess> server() {
        return Optional.empty();
    }

    @Override
    public Map<String, String> config(int participant, int port) {
        return Map.of("baton.backend", "raft",
                "baton.raft.members", members,
                "baton.raft.node-id", nodeId(participant),
                "baton.raft.data-dir", dir.resolve(nodeId(participant)).toString(),
                "baton.raft.failure-detection-timeout", FAILURE_DETECTION.toMillis() + "ms",
                // JGroups' views, votes and joins in each participant's log: what explains a slow failover.
                "jgroups.use.jdk_logger", "true",
                "java.util.logging.config.file", dir.resolve("logging.properties").toString());
    }

    private static String nodeId(int participant) {
        return "node-" + participant;
    }

    @Override
    public void close() {
        // the members are the participants: the run stops them
    }
}
