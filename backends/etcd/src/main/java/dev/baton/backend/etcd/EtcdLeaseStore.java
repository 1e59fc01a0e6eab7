package dev.baton.backend.etcd;

import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leases kept in etcd. A lease named {@code n} is the key {@code <prefix><encoded n>} (see {@link EtcdKeys}) whose
 * value is the holder's participant id and its leader metadata ({@link LeaseValue}), attached to an etcd lease so that
 * etcd deletes it when the holder stops renewing. The fencing token is the key's create revision: etcd's cluster-wide
 * revision only grows, and a key created again (a new holder) gets a higher one.
 *
 * <ol>
 *   <li><b>Acquire</b>: one transaction, "if the key does not exist, put it attached to our lease; read it". A key
 *       already holding our participant id is confirmed (moved onto our lease, or rewritten with new leader
 *       metadata, if needed; token unchanged). For a foreign key the remaining time is asked from etcd
 *       ({@code LeaseTimeToLive}, whole seconds, reported +0.5 s).
 *   <li><b>Renew</b>: a keep-alive of the shared lease, sent only when the last one is more than a quarter of a ttl
 *       old, plus proof that the key is still ours: the store's prefix watch, when it has run without a gap since
 *       the key was last seen as ours and reported no change to it (see {@link HeldKeys}); else a read of the key.
 *       {@link #renewAll} reads the keys it must read 100 per transaction.
 *   <li><b>Release</b>: a transaction deleting the key if its create revision and value are still ours. The shared
 *       etcd lease is not revoked: the other keys on it stay held.
 *   <li><b>Leader metadata</b> lives in the key's value with the holder, so it is written by the grant's own put
 *       (or the confirmation's), and a release or expiry deletes it with the key. Renewals never write the key (the
 *       keep-alive is the lease's, not the key's): they send no metadata, and answer with the metadata this store
 *       wrote or last read. Followers read it with the holder, when the watch tells them the key changed.
 *   <li><b>Watch</b>: one etcd watch on the prefix for the whole store ({@link PrefixWatch}), serving both the
 *       followers' callbacks and the verification of held keys.
 * </ol>
 *
 * <p><b>The shared lease, and its trade-off.</b> All keys this store holds with the same ttl (rounded up to whole
 * seconds, and to etcd's minimum) share one etcd lease ({@link SharedLease}): holding 1,000 groups costs about four
 * keep-alives per ttl, not 1,000 per renew interval. The price: etcd alone would keep a key alive as long as
 * <em>any</em> key of the lease is renewed, and cannot expire one group separately. This store therefore deletes any
 * key it holds that was not renewed within its ttl ({@link HeldKeys}), so each key still lapses about one ttl after
 * its last renewal while the process runs; when the process dies or loses etcd, the shared lease lapses and takes
 * every key with it, as per-key leases would. Releasing one group deletes its key with a compare and leaves the
 * lease to the others. A key deleted or overwritten by hand (outside Baton) is noticed through the watch, a few
 * milliseconds after the fact, rather than by the next renewal's read.
 *
 * <p>Every operation is bounded by the call timeout ({@link #maxCallTime()}), across all the requests it makes.
 */
public final class EtcdLeaseStore implements LeaseStore {
    /** Renewals the engine may hand {@link #renewAll} at once. */
    static final int RENEW_BATCH_LIMIT = 500;
    private static final System.Logger LOG = System.getLogger(EtcdLeaseStore.class.getName());
    /** Reads per renewAll transaction; etcd's {@code --max-txn-ops} defaults to 128. */
    static final int READS_PER_TXN = 100;
    private static final long SWEEP_MILLIS = 250;
    /** A foreign lease's TimeToLive is whole seconds rounded down: report the middle of the second. */
    private static final Duration SECOND_ROUNDING = Duration.ofMillis(500);
    /** Reported for a foreign key whose lease etcd already ended: it disappears within etcd's expiry loop. */
    private static final Duration ENDING = Duration.ofMillis(100);
    /** Reported by {@link #read} for a key without etcd lease (written by hand): it never expires. */
    private static final Duration NO_EXPIRY = Duration.ofDays(3650);

    private final Client client;
    private final boolean ownsClient;
    private final KV kv;
    private final Lease leaseClient;
    private final EtcdKeys keys;
    private final Calls calls;
    private final String description;
    private final Map<Long, SharedLease> shared = new ConcurrentHashMap<>();
    private final HeldKeys held = new HeldKeys();
    private final ScheduledExecutorService timer;
    private final PrefixWatch watch;
    private final AtomicBoolean warnedUnreadableMetadata = new AtomicBoolean();
    private volatile boolean closed;

    EtcdLeaseStore(Client client, boolean ownsClient, String keyPrefix, Duration callTimeout, String description) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.kv = client.getKVClient();
        this.leaseClient = client.getLeaseClient();
        this.keys = new EtcdKeys(keyPrefix);
        this.description = description;
        this.calls = new Calls(description, callTimeout);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "baton-etcd-housekeeping");
            t.setDaemon(true);
            return t;
        });
        this.watch = new PrefixWatch(client.getWatchClient(), keys.prefixBytes(), timer, held::onEvent);
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        // Connect (and authenticate) in the background now, so the first real operation does not pay for it.
        // Nothing waits for it: an application may start while etcd is still down.
        kv.get(keys.prefixBytes(), GetOption.builder().withCountOnly(true).isPrefix(true).build())
                .whenComplete((r, err) -> { });
    }

    /**
     * A store on a client the caller owns (and closes); for plain Java use. In a container use
     * {@code baton.backend=etcd} and, to share a client, a CDI bean of type {@link Client}.
     *
     * @param client the jetcd client
     * @param keyPrefix the key prefix, ending with {@code /} (e.g. {@code /baton/})
     * @param callTimeout the bound of every operation; keep it well under the shortest lease ttl
     * @return the store; closing it leaves the client open
     */
    public static EtcdLeaseStore create(Client client, String keyPrefix, Duration callTimeout) {
        Objects.requireNonNull(callTimeout, "callTimeout");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("call timeout must be positive, got " + callTimeout);
        }
        return new EtcdLeaseStore(client, false, keyPrefix, callTimeout,
                "etcd (application client, prefix " + keyPrefix + ")");
    }

    // ---- operations --------------------------------------------------------------------------------------------

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /** @return true: leader metadata is kept in the lease key's value, with the holder */
    @Override
    public boolean supportsMetadata() {
        return true;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        ByteSequence key = keys.key(name);
        requireHolder(holder);
        requireTtl(ttl);
        Map<String, String> stored = Map.copyOf(LeaderMetadata.requireStorable(metadata));
        ByteSequence value = new LeaseValue(holder, LeaderMetadata.encode(stored)).bytes();
        checkOpen();
        long t0 = System.nanoTime();
        long deadline = t0 + calls.callTimeout().toNanos();
        String what = "acquire '" + name + "'";
        SharedLease lease = lease(ttl);
        watch.open(); // the store's own watch verifies held keys; opening it never blocks
        for (int attempt = 1; ; attempt++) {
            // Use the lease while it is surely alive, and refresh it (when due) in the same round trip as the
            // transaction: an acquire costs two round trips at most (one more to a foreign key's lease TTL), so it
            // fits the call timeout on a link with a tenth of the ttl of round-trip time.
            SharedLease.Snapshot s = lease.current();
            CompletableFuture<SharedLease.Snapshot> alive = lease.fresh();
            if (s == null) {
                // No live lease to put the key on: read the key while one is granted. A key held by another
                // participant is answered from that read, without waiting for the grant.
                KeyValue seen = first(calls.await(kv.get(key), deadline, what));
                if (seen != null) {
                    LeaseValue v = LeaseValue.parse(seen.getValue());
                    if (!v.holder().equals(holder)) {
                        return Optional.of(new LeaseRecord(name, v.holder(), seen.getCreateRevision(),
                                remainingOf(seen.getLease(), ttl, deadline, what), metadataOf(name, v)));
                    }
                }
                s = calls.await(alive, deadline, what);
            }
            TxnResponse r;
            try {
                r = calls.await(kv.txn()
                        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .Then(Op.put(key, value, PutOption.builder().withLeaseId(s.id()).build()),
                                Op.get(key, GetOption.DEFAULT))
                        .Else(Op.get(key, GetOption.DEFAULT))
                        .commit(), deadline, what);
            } catch (LeaseStoreException e) {
                if (attempt < 3 && Calls.isLeaseNotFound(e)) {
                    lease.invalidate(s.id()); // lapsed in etcd since we last heard of it
                    continue;
                }
                throw e;
            }
            KeyValue found = first(r.getGetResponses().isEmpty() ? null : r.getGetResponses().get(0));
            if (found == null) {
                return Optional.empty(); // cannot happen in one transaction; treat as a lost race
            }
            long revision = r.getHeader().getRevision();
            if (r.isSucceeded()) {
                return granted(key, name, holder, found.getCreateRevision(), value, stored, ttl, t0, alive,
                        new Seen(s.id(), revision), deadline, what);
            }
            LeaseValue current = LeaseValue.parse(found.getValue());
            if (!current.holder().equals(holder)) {
                return Optional.of(new LeaseRecord(name, current.holder(), found.getCreateRevision(),
                        remainingOf(found.getLease(), ttl, deadline, what), metadataOf(name, current)));
            }
            // Already ours: confirm it, keeping the token, on this ttl's lease and with this metadata (one compare
            // and put, the confirmation's atomic step, when either differs).
            boolean asIs = found.getLease() == s.id() && found.getValue().equals(value);
            Optional<Seen> seen = asIs ? Optional.of(new Seen(s.id(), revision))
                    : moveOnto(key, found.getValue(), value, found.getCreateRevision(), lease, deadline, what);
            if (seen.isEmpty()) {
                return Optional.empty(); // changed meanwhile: the caller asks again
            }
            return granted(key, name, holder, found.getCreateRevision(), value, stored, ttl, t0,
                    asIs ? alive : lease.fresh(), seen.get(), deadline, what);
        }
    }

    /** The key was seen as ours on etcd lease {@code leaseId} at etcd revision {@code revision}. */
    private record Seen(long leaseId, long revision) {}

    /**
     * Finishes a grant: the key was put on (or seen on) the lease {@code alive} confirms, a keep-alive or grant sent
     * with the transaction, with {@code value} (holder and {@code metadata}).
     */
    private Optional<LeaseRecord> granted(ByteSequence key, String name, String holder, long token,
            ByteSequence value, Map<String, String> metadata, Duration ttl, long t0,
            CompletableFuture<SharedLease.Snapshot> alive, Seen seen, long deadline, String what) {
        SharedLease.Snapshot fresh = calls.await(alive, deadline, what);
        if (fresh.id() != seen.leaseId()) {
            return Optional.empty(); // the lease we put the key on ended meanwhile, and the key with it
        }
        held.seen(key, name, holder, token, value, metadata, t0 + ttl.toNanos(), seen.leaseId(), seen.revision());
        return Optional.of(new LeaseRecord(name, holder, token, remaining(fresh, ttl, t0), metadata));
    }

    /**
     * Puts our key, still with create revision {@code token} and value {@code expected}, with {@code value} onto
     * {@code lease}, keeping its create revision; empty when the key changed meanwhile.
     */
    private Optional<Seen> moveOnto(ByteSequence key, ByteSequence expected, ByteSequence value, long token,
            SharedLease lease, long deadline, String what) {
        for (int attempt = 1; ; attempt++) {
            SharedLease.Snapshot s = calls.await(lease.fresh(), deadline, what);
            try {
                TxnResponse r = calls.await(kv.txn()
                        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(token)),
                                new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(expected)))
                        .Then(Op.put(key, value, PutOption.builder().withLeaseId(s.id()).build()))
                        .commit(), deadline, what);
                return r.isSucceeded() ? Optional.of(new Seen(s.id(), r.getHeader().getRevision())) : Optional.empty();
            } catch (LeaseStoreException e) {
                if (attempt < 3 && Calls.isLeaseNotFound(e)) {
                    lease.invalidate(s.id());
                    continue;
                }
                throw e;
            }
        }
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        ByteSequence key = keys.key(name);
        requireHolder(holder);
        requireTtl(ttl);
        checkOpen();
        long t0 = System.nanoTime();
        long deadline = t0 + calls.callTimeout().toNanos();
        String what = "renew '" + name + "'";
        if (token <= 0) {
            return Optional.empty();
        }
        HeldKeys.Entry entry = held.renewing(key, holder, token, t0 + ttl.toNanos());
        if (entry != null && entry.swept) {
            return Optional.empty(); // not renewed within its ttl: its delete is on the way
        }
        SharedLease lease = lease(ttl);
        CompletableFuture<SharedLease.Snapshot> alive = lease.fresh();
        if (entry != null && HeldKeys.trusted(entry, watch.watchedSince())) {
            // Seen as ours since the watch runs, nothing changed it: the live lease keeps it. No read needed.
            SharedLease.Snapshot s = calls.await(alive, deadline, what);
            if (s.id() == entry.leaseId && HeldKeys.trusted(entry, watch.watchedSince())) {
                return renewed(key, name, holder, token, ttl, t0, s, entry);
            }
        }
        GetResponse read = calls.await(kv.get(key), deadline, what);
        return checkRead(key, name, holder, token, ttl, t0, first(read), read.getHeader().getRevision(),
                lease, alive, deadline, what);
    }

    /** Finishes a renewal from a read of the key. */
    private Optional<LeaseRecord> checkRead(ByteSequence key, String name, String holder, long token, Duration ttl,
            long t0, KeyValue found, long readRevision, SharedLease lease,
            CompletableFuture<SharedLease.Snapshot> alive, long deadline, String what) {
        LeaseValue v = found == null ? null : LeaseValue.parse(found.getValue());
        if (v == null || found.getCreateRevision() != token || !v.holder().equals(holder)) {
            held.forget(key, token);
            return Optional.empty();
        }
        ByteSequence value = found.getValue();
        HeldKeys.Entry known = held.entry(key, holder, token);
        Map<String, String> metadata =
                known != null && value.equals(known.value) ? known.metadata : metadataOf(name, v);
        SharedLease.Snapshot s = calls.await(alive, deadline, what);
        Seen seen = new Seen(found.getLease(), readRevision);
        if (seen.leaseId() != s.id()) {
            // On another lease: another ttl, or ours lapsed and was replaced (then the key is gone and this fails).
            // The value is put back as it was: a renewal never changes the metadata.
            Optional<Seen> moved = moveOnto(key, value, value, token, lease, deadline, what);
            if (moved.isEmpty()) {
                held.forget(key, token);
                return Optional.empty();
            }
            seen = moved.get();
            s = calls.await(lease.fresh(), deadline, what);
            if (s.id() != seen.leaseId()) {
                held.forget(key, token);
                return Optional.empty();
            }
        }
        held.seen(key, name, holder, token, value, metadata, t0 + ttl.toNanos(), seen.leaseId(), seen.revision());
        return renewedAnswer(key, name, holder, token, ttl, t0, s, metadata);
    }

    /** Finishes a renewal the store's watch vouches for, answering with the metadata the entry records. */
    private Optional<LeaseRecord> renewed(ByteSequence key, String name, String holder, long token, Duration ttl,
            long t0, SharedLease.Snapshot s, HeldKeys.Entry entry) {
        Map<String, String> metadata = entry.metadata;
        held.seen(key, name, holder, token, entry.value, metadata, t0 + ttl.toNanos(), entry.leaseId,
                entry.seenRevision);
        return renewedAnswer(key, name, holder, token, ttl, t0, s, metadata);
    }

    private Optional<LeaseRecord> renewedAnswer(ByteSequence key, String name, String holder, long token,
            Duration ttl, long t0, SharedLease.Snapshot s, Map<String, String> metadata) {
        if (!held.holds(key, token)) {
            return Optional.empty(); // swept while the renewal was out: its delete is on the way
        }
        return Optional.of(new LeaseRecord(name, holder, token, remaining(s, ttl, t0), metadata));
    }

    /** The engine may batch: {@link #renewAll} needs one keep-alive per ttl and reads 100 keys per transaction. */
    @Override
    public int renewBatchLimit() {
        return RENEW_BATCH_LIMIT;
    }

    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        List<ByteSequence> keyList = new ArrayList<>(requests.size());
        for (RenewRequest r : requests) {
            keyList.add(keys.key(r.name()));
            requireHolder(r.holder());
            requireTtl(r.ttl());
        }
        checkOpen();
        long t0 = System.nanoTime();
        long deadline = t0 + calls.callTimeout().toNanos();
        String what = "renew " + requests.size() + " leases";
        // One keep-alive (at most) per distinct ttl; a read only for keys the watch cannot vouch for, 100 per
        // transaction, all in flight together.
        Map<Long, CompletableFuture<SharedLease.Snapshot>> alive = new LinkedHashMap<>();
        HeldKeys.Entry[] entries = new HeldKeys.Entry[requests.size()];
        List<Integer> toRead = new ArrayList<>();
        long watchedSince = watch.watchedSince();
        for (int i = 0; i < requests.size(); i++) {
            RenewRequest r = requests.get(i);
            SharedLease lease = lease(r.ttl());
            alive.computeIfAbsent(lease.seconds(), sec -> lease.fresh());
            if (r.token() > 0) {
                entries[i] = held.renewing(keyList.get(i), r.holder(), r.token(), t0 + r.ttl().toNanos());
                if (entries[i] == null || !HeldKeys.trusted(entries[i], watchedSince)) {
                    toRead.add(i);
                }
            }
        }
        Map<Integer, CompletableFuture<TxnResponse>> reads = new LinkedHashMap<>();
        int[] position = new int[requests.size()];
        for (int from = 0; from < toRead.size(); from += READS_PER_TXN) {
            List<Integer> chunk = toRead.subList(from, Math.min(toRead.size(), from + READS_PER_TXN));
            CompletableFuture<TxnResponse> txn = kv.txn()
                    .Then(chunk.stream().map(i -> (Op) Op.get(keyList.get(i), GetOption.DEFAULT)).toArray(Op[]::new))
                    .commit();
            for (int j = 0; j < chunk.size(); j++) {
                reads.put(chunk.get(j), txn);
                position[chunk.get(j)] = j;
            }
        }
        List<Optional<LeaseRecord>> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            RenewRequest r = requests.get(i);
            ByteSequence key = keyList.get(i);
            HeldKeys.Entry entry = entries[i];
            SharedLease lease = lease(r.ttl());
            CompletableFuture<SharedLease.Snapshot> live = alive.get(lease.seconds());
            if (r.token() <= 0 || (entry != null && entry.swept)) {
                results.add(Optional.empty());
            } else if (!reads.containsKey(i)) {
                SharedLease.Snapshot s = calls.await(live, deadline, what);
                results.add(s.id() == entry.leaseId && HeldKeys.trusted(entry, watch.watchedSince())
                        ? renewed(key, r.name(), r.holder(), r.token(), r.ttl(), t0, s, entry)
                        : renew(r.name(), r.holder(), r.token(), r.ttl()));
            } else {
                TxnResponse txn = calls.await(reads.get(i), deadline, what);
                KeyValue found = first(txn.getGetResponses().get(position[i]));
                results.add(checkRead(key, r.name(), r.holder(), r.token(), r.ttl(), t0, found,
                        txn.getHeader().getRevision(), lease, live, deadline, what));
            }
        }
        return results;
    }

    @Override
    public boolean release(String name, String holder, long token) {
        ByteSequence key = keys.key(name);
        requireHolder(holder);
        checkOpen();
        if (token <= 0) {
            return false; // create revisions start at 1; and a compare with 0 would match a missing key
        }
        long deadline = calls.deadline();
        String what = "release '" + name + "'";
        // The delete compares the whole value, holder and metadata: the value this store wrote or last saw, else the
        // holder alone (a lease acquired without metadata). When the key holds our token and holder with another
        // value (metadata this store has not seen), the answer carries it and the delete is tried once more with it.
        HeldKeys.Entry known = held.entry(key, holder, token);
        ByteSequence expected = known != null ? known.value : new LeaseValue(holder, "").bytes();
        for (int attempt = 1; ; attempt++) {
            TxnResponse r = calls.await(kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(token)),
                            new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(expected)))
                    .Then(Op.delete(key, DeleteOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit(), deadline, what);
            if (r.isSucceeded()) {
                held.forget(key, token);
                return !r.getDeleteResponses().isEmpty() && r.getDeleteResponses().get(0).getDeleted() > 0;
            }
            KeyValue found = first(r.getGetResponses().isEmpty() ? null : r.getGetResponses().get(0));
            if (attempt >= 3 || found == null || found.getCreateRevision() != token
                    || found.getValue().equals(expected)
                    || !LeaseValue.parse(found.getValue()).holder().equals(holder)) {
                held.forget(key, token);
                return false;
            }
            expected = found.getValue();
        }
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        ByteSequence key = keys.key(name);
        checkOpen();
        long deadline = calls.deadline();
        String what = "read '" + name + "'";
        KeyValue found = first(calls.await(kv.get(key), deadline, what));
        if (found == null) {
            return Optional.empty();
        }
        Duration remaining = remainingOf(found.getLease(), null, deadline, what);
        LeaseValue v = LeaseValue.parse(found.getValue());
        return Optional.of(new LeaseRecord(name, v.holder(), found.getCreateRevision(), remaining,
                metadataOf(name, v)));
    }

    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        ByteSequence key = keys.key(name);
        Objects.requireNonNull(onChange, "onChange");
        checkOpen();
        return Optional.of(watch.add(key, onChange, calls, calls.deadline(), "watch '" + name + "'"));
    }

    @Override
    public Duration maxCallTime() {
        return calls.callTimeout();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Leases still held are not revoked: they lapse in etcd after their ttl (the engine releases first).
        timer.shutdownNow();
        watch.close();
        if (ownsClient) {
            client.close();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** The remaining time of the etcd lease {@code leaseId}: local knowledge for ours, else etcd's TimeToLive. */
    private Duration remainingOf(long leaseId, Duration ttl, long deadline, String what) {
        if (leaseId == 0) {
            // A key without lease (written by hand) never expires: look again after one ttl.
            return ttl != null ? ttl : NO_EXPIRY;
        }
        for (SharedLease own : shared.values()) {
            if (own.is(leaseId)) {
                SharedLease.Snapshot s = own.current();
                if (s != null) {
                    Duration confirmed = Duration.ofNanos(s.remainingNanos(System.nanoTime()));
                    return ttl != null && confirmed.compareTo(ttl) > 0 ? ttl : confirmed;
                }
            }
        }
        LeaseTimeToLiveResponse t = calls.await(leaseClient.timeToLive(leaseId, LeaseOption.DEFAULT), deadline, what);
        if (t.getTTL() <= 0) {
            return ENDING;
        }
        Duration reported = Duration.ofSeconds(t.getTTL()).plus(SECOND_ROUNDING);
        Duration granted = Duration.ofSeconds(Math.max(1, t.getGrantedTTL()));
        return reported.compareTo(granted) > 0 ? granted : reported;
    }

    /**
     * What a holder may count on, counted from {@code t0}, when its call started (the engine adds it to that instant):
     * the shared lease's confirmed time after {@code t0}, but never more than the ttl asked for (etcd counts whole
     * seconds, so it may keep the key a little longer; that only delays a follower). Counted from the answer instead,
     * the call's own round trip would be charged twice, once here and once by the engine: on a slow link every tenure
     * would end a round trip early, and renewals would come proportionally sooner.
     */
    private static Duration remaining(SharedLease.Snapshot s, Duration ttl, long t0) {
        Duration confirmed = Duration.ofNanos(s.remainingNanos(t0));
        return confirmed.compareTo(ttl) > 0 ? ttl : confirmed;
    }

    private SharedLease lease(Duration ttl) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        return shared.computeIfAbsent(seconds, s -> new SharedLease(leaseClient, s));
    }

    /** Deletes keys this store holds but nobody renewed within their ttl (see {@link HeldKeys}). */
    private void sweep() {
        try {
            for (Map.Entry<ByteSequence, HeldKeys.Entry> due : held.sweep(System.nanoTime())) {
                HeldKeys.Entry e = due.getValue();
                LOG.log(Level.DEBUG, "lease ''{0}'' of {1} was not renewed within its ttl; deleting it", e.name,
                        e.holder);
                kv.txn().If(new Cmp(due.getKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(e.token)),
                                new Cmp(due.getKey(), Cmp.Op.EQUAL, CmpTarget.value(e.value)))
                        .Then(Op.delete(due.getKey(), DeleteOption.DEFAULT))
                        .commit()
                        .whenComplete((r, err) -> held.sweptDone(due.getKey(), e));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, LogIds.SWEEPER_FAILED + ": the sweeper of leases nobody renewed failed (" + e
                    + "); it retries on its next round, and until then such a lease stays until etcd's own lease"
                    + " expires it. Check that etcd is reachable.", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the etcd lease store (" + description + ") is closed");
        }
    }

    /** Checks a holder id; NUL, which no valid id contains ({@code HolderIds}), would end it early in a key's value. */
    private static void requireHolder(String holder) {
        if (holder == null || holder.isEmpty()) {
            throw new IllegalArgumentException("holder must be a non-empty participant id, got '" + holder + "'");
        }
        if (holder.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a holder id must not contain the NUL character (\\u0000)");
        }
    }

    /**
     * The leader metadata a key's value carries; empty, with one warning per store, when it cannot be decoded (a
     * value written by something else than Baton): metadata never breaks an election.
     */
    private Map<String, String> metadataOf(String name, LeaseValue v) {
        if (v.metadata().isEmpty()) {
            return Map.of();
        }
        try {
            return Map.copyOf(LeaderMetadata.decode(v.metadata()));
        } catch (IllegalArgumentException e) {
            if (warnedUnreadableMetadata.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, LogIds.METADATA_UNREADABLE + ": lease ''{0}'': the leader metadata in its etcd"
                        + " key''s value cannot be decoded ({1}); the lease is reported without metadata (elections"
                        + " are not affected). Check for other programs writing under the key prefix ({2}). Logged"
                        + " once per store.", name, e.getMessage(), description);
            }
            return Map.of();
        }
    }

    private static void requireTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
    }

    private static KeyValue first(GetResponse r) {
        return r == null || r.getKvs().isEmpty() ? null : r.getKvs().get(0);
    }
}
