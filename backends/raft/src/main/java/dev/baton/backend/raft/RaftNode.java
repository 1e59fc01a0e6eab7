package dev.baton.backend.raft;

import dev.baton.spi.LeaseStoreException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.NO_DUPES;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.Role;
import org.jgroups.raft.Options;
import org.jgroups.raft.RaftHandle;
import org.jgroups.stack.Protocol;
import org.jgroups.util.NameCache;

/**
 * One member of the Raft group, embedded in this JVM: a JGroups channel over TCP (discovery by the configured
 * member list, no multicast) whose stack ends in jgroups-raft's {@code ELECTION}, {@code RAFT} (log in the data
 * directory), the {@link Forwarder} (a member that is not the leader sends entries to it), the lease state machine,
 * and the leader's expiry sweeper.
 *
 * <p>Any number of {@link RaftLeaseStore}s may use one member; the member outlives them unless one of them owns it.
 */
final class RaftNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RaftNode.class.getName());
    /** The sweeper's longest sleep: a lease granted while it sleeps is looked at within this time. */
    private static final long SWEEP_CAP_NANOS = Duration.ofMillis(20).toNanos();
    /** How long a call that found no leader (an election is running) waits before asking again. */
    private static final long NO_LEADER_PAUSE_NANOS = Duration.ofMillis(20).toNanos();
    /** How often an idle leader tells followers what is committed (and resends what they miss). */
    private static final long RESEND_INTERVAL_MILLIS = 100;

    /**
     * Everything a member needs to start.
     *
     * @param nodeId this member's id, one of {@code members}
     * @param members the whole group, this member included
     * @param dataDir where the log and its snapshots live (a subdirectory named after {@code nodeId})
     * @param clusterName the JGroups cluster name: members with another name never talk to this one
     * @param fsync whether every log write is forced to disk before it counts
     * @param failureDetection how long a silent member takes to be suspected (FD_ALL3 timeout)
     * @param expiryRetry how long the leader waits for a proposed expiry to be applied before proposing it again
     */
    record Config(String nodeId, List<Member> members, Path dataDir, String clusterName, boolean fsync,
            Duration failureDetection, Duration expiryRetry) {
        Config {
            Objects.requireNonNull(nodeId, "nodeId");
            members = List.copyOf(members);
            Objects.requireNonNull(dataDir, "dataDir");
            if (members.stream().noneMatch(m -> m.id().equals(nodeId))) {
                throw new IllegalArgumentException("node id '" + nodeId + "' is not one of the members " + members);
            }
        }

        Member self() {
            return members.stream().filter(m -> m.id().equals(nodeId)).findFirst().orElseThrow();
        }
    }

    private final Config config;
    private final JChannel channel;
    private final RaftHandle handle;
    private final Forwarder forwarder;
    private final LeaderWatchdog watchdog;
    private final LeaseStateMachine leases;
    private final ExecutorService notifier;
    private final Thread sweeper;
    private volatile boolean closed;

    private RaftNode(Config config, JChannel channel, RaftHandle handle, LeaseStateMachine leases,
            ExecutorService notifier) {
        this.config = config;
        this.channel = channel;
        this.handle = handle;
        this.forwarder = new Forwarder(channel, handle.raft(), config.nodeId(), this::noLeaderAt);
        this.watchdog = new LeaderWatchdog(config.nodeId(), channel, handle.raft(),
                channel.getProtocolStack().findProtocol(ELECTION.class), config.failureDetection(),
                forwarder::sendNoLeader);
        this.leases = leases;
        this.notifier = notifier;
        this.sweeper = new Thread(this::sweep, "baton-raft-expiry-" + config.nodeId());
        this.sweeper.setDaemon(true);
    }

    /** A member told this one (as the view coordinator) that it knows no leader. */
    private void noLeaderAt(Address member, long term) {
        watchdog.alarmFrom(member, term);
    }

    /**
     * Starts the member: opens (or creates) its log, replays it into the state machine and joins the group. Returns
     * once this member is connected; a Raft leader is elected as soon as a majority of members is up.
     *
     * @param config the member's settings
     * @return the running member
     * @throws IllegalStateException when the transport cannot bind or the log cannot be opened
     */
    static RaftNode start(Config config) {
        // A member restarted right after a crash finds its earlier run still in the group's view until the failure
        // detector suspects it; the coordinator refuses the duplicate (NO_DUPES). Waiting that out here is what a
        // restarted pod needs; a second live instance with the same id is still refused, after this window.
        long window = config.failureDetection().multipliedBy(2).plusSeconds(5).toNanos();
        long deadline = System.nanoTime() + window;
        while (true) {
            try {
                return attempt(config);
            } catch (IllegalStateException e) {
                if (!rejectedAsDuplicate(e) || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                LOG.log(Level.INFO, LogIds.JOIN_RETRIED + ": Raft member " + config.nodeId() + " was refused by its "
                        + "group, which still lists an earlier run of this member; trying again until the failure "
                        + "detector (" + config.failureDetection().toMillis() + " ms) has removed it");
                LockSupport.parkNanos(config.failureDetection().toNanos() / 4);
            }
        }
    }

    private static boolean rejectedAsDuplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SecurityException) { // how JGroups' GMS reports a refused join
                return true;
            }
        }
        return false;
    }

    private static RaftNode attempt(Config config) {
        Member self = config.self();
        ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "baton-raft-watch-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
        LeaseStateMachine leases = new LeaseStateMachine(config.nodeId(), System::nanoTime, notifier);
        JChannel channel = null;
        try {
            channel = new JChannel(stack(config, self));
            channel.name(config.nodeId());
            RaftHandle handle = new RaftHandle(channel, leases);
            RaftNode node = new RaftNode(config, channel, handle, leases, notifier);
            handle.addRoleListener(node::roleChanged);
            channel.setReceiver(node.forwarder);
            channel.connect(config.clusterName());
            node.sweeper.start();
            node.watchdog.start();
            LOG.log(Level.INFO, LogIds.MEMBER_STARTED + ": Raft member " + config.nodeId() + " listens on " + self
                    + "; group " + config.members() + ", log in " + config.dataDir().toAbsolutePath()
                    + (config.fsync() ? "" : " (fsync off)"));
            return node;
        } catch (Exception e) {
            if (channel != null) {
                channel.close();
            }
            notifier.shutdownNow();
            throw new IllegalStateException("Raft member " + config.nodeId() + " cannot start on " + self + " with"
                    + " its log in " + config.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static List<Protocol> stack(Config config, Member self) throws Exception {
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (Member m : config.members()) {
            hosts.add(m.address());
        }
        long fd = config.failureDetection().toMillis();
        RAFT raft = new RAFT()
                .raftId(config.nodeId())
                .members(config.members().stream().map(Member::id).toList())
                .logDir(config.dataDir().toAbsolutePath().toString())
                .logPrefix(config.nodeId())
                // Followers learn of commits with the next append or, when idle, within this interval (so their
                // watches fire soon after a release). jgroups-raft's send_commits_immediately is left off: with it a
                // leader and a follower can keep answering each other's commit messages in a loop that fills the
                // leader's queue.
                .resendInterval(RESEND_INTERVAL_MILLIS)
                .logUseFsync(config.fsync());
        raft.setValue("dynamic_view_changes", false); // static membership: the configured list is the group
        List<Protocol> protocols = new ArrayList<>();
        protocols.add(new TCP().setBindAddress(InetAddress.getByName(self.host())).setBindPort(self.port())
                .setPortRange(0));
        protocols.add(new TCPPING().initialHosts(hosts).portRange(0));
        // A member that was suspected while frozen (GC, SIGSTOP), or restarted before its earlier run was suspected,
        // forms a group of its own and comes back only by a merge: look for such splits every few hundred ms and
        // give a merge no more than half the detection time (JGroups' defaults, up to 16 s and 5 s, left a group
        // without a majority that long after a member's return).
        protocols.add(new MERGE3().setMinInterval(Math.max(250, fd / 8)).setMaxInterval(Math.max(500, fd / 2)));
        protocols.add(new FD_ALL3().setTimeout(fd).setInterval(Math.max(100, fd / 4)));
        protocols.add(new VERIFY_SUSPECT2().setTimeout(Math.max(100, fd / 4)));
        protocols.add(new NAKACK2().setValue("use_mcast_xmit", false));
        protocols.add(new UNICAST3());
        protocols.add(new STABLE());
        protocols.add(new NO_DUPES());
        protocols.add(new GMS().setJoinTimeout(Math.max(500, fd / 2)).setMergeTimeout(Math.max(1000, fd / 2))
                .printLocalAddress(false));
        protocols.add(new FRAG4());
        protocols.add(new ELECTION());
        protocols.add(raft);
        return protocols;
    }

    private void roleChanged(Role role) {
        leases.leading(role == Role.Leader);
        LOG.log(Level.INFO, LogIds.ROLE_CHANGED + ": Raft member " + config.nodeId() + " is now "
                + (role == Role.Leader ? "the leader (every lease timer restarts with its full ttl)" : "a follower")
                + " in term " + handle.currentTerm());
        LockSupport.unpark(sweeper);
    }

    /**
     * Appends an entry through the Raft leader (forwarded when this member is not the leader) and waits until it is
     * committed and applied.
     *
     * @param command the entry
     * @param timeout the bound of the whole call
     * @param what the operation in words, for messages
     * @return the leader's answer
     * @throws LeaseStoreException when there is no answer within {@code timeout} (no leader, no majority, a slow
     *     link) or the member is closed
     */
    byte[] call(byte[] command, Duration timeout, String what) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Throwable last = null;
        while (true) {
            if (closed) {
                throw new LeaseStoreException(what + ": Raft member " + config.nodeId() + " is closed");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw noAnswer(what, timeout, last);
            }
            CompletableFuture<byte[]> answer;
            try {
                answer = forwarder.submit(command);
            } catch (Exception e) {
                // No leader known (an election is running, or there is no majority): nothing was sent; ask again.
                last = e;
                LockSupport.parkNanos(Math.min(left, NO_LEADER_PAUSE_NANOS));
                continue;
            }
            try {
                return answer.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                answer.cancel(false); // forgotten: a late answer finds nobody waiting
                throw noAnswer(what, timeout, last == null ? e : last);
            } catch (ExecutionException e) {
                // The leader stepped down, or the forwarded request found none. Asking again is safe: every entry
                // has the same effect applied twice (a holder's second grant confirms the first; a second release
                // finds the lease released and answers false).
                last = e.getCause();
                LockSupport.parkNanos(Math.min(Math.max(0, deadline - System.nanoTime()), NO_LEADER_PAUSE_NANOS));
            } catch (InterruptedException e) {
                answer.cancel(false);
                Thread.currentThread().interrupt();
                throw new LeaseStoreException(what + ": interrupted while waiting for the Raft group", e);
            }
        }
    }

    private LeaseStoreException noAnswer(String what, Duration timeout, Throwable last) {
        String leader = leaderId().map(l -> "the leader is " + l).orElse("no leader is known");
        return new LeaseStoreException(what + ": no answer from the Raft group within " + timeout.toMillis()
                + " ms through member " + config.nodeId() + " (" + leader + "; a majority of " + majority() + " of "
                + config.members().size() + " members is needed" + (last == null ? "" : "; last error: "
                + last.getMessage()) + ")", last);
    }

    /** Proposes expiries while this member is the leader; sleeps until the next timer otherwise. */
    private void sweep() {
        long retry = config.expiryRetry().toNanos();
        Options ignoreAnswer = Options.create(true);
        while (!closed) {
            try {
                for (byte[] entry : leases.dueExpiries(retry)) {
                    try {
                        handle.raft().setAsync(entry, 0, entry.length, ignoreAnswer).whenComplete((r, e) -> {
                            if (e != null && !closed) {
                                LOG.log(Level.DEBUG, "Raft member {0}: an expiry was not applied ({1}); it is"
                                        + " proposed again while this member leads", config.nodeId(), e.toString());
                            }
                        });
                    } catch (RuntimeException e) {
                        LOG.log(Level.DEBUG, "Raft member {0} could not propose an expiry: {1}", config.nodeId(),
                                e.toString());
                    }
                }
                LockSupport.parkNanos(Math.max(1_000_000, leases.untilNextDeadline(System.nanoTime(),
                        SWEEP_CAP_NANOS)));
            } catch (RuntimeException | Error e) {
                if (!closed) {
                    LOG.log(Level.WARNING, LogIds.EXPIRY_FAILED + ": the expiry sweeper of Raft member "
                            + config.nodeId() + " failed a round; it goes on", e);
                    LockSupport.parkNanos(SWEEP_CAP_NANOS);
                }
            }
        }
    }

    /**
     * @param name a lease name
     * @param onChange called after an entry applied on this member released, expired or granted the lease
     * @return closes the watch
     */
    AutoCloseable watch(String name, Runnable onChange) {
        return leases.watch(name, onChange);
    }

    /** @return this member's id */
    String id() {
        return config.nodeId();
    }

    Config config() {
        return config;
    }

    /** @return whether this member is the Raft leader now (as far as it knows) */
    boolean isLeader() {
        return !closed && handle.isLeader();
    }

    /** @return the id of the leader this member knows of */
    Optional<String> leaderId() {
        Address leader = closed ? null : handle.leader();
        if (leader == null) {
            return Optional.empty();
        }
        String name = NameCache.get(leader);
        return Optional.of(name == null ? leader.toString() : name);
    }

    /** @return the number of members that make a majority */
    int majority() {
        return config.members().size() / 2 + 1;
    }

    /** @return the current Raft term as this member knows it */
    long term() {
        return handle.currentTerm();
    }

    /** @return how many log entries this member has applied (tests: has it caught up?) */
    long applied() {
        return leases.applied();
    }

    /** @return the number of forwarded requests waiting for an answer */
    int pendingForwards() {
        return forwarder.pending();
    }

    /** @return the channel, for tests that cut links */
    JChannel channel() {
        return channel;
    }

    boolean isClosed() {
        return closed;
    }

    /** Leaves the group (the others see this member go at once) and closes the log. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watchdog.close();
        LockSupport.unpark(sweeper);
        try {
            channel.close();
        } finally {
            notifier.shutdown();
            try {
                sweeper.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
