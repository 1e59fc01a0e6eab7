package dev.baton.backend.raft;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.fixtures.Await;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.PatientStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;

/**
 * A Raft group of members in this JVM, each with its own JChannel on a free loopback port and its own log directory
 * under {@code target/raft-groups}. Members are configured through {@link RaftLeaseStoreFactory#config} exactly as an
 * application configures one. A member can be cut off from the others (every message in or out dropped), closed and
 * started again on the same log.
 */
final class RaftCluster implements AutoCloseable {
    /** How long starting a group or electing a leader may take on a busy machine, before scaling. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<Member> members;
    private final Path root;
    private final Duration shortestTtl;
    private final Duration callTimeout;
    private final RaftNode[] nodes;
    private final DISCARD[] cuts;
    private final AtomicInteger next = new AtomicInteger();

    private RaftCluster(int size, Duration shortestTtl, Duration callTimeout) {
        int[] ports = FreePorts.next(size);
        this.members = IntStream.range(0, size).mapToObj(i -> new Member("node-" + (i + 1), "127.0.0.1", ports[i]))
                .toList();
        this.shortestTtl = shortestTtl;
        this.callTimeout = callTimeout;
        this.nodes = new RaftNode[size];
        this.cuts = new DISCARD[size];
        try {
            Files.createDirectories(Path.of("target", "raft-groups"));
            this.root = Files.createTempDirectory(Path.of("target", "raft-groups"), "group-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code size} members one after the other and waits until a leader answers through every member.
     *
     * @param size the number of members
     * @param shortestTtl the shortest ttl the stores serve (bounds the expiry retry)
     * @param callTimeout every store's call timeout
     * @return the running group
     */
    static RaftCluster start(int size, Duration shortestTtl, Duration callTimeout) {
        RaftCluster cluster = new RaftCluster(size, shortestTtl, callTimeout);
        try {
            for (int i = 0; i < size; i++) {
                cluster.startMember(i);
            }
            cluster.awaitReady();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** @return the configuration an application would give member {@code i} */
    MapStoreContext context(int i) {
        return new MapStoreContext()
                .with(RaftLeaseStoreFactory.MEMBERS, members.stream().map(Member::toString)
                        .collect(Collectors.joining(",")))
                .with(RaftLeaseStoreFactory.NODE_ID, members.get(i).id())
                .with(RaftLeaseStoreFactory.DATA_DIR, root.resolve(members.get(i).id()).toString())
                .with(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT, "3s")
                .with(RaftLeaseStoreFactory.CALL_TIMEOUT, callTimeout.toMillis() + "ms")
                .with(RaftLeaseStoreFactory.FSYNC, System.getProperty("baton.test.raft.fsync", "true"))
                .shortestTtl(shortestTtl);
    }

    /** Starts member {@code i} on its log (new or kept from before). */
    void startMember(int i) {
        if (nodes[i] != null && !nodes[i].isClosed()) {
            throw new IllegalStateException(members.get(i).id() + " is running");
        }
        RaftNode node = RaftNode.start(RaftLeaseStoreFactory.config(context(i)));
        DISCARD cut = new DISCARD();
        cut.setAddress(node.channel().getAddress());
        try {
            node.channel().getProtocolStack().insertProtocol(cut, ProtocolStack.Position.ABOVE, TCP.class);
        } catch (Exception e) {
            node.close();
            throw new IllegalStateException(e);
        }
        nodes[i] = node;
        cuts[i] = cut;
    }

    /** Waits until a leader answers a read through every running member. */
    void awaitReady() {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null && !nodes[i].isClosed()) {
                try (LeaseStore s = store(i)) {
                    new PatientStore(s, PATIENCE).read("warm-up");
                }
            }
        }
    }

    /** @return the number of members */
    int size() {
        return nodes.length;
    }

    /** @return member {@code i} */
    RaftNode member(int i) {
        return nodes[i];
    }

    /**
     * @param i a member
     * @return a new store on member {@code i} that leaves the member running when closed
     */
    RaftLeaseStore store(int i) {
        return new RaftLeaseStore(nodes[i], false, callTimeout);
    }

    /** @return a new store on the next running, connected member, round robin */
    RaftLeaseStore nextStore() {
        for (int attempt = 0; attempt < nodes.length; attempt++) {
            int i = Math.floorMod(next.getAndIncrement(), nodes.length);
            if (nodes[i] != null && !nodes[i].isClosed() && !cuts[i].discardAll()) {
                return store(i);
            }
        }
        throw new IllegalStateException("no member is running");
    }

    /** @return the index of the member that is the Raft leader now, if any */
    Optional<Integer> leader() {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null && nodes[i].isLeader() && !cuts[i].discardAll()) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /**
     * @param except a member not to count
     * @return the index of a leader other than {@code except}, once one is elected
     */
    int awaitLeaderOtherThan(int except) {
        return Await.untilPresent("a Raft leader other than " + members.get(except).id(),
                () -> leader().filter(l -> l != except), PATIENCE);
    }

    /** Drops every message member {@code i} sends or receives, as if its links were cut. */
    void cut(int i) {
        cuts[i].discardAll(true);
    }

    /** Restores member {@code i}'s links. */
    void heal(int i) {
        cuts[i].discardAll(false);
    }

    /** Closes member {@code i} (it leaves the group; its log stays). */
    void stopMember(int i) {
        nodes[i].close();
    }

    @Override
    public void close() {
        for (RaftNode node : nodes) {
            if (node != null) {
                try {
                    node.close();
                } catch (RuntimeException ignored) {
                    // closing the rest matters more
                }
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // target/ is cleaned by the build
        }
    }

    @Override
    public String toString() {
        List<String> states = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            RaftNode n = nodes[i];
            states.add(members.get(i).id() + (n == null || n.isClosed() ? " (down)"
                    : (n.isLeader() ? " (leader" : " (follower") + ", term " + n.term() + ", applied " + n.applied()
                            + (cuts[i].discardAll() ? ", cut off)" : ")")));
        }
        return "Raft group " + states;
    }
}
