package dev.baton.backend.raft;

import dev.baton.backend.raft.Commands.Answer;
import dev.baton.backend.raft.Commands.Renewal;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link LeaseStore} on an embedded Raft member: every operation, reads included, is one entry in the group's log,
 * committed by a majority and applied by every member in the same order, so each is linearizable. The member
 * forwards entries to the Raft leader when it is not the leader; the leader's answer comes back.
 *
 * <p>What each entry does (on every member, from the log alone):
 * <ul>
 *   <li>acquire: a free lease is granted with the entry's position as token; the holder's own lease is confirmed and
 *       gets the new ttl; someone else's is answered with its holder, token and the time left on the leader's
 *       timer;</li>
 *   <li>renew (one entry for a whole batch) and release: only with the holder's token;</li>
 *   <li>read: answers the lease as the log has it (a lease whose timer ran out stays readable, with no time left,
 *       until the leader's expiry entry is applied);</li>
 *   <li>expire: proposed by the leader when its timer for a grant or renewal ran out; removes the lease if nothing
 *       renewed it since.</li>
 * </ul>
 */
final class RaftLeaseStore implements LeaseStore {
    /** The most renewals in one log entry. */
    static final int RENEW_BATCH_LIMIT = 100;

    private final RaftNode node;
    private final boolean ownsNode;
    private final Duration callTimeout;
    private final String description;
    private final Set<AutoCloseable> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param node the member to go through
     * @param ownsNode whether closing this store closes the member
     * @param callTimeout the bound of every operation
     */
    RaftLeaseStore(RaftNode node, boolean ownsNode, Duration callTimeout) {
        this.node = node;
        this.ownsNode = ownsNode;
        this.callTimeout = callTimeout;
        RaftNode.Config c = node.config();
        this.description = "raft member " + c.nodeId() + " of " + c.members() + " (cluster " + c.clusterName()
                + ", log in " + c.dataDir().toAbsolutePath() + ")";
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /** @return true: metadata is part of the grant's log entry and kept with the lease in the state machine */
    @Override
    public boolean supportsMetadata() {
        return true;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        open();
        LeaseNames.requireValid(name);
        Map<String, String> kept = Map.copyOf(LeaderMetadata.requireStorable(metadata));
        Answer a = Commands.readAnswer(node.call(Commands.acquire(name, holder, ttlNanos(ttl), kept), callTimeout,
                "tryAcquire of '" + name + "'"));
        return Optional.ofNullable(a).map(x -> record(name, x));
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        return renewAll(List.of(new RenewRequest(name, holder, token, ttl))).get(0);
    }

    @Override
    public int renewBatchLimit() {
        return RENEW_BATCH_LIMIT;
    }

    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        open();
        List<Renewal> renewals = new ArrayList<>(requests.size());
        for (RenewRequest r : requests) {
            renewals.add(new Renewal(LeaseNames.requireValid(r.name()), r.holder(), r.token(), ttlNanos(r.ttl())));
        }
        if (renewals.isEmpty()) {
            return List.of();
        }
        List<Optional<LeaseRecord>> results = new ArrayList<>(renewals.size());
        for (int from = 0; from < renewals.size(); from += RENEW_BATCH_LIMIT) {
            List<Renewal> batch = renewals.subList(from, Math.min(renewals.size(), from + RENEW_BATCH_LIMIT));
            String what = batch.size() == 1 ? "renew of '" + batch.get(0).name() + "'"
                    : "renewal of " + batch.size() + " leases";
            List<Answer> answers = Commands.readAnswers(node.call(Commands.renew(batch), callTimeout, what));
            if (answers.size() != batch.size()) {
                throw new IllegalStateException("the Raft group answered " + answers.size() + " renewals for "
                        + batch.size());
            }
            for (int i = 0; i < batch.size(); i++) {
                String name = batch.get(i).name();
                results.add(Optional.ofNullable(answers.get(i)).map(a -> record(name, a)));
            }
        }
        return results;
    }

    @Override
    public boolean release(String name, String holder, long token) {
        open();
        LeaseNames.requireValid(name);
        return Commands.readBool(node.call(Commands.release(name, holder, token), callTimeout,
                "release of '" + name + "'"));
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        open();
        LeaseNames.requireValid(name);
        Answer a = Commands.readAnswer(node.call(Commands.read(name), callTimeout, "read of '" + name + "'"));
        return Optional.ofNullable(a).map(x -> record(name, x));
    }

    /**
     * Notified from the entries this member applies, so no extra traffic: a release, an expiry or a grant to a new
     * holder of {@code name} calls {@code onChange} on this member's watch thread.
     */
    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        open();
        LeaseNames.requireValid(name);
        AutoCloseable registration = node.watch(name, onChange);
        AutoCloseable[] handle = new AutoCloseable[1];
        handle[0] = () -> {
            watches.remove(handle[0]);
            registration.close();
        };
        watches.add(handle[0]);
        return Optional.of(handle[0]);
    }

    @Override
    public Duration maxCallTime() {
        return callTimeout;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Closes this store's watches and, when it owns it, the member (which leaves the group). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable w : List.copyOf(watches)) {
            try {
                w.close();
            } catch (Exception ignored) {
                // a registration's close cannot fail
            }
        }
        if (ownsNode) {
            node.close();
        }
    }

    RaftNode node() {
        return node;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("this Raft lease store is closed (" + description + ")");
        }
    }

    private static long ttlNanos(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease ttl must be positive, got " + ttl);
        }
        return ttl.toNanos();
    }

    private static LeaseRecord record(String name, Answer a) {
        return new LeaseRecord(name, a.holder(), a.token(), Duration.ofNanos(Math.max(0, a.remainingNanos())),
                a.metadata());
    }
}
