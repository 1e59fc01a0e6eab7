package dev.baton.backend.raft;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.View;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.RAFT;

/**
 * Gets a group that has a majority but no leader voting again. jgroups-raft 1.1.0 votes only when a view change
 * tells the view coordinator that the leader left, and a member drops, without an answer, every message of a lower
 * term than its own. Two cases then leave a majority without a leader until some later view change, which may never
 * come: a coordinator that was a frozen (or partitioned) leader comes back through a merge still believing it leads in
 * its old term, while the others moved to a newer term and ignore it; or a member whose term got ahead (it took part
 * in votes that could not finish) ignores the coordinator's announcement of the leader.
 *
 * <p>Here, every member checks four times per patience (half the failure-detection timeout, at least a second)
 * whether it knows a leader in its view while that view holds a majority. Normally that lasts milliseconds: the
 * coordinator votes as soon as a view without the leader is installed, and a joiner is told the leader with its first
 * view; a vote round that misses an answer takes 600 ms. After a whole patience without a leader, the member tells
 * the view coordinator its term; the coordinator adopts the higher term (a stale leader steps down) and runs a vote,
 * whose new term is above every term it was told. The coordinator does the same on its own account. A vote is what
 * Raft does when a follower hears nothing from a leader: it never risks safety (the most up-to-date log wins, and
 * every new leader restarts the lease timers, which only makes leases longer), it only costs the vote's round trips;
 * and it is asked for at most once per patience.
 */
final class LeaderWatchdog {
    private static final Logger LOG = System.getLogger(LeaderWatchdog.class.getName());

    private final String member;
    private final JChannel channel;
    private final RAFT raft;
    private final ELECTION election;
    private final long patienceNanos;
    private final BiConsumer<Address, Long> alarmSender;
    private final Thread thread;
    private volatile boolean closed;
    /** When this member last found itself without a leader in its view ({@code -1}: it has one). */
    private long leaderlessSince = -1;
    private long lastAlarm;
    private boolean alarmedOnce;
    private long lastVote;
    private boolean votedOnce;

    /**
     * @param member this member's id
     * @param channel its channel
     * @param raft its RAFT protocol
     * @param election its ELECTION protocol
     * @param failureDetection the failure-detection timeout; half of it (at least a second) is how long a majority
     *     may be without a leader before this acts
     * @param alarmSender sends this member's term to the coordinator (a {@link Forwarder} message)
     */
    LeaderWatchdog(String member, JChannel channel, RAFT raft, ELECTION election, Duration failureDetection,
            BiConsumer<Address, Long> alarmSender) {
        this.member = member;
        this.channel = channel;
        this.raft = raft;
        this.election = election;
        this.patienceNanos = Math.max(Duration.ofSeconds(1).toNanos(), failureDetection.toNanos() / 2);
        this.alarmSender = alarmSender;
        this.thread = new Thread(this::run, "baton-raft-watchdog-" + member);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(patienceNanos / 4);
            if (closed) {
                return;
            }
            try {
                check(System.nanoTime());
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Raft member {0}: leader check failed: {1}", member, e.toString());
            }
        }
    }

    private synchronized void check(long now) {
        View view = channel.getView();
        Address leader = raft.leader();
        if (view == null || view.size() < raft.majority() || (leader != null && view.containsMember(leader))) {
            leaderlessSince = -1; // a leader, or no majority (nothing a vote could fix)
            return;
        }
        if (leaderlessSince < 0) {
            leaderlessSince = now;
            return;
        }
        if (now - leaderlessSince < patienceNanos || (alarmedOnce && now - lastAlarm < patienceNanos)) {
            return;
        }
        alarmedOnce = true; // System.nanoTime() has no fixed origin: a flag, not a zero stamp, marks "never"
        lastAlarm = now;
        Address coordinator = view.getCoord();
        long term = raft.currentTerm();
        LOG.log(Level.INFO, LogIds.VOTE_ASKED + ": Raft member " + member + " has known no leader for "
                + (now - leaderlessSince) / 1_000_000 + " ms though its view " + view + " holds a majority; it asks "
                + "the coordinator " + coordinator + " for a vote (term " + term + ")");
        if (coordinator.equals(channel.getAddress())) {
            voteAbove(term, channel.getAddress());
        } else {
            alarmSender.accept(coordinator, term);
        }
    }

    /**
     * On the coordinator: a member knows no leader. Adopts its term when higher (a stale leader steps down) and runs
     * a vote, at most once per patience.
     *
     * @param from the member that asked
     * @param term its term
     */
    synchronized void alarmFrom(Address from, long term) {
        View view = channel.getView();
        if (closed || view == null || !channel.getAddress().equals(view.getCoord()) || !view.containsMember(from)) {
            return; // not the coordinator (any more), or a member from another view: its own view will change
        }
        voteAbove(term, from);
    }

    private void voteAbove(long term, Address askedBy) {
        long now = System.nanoTime();
        if (election.isVotingThreadRunning() || (votedOnce && now - lastVote < patienceNanos)) {
            return; // a vote runs (raising the term under it would make it elect in a term already passed)
        }
        votedOnce = true;
        lastVote = now;
        long before = raft.currentTerm();
        raft.currentTerm(term); // only ever raises it
        LOG.log(Level.INFO, LogIds.VOTE_ASKED + ": Raft member " + member + ", the view coordinator, runs a vote as "
                + askedBy + " knows no leader (its term " + term + ", this member's " + before + ")");
        election.startVotingThread(); // no-op while one runs
    }
}
