package dev.baton.backend.zookeeper;

import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

/**
 * Leases as ZooKeeper nodes, through Curator.
 *
 * <p>Layout under the root (default {@code /baton}):
 * <ul>
 *   <li>{@code leases/<name>} — persistent, one per lease name ever used (name encoded by {@link ZkNames}); its
 *       data version changes with every grant (and with a release, or a confirmation that stores other leader
 *       metadata). Every write the store makes is a transaction that checks (or bumps) it, so a write that lands
 *       late — a timed-out call the client still delivered, a retransmitted packet — can only touch the incarnation
 *       it was meant for, never a later holder's node (node versions restart at 0 with each new node, so a plain
 *       conditional write could not tell incarnations apart). Its data is the current holder's leader metadata
 *       ({@link LeaderMetadata#encode(Map)}; empty when none), written by the same {@code setData} that bumps the
 *       version in the grant's transaction.</li>
 *   <li>{@code leases/<name>/holder} — persistent, the current holder's node; data {@link ZkLeaseData} (ttl and
 *       holder).</li>
 *   <li>{@code leases/<name>/candidate-<holder>} — ephemeral, one per follower waiting for the lease
 *       ({@link Candidacies}); data {@link ZkCandidacy}: the holder node's data and the metadata it would be granted
 *       with.</li>
 *   <li>{@code clock} — persistent, written to read the ZooKeeper leader's clock.</li>
 * </ul>
 *
 * <p>How the lease maps onto ZooKeeper:
 * <ul>
 *   <li><b>Token</b>: the holder node's creation zxid ({@code czxid}). Every grant creates a new node (one
 *       transaction: bump the counter, delete the previous holder node, create ours; a handover is that transaction
 *       made by the releasing leader for its successor), zxids only grow, so tokens
 *       strictly increase across holders; renewals rewrite the data and keep the node, hence the token.</li>
 *   <li><b>ttl</b>, enforced with ZooKeeper's own clock: a renewal is a conditional {@code setData}, which stamps
 *       the node's {@code mtime}; the lease expires at {@code mtime + ttl}. Whoever finds it expired (comparing with
 *       a fresh {@code mtime} of the {@code clock} node, i.e. the leader's clock now) deletes it conditionally on its
 *       version and creates its own. The holder is told {@code remaining = ttl} counted from when its request was
 *       sent (a handed-over grant: from its anchor, see <b>Handover</b>); the server stamped {@code mtime} later, so
 *       the holder's local deadline (minus the safety margin) comes first. A leader that is {@code SUSPENDED} or
 *       {@code LOST} keeps failing renewals and steps down at that deadline.</li>
 *   <li><b>Leader metadata</b> lives in the counter node, not in the holder node, because a renewal rewrites the
 *       holder node's data (that is what stamps {@code mtime}) and must send no metadata. The grant's transaction
 *       writes it with the bump of the counter, a confirmation with other metadata in the same transaction as its
 *       rewrite of the holder node, and a release clears it in the transaction that deletes the holder node.
 *       Readers read the counter node before the holder node (one round trip, answered in order) and take its data
 *       as the holder's only when the counter was written at or after the holder node's creation ({@code mzxid >=
 *       czxid}): a grant that came between the two reads is never paired with its predecessor's metadata.</li>
 *   <li><b>Handover</b> (a graceful one costs one write, and nothing more on ZooKeeper 3.9+): a participant refused
 *       while an election watches the lease through this store writes a candidacy, once. The leader's store keeps a
 *       view of the lease's candidacies from its watch, and its release, when it knows one, is a single transaction
 *       that deletes the candidacy (with its version: it fails if the candidate left), deletes its own holder node,
 *       creates the candidate's and bumps the counter writing the candidate's metadata: a grant made by the leader,
 *       with a token (the new node's czxid) above every earlier one. If it fails, the plain release follows. The
 *       candidate learns of it from its watch: the candidacy's deletion and the holder node's creation carry the same
 *       zxid (ZooKeeper 3.9+ sends it with each event), which proves the grant and is its token
 *       ({@link HandoverNotice}); on older servers, or when the events do not settle it, it reads the lease (reads
 *       sent from the event, no write). It trusts the grant from the send time of a write of its own that ZooKeeper
 *       numbered below the token ({@link GrantAnchors}), which precedes the grant, so its deadline ends before the
 *       lease's expiry by the release's {@code mtime}; when that leaves half the ttl or less, or the ttl or metadata
 *       asked for differs, it confirms with a write as before. A candidate that is frozen, or dead with its
 *       session still open (up to the session timeout), holds the handed lease until its ttl runs out, like a frozen
 *       leader; so does one whose election stopped while the handover was under way (its candidacy is deleted when
 *       its watch closes, but a release that committed just before wins).</li>
 *   <li><b>Not ephemeral, on purpose</b>: the session is not part of the lease. An ephemeral node is deleted when
 *       the server expires its session, and a server that was frozen (SIGSTOP, a long GC) expires sessions at once
 *       when it wakes, even one whose request it has just committed: the chaos run caught a holder node created and
 *       then deleted that way while its holder, cut off, still trusted its grant for the ttl, and a follower took
 *       over within 84 ms (1.6 s of two leaders). With a persistent node only the ttl ends a lease, so a dead
 *       holder's lease passes to a follower when its ttl runs out (when it can expire, followers wake, as with every
 *       backend) and a holder whose session expired keeps its lease through Curator's new session.</li>
 * </ul>
 *
 * <p>Every operation waits for ZooKeeper at most the call timeout ({@link ZkCall}); every write is conditional, so
 * an answer that arrives after the caller gave up cannot corrupt anything. Requests that do not depend on each other's
 * answers go out together (ZooKeeper answers a session's requests in order), so that an operation costs at most two
 * round trips (a renewal and a release of a lease this store holds, one) and fits its call timeout on a slow link:
 * see the README's limits. Right after the watch reported a release, an acquire is one transaction without a read
 * (the grant creates the holder node only if there is none, so a stale hint is harmless): a graceful handover to a
 * participant that was no candidate is one release and one grant; to a candidate, one release (and one read on
 * ZooKeeper before 3.9).
 * {@link #renewAll} renews a batch of leases in one transaction, falling back to one per lease
 * when the batch's fails.
 *
 * <p>A request the caller gave up on still reaches the server: a renewal that timed out may extend the lease after
 * its holder stepped down. The holder's release, sent on the same session after it, then deletes the node in one
 * transaction, whenever it lands, so such a renewal cannot keep the lease from the followers.
 */
public final class ZooKeeperLeaseStore implements LeaseStore {
    private static final System.Logger LOG = System.getLogger(ZooKeeperLeaseStore.class.getName());
    private static final byte[] EMPTY = new byte[0];
    private static final String HOLDER = "holder";
    /** Renewals per {@link #renewAll} call the engine may batch (as the other batching backends). */
    static final int RENEW_BATCH_LIMIT = 500;
    /** A transaction's size at most, well below ZooKeeper's default request limit ({@code jute.maxbuffer}, 1 MB). */
    private static final int MULTI_BYTES = 256 * 1024;
    /** What one check plus one setData add to a transaction besides paths and data: headers, versions, lengths. */
    private static final int OP_OVERHEAD_BYTES = 64;
    /** The version of a conditional write that matches any version. */
    private static final int ANY_VERSION = -1;
    /**
     * Where the handover transaction's write of the counter is ({@link #handoverOps}): its new mtime is ZooKeeper's
     * time of the release.
     */
    private static final int HANDOVER_COUNTER_OP = 3;

    private final CuratorFramework client;
    private final boolean ownsClient;
    private final String root;
    private final String leasesPath;
    private final String clockPath;
    private final Duration callTimeout;
    private final String description;
    /** What this store last wrote per lease it holds: lets a renewal be one conditional write. */
    private final Map<String, Written> written = new ConcurrentHashMap<>();
    private final ZkWatcher watcher;
    private final Candidacies candidacies;
    private final GrantAnchors anchors = new GrantAnchors();
    private final ConnectionStateListener stateListener = this::stateChanged;
    private final AtomicBoolean warnedUnreadableMetadata = new AtomicBoolean();
    private final LongAdder requests = new LongAdder();
    private final LongAdder handoversSeen = new LongAdder();
    private volatile boolean closed;

    /** The holder node as this store last wrote it, the counter version of its incarnation and its metadata. */
    private record Written(long token, int counterVersion, long mtime, long ttlMillis, Map<String, String> metadata) {}

    /**
     * A lease as read: the counter's version (-1 when absent), data and stat (null when absent), and the holder node
     * (null when free).
     */
    private record State(int counterVersion, byte[] counterData, Stat counterStat, ZkLeaseData holder,
            Stat holderStat) {

        /** @return whether the counter's data is the holder's metadata: written at or after its node's creation */
        boolean paired() {
            return holder != null && counterStat != null && counterStat.getMzxid() >= holderStat.getCzxid();
        }
    }

    ZooKeeperLeaseStore(CuratorFramework client, boolean ownsClient, String root, Duration callTimeout,
            String description) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.root = root;
        this.leasesPath = ZKPaths.makePath(root, "leases");
        this.clockPath = ZKPaths.makePath(root, "clock");
        this.callTimeout = callTimeout;
        this.description = description;
        this.watcher = new ZkWatcher(client, leasesPath, callTimeout);
        this.candidacies = new Candidacies(client, this::send,
                node -> startReadAt("acquire of lease node " + node + " handed over",
                        ZKPaths.makePath(leasesPath, node)),
                leasesPath, node -> this.watcher.watching(node));
        watcher.candidacies(candidacies);
        client.getConnectionStateListenable().addListener(stateListener);
    }

    /** @return the Curator client (for tests that expire its session) */
    CuratorFramework client() {
        return client;
    }

    /** @return the store's watch (for tests that plant a stale release hint) */
    ZkWatcher watcher() {
        return watcher;
    }

    /** @return the store's candidacies (for tests that look at the leader's view of them) */
    Candidacies candidacies() {
        return candidacies;
    }

    /** @return the root path of this store's nodes */
    public String root() {
        return root;
    }

    // ---- operations ----------------------------------------------------------------------------------------

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /** @return true: leader metadata is kept in the lease's counter node, written by the grant's transaction */
    @Override
    public boolean supportsMetadata() {
        return true;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        long ttlMillis = checkTtl(ttl);
        Map<String, String> stored = Map.copyOf(LeaderMetadata.requireStorable(metadata));
        checkOpen();
        String what = "acquire of lease '" + name + "'";
        long deadline = deadline();
        Grant g = new Grant(name, holder, ttlMillis, new ZkLeaseData(ttlMillis, holder).encode(),
                LeaderMetadata.encode(stored).getBytes(StandardCharsets.US_ASCII), stored);
        String node = ZkNames.node(name);
        HandoverNotice notice = candidacies.takeHanded(node);
        if (notice != null) {
            // Another participant deleted our candidacy: a leader that released the lease handed it to us in the
            // same transaction, most likely. The watch's events may prove it (no request at all: a graceful handover
            // is then the release's one write); else the reads sent when the watch reported it tell (one round trip,
            // no write).
            Optional<LeaseRecord> seen = handedOverBySight(what, deadline, g, notice);
            if (seen != null) {
                watcher.takeFreed(node);
                return seen;
            }
            State s = state(what, deadline, name, notice.reads());
            Optional<LeaseRecord> handed = handedOver(g, s);
            if (handed != null) {
                watcher.takeFreed(node);
                return handed;
            }
            if (s.holder() != null && s.holder().holder().equals(holder)) {
                // Ours, but not to be taken without a write (an old anchor, other metadata): confirm it from this
                // read. Its writes are conditional on what was read, so a read already stale fails them (empty).
                watcher.takeFreed(node);
                return confirm(what, deadline, g, s);
            }
        }
        if (watcher.takeFreed(node)) {
            // The watch just reported the holder node deleted (a release): grant in one transaction without reading
            // first. It creates the holder node only if there is none, so a stale hint costs a failed transaction
            // and the reads below, nothing else. This makes a graceful handover one release and one grant.
            Optional<LeaseRecord> granted = grant(what, deadline, g, false, ANY_VERSION, -1);
            if (granted.isPresent()) {
                return granted;
            }
        }
        for (int attempt = 1; ; attempt++) {
            // The two reads and a write of the clock node go out together: whoever holds the lease, one round trip
            // tells whether it expired (the clock is stamped after the reads), and the grant below is the second and
            // last.
            long sent = System.nanoTime();
            CompletableFuture<CuratorEvent> counter = startGetData(what, counterPath(name));
            CompletableFuture<CuratorEvent> holderNode = startGetData(what, holderPath(name));
            CompletableFuture<CuratorEvent> clock = startClock(what);
            State s = state(what, deadline, name, counter, holderNode);
            if (s.counterVersion() < 0) {
                // A name never used: its counter is created by the grant's own transaction; if another participant
                // raced us, that create fails and the caller retries.
                return grant(what, deadline, g, true, 0, -1);
            }
            if (s.holder() == null) {
                return grant(what, deadline, g, false, s.counterVersion(), -1);
            }
            if (s.holder().holder().equals(holder)) {
                Optional<LeaseRecord> handed = handedOver(g, s);
                return handed != null ? handed : confirm(what, deadline, g, s);
            }
            long serverNow = serverNow(what, deadline, sent, clock);
            long expiresAt = s.holderStat().getMtime() + s.holder().ttlMillis();
            if (serverNow < expiresAt) {
                if (!s.paired() && attempt == 1) {
                    continue; // a grant came between the two reads: read its metadata with it
                }
                // Refused while an election watches the lease: wait as a candidate the holder may hand it to.
                candidacies.offer(node, holder, new ZkCandidacy(g.data(), g.metadataData()), withoutSince(stored));
                return Optional.of(new LeaseRecord(name, s.holder().holder(), s.holderStat().getCzxid(),
                        Duration.ofMillis(expiresAt - serverNow), metadataOf(name, s)));
            }
            LOG.log(Level.DEBUG, "Lease ''{0}'' of {1} expired by ZooKeeper''s clock; taking it over", name,
                    s.holder().holder());
            return grant(what, deadline, g, false, s.counterVersion(), s.holderStat().getVersion());
        }
    }

    /** What an acquire writes: the holder node's data, and the metadata for the counter node. */
    private record Grant(String name, String holder, long ttlMillis, byte[] data, byte[] metadataData,
            Map<String, String> metadata) {}

    /**
     * The holder's confirmation: rewrites the holder node unless a grant happened since, and the counter node's
     * metadata in the same transaction when it differs (bumping the counter); the new mtime says whether the lease
     * had expired meanwhile (then it is granted anew, with a new token).
     */
    private Optional<LeaseRecord> confirm(String what, long deadline, Grant g, State s) {
        boolean sameMetadata = Arrays.equals(s.counterData(), g.metadataData());
        CuratorEvent e = multi(what, deadline, List.of(
                sameMetadata ? checkOp(counterPath(g.name()), s.counterVersion())
                        : setOp(counterPath(g.name()), g.metadataData(), s.counterVersion()),
                setOp(holderPath(g.name()), g.data(), s.holderStat().getVersion())));
        if (ZkCall.code(e) != Code.OK) {
            return Optional.empty();
        }
        int counterVersion = sameMetadata ? s.counterVersion() : s.counterVersion() + 1;
        Stat now = e.getOpResults().get(1).getResultStat();
        if (now.getMtime() - s.holderStat().getMtime() < s.holder().ttlMillis()) {
            remember(g.name(), counterVersion, now, g.ttlMillis(), g.metadata());
            return Optional.of(own(g.name(), g.holder(), now.getCzxid(), g.ttlMillis(), g.metadata()));
        }
        return grant(what, deadline, g, false, counterVersion, now.getVersion());
    }

    /**
     * One atomic transaction: bump the counter (so every write of the previous incarnation that is still in
     * flight fails its check) writing the new holder's metadata into it, delete the previous holder node if any,
     * create ours. The holder node is created, never overwritten, so the grant can only succeed while nobody holds
     * the lease, whatever {@code counterVersion} says ({@link #ANY_VERSION} when the caller did not read it).
     *
     * @param newCounter whether the counter node must be created first (a name never used)
     * @param counterVersion the counter's version the caller read, or {@link #ANY_VERSION}
     * @param previousHolderVersion the expired holder node's version, to delete it; -1 when there is none
     */
    private Optional<LeaseRecord> grant(String what, long deadline, Grant g, boolean newCounter, int counterVersion,
            int previousHolderVersion) {
        String name = g.name();
        List<CuratorOp> ops = new ArrayList<>(4);
        if (newCounter) {
            ops.add(createOp(counterPath(name), EMPTY));
        }
        int bump = ops.size();
        ops.add(setOp(counterPath(name), g.metadataData(), counterVersion));
        if (previousHolderVersion >= 0) {
            ops.add(deleteOp(holderPath(name), previousHolderVersion));
        }
        ops.add(createOp(holderPath(name), g.data()));
        CuratorEvent e = multi(what, deadline, ops);
        Code code = ZkCall.code(e);
        if (newCounter && code == Code.NONODE) {
            // The root or the leases node does not exist yet (a transaction creates no parents): create them.
            createCounter(what, deadline, name);
            return grant(what, deadline, g, false, 0, -1);
        }
        if (code != Code.OK) {
            return Optional.empty(); // another participant moved first: a lost race, the caller retries
        }
        // The holder node was created by the same transaction as this write of the counter: its czxid (the token)
        // and mtime are the counter's new mzxid and mtime. No read needed.
        Stat bumped = e.getOpResults().get(bump).getResultStat();
        remember(name, bumped.getVersion(), bumped.getMzxid(), bumped.getMtime(), g.ttlMillis(), g.metadata());
        return Optional.of(own(name, g.holder(), bumped.getMzxid(), g.ttlMillis(), g.metadata()));
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        long ttlMillis = checkTtl(ttl);
        checkOpen();
        return renewOne("renewal of lease '" + name + "'", deadline(), name, holder, token, ttlMillis);
    }

    /** {@link #renew}: one transaction when this store wrote the lease last, a read first otherwise. */
    private Optional<LeaseRecord> renewOne(String what, long deadline, String name, String holder, long token,
            long ttlMillis) {
        byte[] data = new ZkLeaseData(ttlMillis, holder).encode();
        for (int attempt = 0; attempt < 2; attempt++) {
            Written last = written.get(name);
            if (last == null || last.token() != token) {
                last = lastWritten(name, holder, token, state(what, deadline, name, startReadState(what, name)));
                if (last == null) {
                    return Optional.empty();
                }
                attempt = 1;
            }
            long sent = System.nanoTime();
            CuratorEvent e = multi(what, deadline, renewOps(name, data, last));
            if (ZkCall.code(e) != Code.OK) {
                written.remove(name, last);
                continue;
            }
            anchors.wrote(sent, e.getOpResults().get(1).getResultStat().getMzxid());
            return renewed(what, deadline, name, holder, ttlMillis, last, e.getOpResults().get(1).getResultStat());
        }
        return Optional.empty();
    }

    /** The check of our incarnation's counter version and the rewrite of the holder node: one renewal. */
    private List<CuratorOp> renewOps(String name, byte[] data, Written last) {
        // The check on the counter makes the write apply to our incarnation only, however late it lands.
        return List.of(checkOp(counterPath(name), last.counterVersion()), setOp(holderPath(name), data, -1));
    }

    /**
     * What a renewal needs to know of the lease when this store did not write it last (or forgot, after a lost
     * session), from a read of its counter and holder node: null when {@code holder} does not hold it with
     * {@code token}.
     */
    private Written lastWritten(String name, String holder, long token, State s) {
        if (s.holder() == null || !s.holder().holder().equals(holder) || s.holderStat().getCzxid() != token) {
            return null;
        }
        return new Written(token, s.counterVersion(), s.holderStat().getMtime(), s.holder().ttlMillis(),
                metadataOf(name, s));
    }

    /**
     * A renewal's answer once its write landed ({@code now} is the holder node's new stat): refused when the lease had
     * expired before the write (the node is then deleted rather than left extended), else the renewed lease.
     */
    private Optional<LeaseRecord> renewed(String what, long deadline, String name, String holder, long ttlMillis,
            Written last, Stat now) {
        if (now.getMtime() - last.mtime() >= last.ttlMillis()) {
            // It had expired before this write landed: refuse, and leave it free rather than extended.
            written.remove(name);
            deleteOwn(what, deadline, name, last.counterVersion());
            return Optional.empty();
        }
        remember(name, last.counterVersion(), now, ttlMillis, last.metadata());
        return Optional.of(own(name, holder, last.token(), ttlMillis, last.metadata()));
    }

    /**
     * Up to {@value #RENEW_BATCH_LIMIT} renewals per {@link #renewAll} call: they go out as one transaction (two
     * operations per lease), split only when it would approach ZooKeeper's request size limit.
     */
    @Override
    public int renewBatchLimit() {
        return RENEW_BATCH_LIMIT;
    }

    /**
     * Renews many leases in one transaction: per lease, the check of its counter version and the rewrite of its
     * holder node, exactly the two operations of {@link #renew}. Leases this store did not write last are read
     * first, all together (one round trip). A transaction is all or nothing: when one fails (a lease was taken over
     * or released meanwhile), its leases are renewed one transaction each, all sent together, and those whose own
     * transaction fails are read and tried again as {@link #renew} would. So a batch costs one round trip when every
     * lease is still held, and every lease gets exactly the answer {@code renew} would give.
     */
    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        int n = requests.size();
        long[] ttls = new long[n];
        for (int i = 0; i < n; i++) {
            RenewRequest r = requests.get(i);
            LeaseNames.requireValid(r.name());
            Objects.requireNonNull(r.holder(), "holder");
            ttls[i] = checkTtl(r.ttl());
        }
        checkOpen();
        List<Optional<LeaseRecord>> results = new ArrayList<>(Collections.nCopies(n, Optional.empty()));
        if (n == 0) {
            return results;
        }
        String what = "batch renewal of " + n + " leases (the first '" + requests.get(0).name() + "')";
        long deadline = deadline();
        Written[] last = new Written[n];
        byte[][] data = new byte[n][];
        Map<Integer, CompletableFuture<CuratorEvent[]>> reads = new HashMap<>();
        for (int i = 0; i < n; i++) {
            RenewRequest r = requests.get(i);
            data[i] = new ZkLeaseData(ttls[i], r.holder()).encode();
            Written w = written.get(r.name());
            if (w != null && w.token() == r.token()) {
                last[i] = w;
            } else {
                reads.put(i, startReadState(what, r.name()));
            }
        }
        for (Map.Entry<Integer, CompletableFuture<CuratorEvent[]>> read : reads.entrySet()) {
            RenewRequest r = requests.get(read.getKey());
            last[read.getKey()] = lastWritten(r.name(), r.holder(), r.token(),
                    state(what, deadline, r.name(), read.getValue()));
        }
        // The leases still held, in chunks that keep each transaction well below ZooKeeper's 1 MB request limit.
        List<List<Integer>> chunks = new ArrayList<>();
        List<Integer> chunk = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            if (last[i] == null) {
                continue;
            }
            int size = 2 * counterPath(requests.get(i).name()).length() + data[i].length + OP_OVERHEAD_BYTES;
            if (!chunk.isEmpty() && bytes + size > MULTI_BYTES) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(i);
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        List<CompletableFuture<CuratorEvent>> sent = new ArrayList<>(chunks.size());
        long sentAt = System.nanoTime();
        for (List<Integer> c : chunks) {
            List<CuratorOp> ops = new ArrayList<>(2 * c.size());
            c.forEach(i -> ops.addAll(renewOps(requests.get(i).name(), data[i], last[i])));
            sent.add(startMulti(what, ops));
        }
        List<Integer> failed = new ArrayList<>();
        for (int k = 0; k < chunks.size(); k++) {
            CuratorEvent e = awaitMulti(what, deadline, sent.get(k));
            List<Integer> c = chunks.get(k);
            if (ZkCall.code(e) != Code.OK) {
                failed.addAll(c);
                continue;
            }
            anchors.wrote(sentAt, e.getOpResults().get(1).getResultStat().getMzxid());
            for (int j = 0; j < c.size(); j++) {
                int i = c.get(j);
                RenewRequest r = requests.get(i);
                results.set(i, renewed(what, deadline, r.name(), r.holder(), ttls[i], last[i],
                        e.getOpResults().get(2 * j + 1).getResultStat()));
            }
        }
        if (!failed.isEmpty()) {
            // Some lease of those chunks is no longer ours: one transaction per lease, all sent at once.
            Map<Integer, CompletableFuture<CuratorEvent>> single = new HashMap<>();
            failed.forEach(i -> single.put(i, startMulti(what, renewOps(requests.get(i).name(), data[i], last[i]))));
            for (int i : failed) {
                RenewRequest r = requests.get(i);
                CuratorEvent e = awaitMulti(what, deadline, single.get(i));
                if (ZkCall.code(e) == Code.OK) {
                    results.set(i, renewed(what, deadline, r.name(), r.holder(), ttls[i], last[i],
                            e.getOpResults().get(1).getResultStat()));
                } else {
                    written.remove(r.name(), last[i]);
                    results.set(i, renewOne(what, deadline, r.name(), r.holder(), r.token(), ttls[i]));
                }
            }
        }
        return results;
    }

    @Override
    public boolean release(String name, String holder, long token) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        checkOpen();
        String what = "release of lease '" + name + "'";
        long deadline = deadline();
        Written last = written.remove(name);
        try {
            return release(what, deadline, name, holder, token, last);
        } finally {
            // Not a candidate until refused again (a participant that stepped down backs off first). After the
            // release's answer, so that this rare write does not delay it.
            candidacies.withdraw(ZkNames.node(name), holder);
        }
    }

    private boolean release(String what, long deadline, String name, String holder, long token, Written last) {
        if (last != null && last.token() == token) {
            Optional<Candidacies.Candidate> next = candidacies.next(ZkNames.node(name), holder);
            List<CuratorOp> handover = next.isPresent() ? handoverOps(name, last, next.get()) : null;
            if (handover != null) {
                // The release hands the lease to a waiting candidate in the same transaction: one write for the
                // whole handover. The delete of the candidacy, with its version, fails the transaction if the
                // candidate left or changed meanwhile; then the plain release below (a second write, rarely).
                List<OpResult> done = handOver(what, deadline, handover);
                if (done != null) {
                    LOG.log(Level.DEBUG, "Lease ''{0}'' released by {1} and handed to {2}", name, holder,
                            next.get().holder());
                    return ((OpResult.SetDataResult) done.get(HANDOVER_COUNTER_OP)).getStat().getMtime()
                            < last.mtime() + last.ttlMillis();
                }
            }
            // One transaction, one round trip: the counter still at our grant's version proves the holder node is
            // ours (the transaction clears the metadata in it, and its new mtime is ZooKeeper's time of the
            // release). Sent on the session after any renewal this store gave up on, it lands after it and frees the
            // lease however late that renewal landed. Whether the lease was still unexpired is judged from our last
            // confirmed write: a renewal that landed after it (unanswered) can only make a live lease look expired.
            CuratorEvent e = multi(what, deadline, List.of(
                    setOp(counterPath(name), EMPTY, last.counterVersion()),
                    deleteOp(holderPath(name), -1)));
            if (ZkCall.code(e) == Code.OK) {
                return e.getOpResults().get(0).getResultStat().getMtime() < last.mtime() + last.ttlMillis();
            }
            // A grant since, or no node: look at the lease as it is.
        }
        State s = readState(what, deadline, name);
        if (s.holder() == null || !s.holder().holder().equals(holder) || s.holderStat().getCzxid() != token) {
            return false;
        }
        long expiresAt = s.holderStat().getMtime() + s.holder().ttlMillis();
        // One transaction deletes our node and rewrites the counter, whose new mtime is ZooKeeper's time of the
        // delete: one write (one fsync on the server) instead of two, which is most of a graceful handover. An
        // expired lease is refused, but deleted all the same: nobody holds it, followers may take it at once.
        CuratorEvent e = multi(what, deadline, List.of(
                setOp(counterPath(name), EMPTY, s.counterVersion()),
                deleteOp(holderPath(name), -1)));
        if (ZkCall.code(e) == Code.OK) {
            return e.getOpResults().get(0).getResultStat().getMtime() < expiresAt;
        }
        // A race (the counter moved): the two-step path re-checks.
        boolean expired = serverNow(what, deadline) >= expiresAt;
        boolean deleted = deleteOwn(what, deadline, name, s.counterVersion());
        return deleted && !expired;
    }

    /**
     * The release transaction that also grants the lease to {@code next}: delete its candidacy (checking the version
     * read), delete our holder node, create the candidate's, and bump the counter from our incarnation's version
     * writing the candidate's metadata (its new mtime tells whether our lease was still live). In that order, so the
     * candidate's watch sees the three events that prove the grant ({@link HandoverNotice}) first. The candidate's
     * {@code baton.since}, when it has one, becomes this leader's wall-clock time now: when its tenure starts (the
     * entry is informational). Null when the candidacy's metadata cannot be read (no handover then).
     */
    private List<CuratorOp> handoverOps(String name, Written last, Candidacies.Candidate next) {
        if (next.metadata() == null) {
            return null;
        }
        byte[] metadata = next.metadata().at(Instant.now());
        return List.of(
                deleteOp(next.path(), next.version()),
                deleteOp(holderPath(name), -1),
                createOp(holderPath(name), next.data().holderData()),
                setOp(counterPath(name), metadata, last.counterVersion()));
    }

    /**
     * The grant a releasing leader made to this store's candidacy, when the watch's events alone prove it
     * ({@link #handedOverBySight}): called on ZooKeeper's event thread right after the holder node's creation woke the
     * election, so it sends nothing and waits for nothing; it declines (the notice stays for the acquire that follows)
     * whenever the events do not settle it or the grant cannot be trusted for more than half the ttl.
     */
    @Override
    public Optional<LeaseRecord> takeHandedOver(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        long ttlMillis = checkTtl(ttl);
        // Not checked against the metadata rules: what the candidacy stored was checked when written, and other
        // metadata is declined below. (The check's patterns are costly code on this path, which is rarely compiled.)
        Map<String, String> stored = Map.copyOf(metadata);
        if (closed) {
            return Optional.empty();
        }
        String node = ZkNames.node(name);
        HandoverNotice notice = candidacies.handed(node);
        LeaseRecord proven = notice == null ? null
                : provenBySight(notice, name, holder, ttlMillis, new ZkLeaseData(ttlMillis, holder).encode(), stored);
        if (proven == null || !candidacies.takeHanded(node, notice)) {
            return Optional.empty();
        }
        watcher.takeFreed(node);
        handoversSeen.increment();
        return Optional.of(proven);
    }

    /**
     * The grant a releasing leader made to this store's {@code holder} ({@link #handoverOps}), seen in a read:
     * accepted without a write when the read shows the holder node naming us with a token this store did not write,
     * the ttl asked for and the metadata asked for ({@code baton.since} aside), and when a write of this store sent
     * before the grant ({@link GrantAnchors}) leaves more than half the ttl: the answer's {@code remaining} counts
     * from that write's send time, so the engine's deadline ({@code t0 + remaining - margin}, with {@code t0} before
     * this call) ends before the lease's expiry by ZooKeeper's clock ({@code mtime + ttl}, the mtime stamped by the
     * release after that write). Half the ttl because the engine's safety margin may be up to half of it: less would
     * leave a grant the engine cannot trust. Otherwise null: the caller confirms with a write, as before.
     */
    private Optional<LeaseRecord> handedOver(Grant g, State s) {
        if (s.holder() == null || !s.holder().holder().equals(g.holder()) || s.holder().ttlMillis() != g.ttlMillis()
                || !s.paired()) {
            return null;
        }
        long token = s.holderStat().getCzxid();
        Written w = written.get(g.name());
        if (w != null && w.token() == token) {
            return null; // a grant this store wrote: confirmed as ever
        }
        Map<String, String> stored = metadataOf(g.name(), s);
        if (!withoutSince(stored).equals(withoutSince(g.metadata()))) {
            return null; // other metadata now: the confirmation writes it
        }
        OptionalLong remaining = trustedRemaining(token, g.ttlMillis());
        if (remaining.isEmpty()) {
            return null;
        }
        remember(g.name(), s.counterVersion(), s.holderStat(), g.ttlMillis(), stored);
        return Optional.of(new LeaseRecord(g.name(), g.holder(), token, Duration.ofNanos(remaining.getAsLong()),
                stored));
    }

    /**
     * The grant a releasing leader made to this store's candidacy, as the watch's events alone show it
     * ({@link HandoverNotice}): the candidacy's deletion and the holder node's creation in one transaction, whose zxid
     * is the token. Accepted when the candidacy asked for what this acquire asks ({@code baton.since} aside: the
     * answer carries this acquire's, the node the leader's instant of the handover, a few milliseconds earlier), and
     * when a write of this store sent before that transaction leaves more than half the ttl, as in
     * {@link #handedOver}. The lease's counter version is not known without a read: the first renewal reads first
     * (a read in the next renew interval, off the handover's path). Null when the events do not settle it (the
     * caller reads).
     */
    private Optional<LeaseRecord> handedOverBySight(String what, long deadline, Grant g, HandoverNotice notice) {
        ZkCall.await(what, deadline, notice.settledOrRead());
        LeaseRecord proven = provenBySight(notice, g.name(), g.holder(), g.ttlMillis(), g.data(), g.metadata());
        if (proven == null) {
            return null;
        }
        handoversSeen.increment();
        return Optional.of(proven);
    }

    /**
     * @return the grant {@code notice}'s events prove, with what was asked ({@code data}: the holder node's,
     *     {@code metadata}: the acquire's, {@code baton.since} aside) and trusted for more than half the ttl; null
     *     otherwise. Nothing is sent and nothing waited for.
     */
    private LeaseRecord provenBySight(HandoverNotice notice, String name, String holder, long ttlMillis, byte[] data,
            Map<String, String> metadata) {
        if (!notice.grantedAsAsked(data, withoutSince(metadata))) {
            return null;
        }
        OptionalLong remaining = trustedRemaining(notice.zxid(), ttlMillis);
        return remaining.isEmpty() ? null
                : new LeaseRecord(name, holder, notice.zxid(), Duration.ofNanos(remaining.getAsLong()), metadata);
    }

    /**
     * @return how long a grant another participant made us with {@code token} can be trusted from now: the ttl
     *     counted from the send time of our latest write numbered below the token ({@link GrantAnchors}), when that
     *     leaves more than half the ttl; empty otherwise (the caller confirms with a write)
     */
    private OptionalLong trustedRemaining(long token, long ttlMillis) {
        OptionalLong anchor = anchors.before(token);
        if (anchor.isEmpty()) {
            return OptionalLong.empty();
        }
        long ttlNanos = Duration.ofMillis(ttlMillis).toNanos();
        long remaining = anchor.getAsLong() + ttlNanos - System.nanoTime();
        return remaining > ttlNanos / 2 ? OptionalLong.of(remaining) : OptionalLong.empty();
    }

    /** @return the metadata without {@code baton.since}, which differs with every acquire */
    private static Map<String, String> withoutSince(Map<String, String> metadata) {
        if (!metadata.containsKey(LeaderMetadata.SINCE)) {
            return metadata;
        }
        Map<String, String> rest = new HashMap<>(metadata);
        rest.remove(LeaderMetadata.SINCE);
        return rest;
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        LeaseNames.requireValid(name);
        checkOpen();
        String what = "read of lease '" + name + "'";
        long deadline = deadline();
        for (int attempt = 1; ; attempt++) {
            // The counter (for the metadata), the holder node, and the clock stamped after them: one round trip.
            long sent = System.nanoTime();
            CompletableFuture<CuratorEvent> counter = startGetData(what, counterPath(name));
            CompletableFuture<CuratorEvent> holderNode = startGetData(what, holderPath(name));
            CompletableFuture<CuratorEvent> clock = startClock(what);
            State s = state(what, deadline, name, counter, holderNode);
            if (s.holder() == null) {
                return Optional.empty();
            }
            long expiresAt = s.holderStat().getMtime() + s.holder().ttlMillis();
            long serverNow = serverNow(what, deadline, sent, clock);
            if (serverNow >= expiresAt) {
                return Optional.empty();
            }
            if (!s.paired() && attempt == 1) {
                continue; // a grant came between the two reads: read its metadata with it
            }
            return Optional.of(new LeaseRecord(name, s.holder().holder(), s.holderStat().getCzxid(),
                    Duration.ofMillis(expiresAt - serverNow), metadataOf(name, s)));
        }
    }

    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(onChange, "onChange");
        checkOpen();
        return Optional.of(watcher.add(ZkNames.node(name), onChange, deadline()));
    }

    @Override
    public Duration maxCallTime() {
        return callTimeout;
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
        client.getConnectionStateListenable().removeListener(stateListener);
        candidacies.withdrawAll(); // an application's client keeps its session, and our ephemeral candidacies
        watcher.close();
        if (ownsClient) {
            // Closing the client ends the session on the server (one more request, answered after a disk write) and
            // stops its threads: about 100 ms that used to delay Baton.close() after every lease was released. The
            // leases do not depend on the session, so nothing waits for it: the client closes on a thread of its
            // own. Should the JVM exit first, the server expires the session by its timeout, which ends nothing.
            Thread closing = new Thread(this::closeClient, "baton-zookeeper-close");
            closing.setDaemon(true);
            closing.start();
        }
    }

    private void closeClient() {
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Closing the ZooKeeper client ({0}) failed: {1}", description, e.toString());
        }
    }

    // ---- internals -----------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the ZooKeeper lease store (" + description + ") is closed");
        }
    }

    private static long checkTtl(Duration ttl) {
        if (ttl == null || ttl.toMillis() <= 0) {
            throw new IllegalArgumentException("ttl must be at least 1ms, got " + ttl);
        }
        return ttl.toMillis();
    }

    private long deadline() {
        return System.nanoTime() + callTimeout.toNanos();
    }

    /** The persistent per-lease node whose version counts grants: it tells incarnations apart. */
    private String counterPath(String name) {
        return ZKPaths.makePath(leasesPath, ZkNames.node(name));
    }

    /** The node of the current holder; its creation zxid is the token. */
    private String holderPath(String name) {
        return ZKPaths.makePath(counterPath(name), HOLDER);
    }

    private void remember(String name, int counterVersion, Stat holderStat, long ttlMillis,
            Map<String, String> metadata) {
        remember(name, counterVersion, holderStat.getCzxid(), holderStat.getMtime(), ttlMillis, metadata);
    }

    private void remember(String name, int counterVersion, long token, long mtime, long ttlMillis,
            Map<String, String> metadata) {
        written.put(name, new Written(token, counterVersion, mtime, ttlMillis, metadata));
    }

    /** Reads the counter and the holder node, both in one round trip. */
    private State readState(String what, long deadline, String name) {
        return state(what, deadline, name, startReadState(what, name));
    }

    /** Sends the reads of the counter and of the holder node, in that order, without waiting. */
    private CompletableFuture<CuratorEvent[]> startReadState(String what, String name) {
        return startReadAt(what, counterPath(name));
    }

    /** {@link #startReadState} by the path of the lease's counter node. */
    private CompletableFuture<CuratorEvent[]> startReadAt(String what, String counterPath) {
        CompletableFuture<CuratorEvent> counter = startGetData(what, counterPath);
        CompletableFuture<CuratorEvent> holder = startGetData(what, ZKPaths.makePath(counterPath, HOLDER));
        return counter.thenCombine(holder, (c, h) -> new CuratorEvent[] {c, h});
    }

    private State state(String what, long deadline, String name, CompletableFuture<CuratorEvent[]> reads) {
        CuratorEvent[] both = ZkCall.await(what, deadline, reads);
        return state(what, deadline, name, CompletableFuture.completedFuture(both[0]),
                CompletableFuture.completedFuture(both[1]));
    }

    /** The lease from the answers of reads of its counter and holder node, sent in that order. */
    private State state(String what, long deadline, String name, CompletableFuture<CuratorEvent> counterRead,
            CompletableFuture<CuratorEvent> holderRead) {
        CuratorEvent counter = getData(what, deadline, counterRead);
        boolean noCounter = ZkCall.code(counter) == Code.NONODE;
        int counterVersion = noCounter ? -1 : counter.getStat().getVersion();
        byte[] counterData = noCounter || counter.getData() == null ? EMPTY : counter.getData();
        Stat counterStat = noCounter ? null : counter.getStat();
        CuratorEvent holder = getData(what, deadline, holderRead);
        if (ZkCall.code(holder) == Code.NONODE) {
            return new State(counterVersion, counterData, counterStat, null, null);
        }
        return new State(counterVersion, counterData, counterStat, decode(what, holderPath(name), holder.getData()),
                holder.getStat());
    }

    private void createCounter(String what, long deadline, String name) {
        CuratorEvent c = ZkCall.await(what, deadline, send(what, cb -> client.create().creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT).inBackground(cb).forPath(counterPath(name), EMPTY)));
        if (ZkCall.code(c) != Code.OK && ZkCall.code(c) != Code.NODEEXISTS) {
            throw ZkCall.unexpected(what, c);
        }
    }

    /**
     * Deletes the holder node, and clears the metadata in the counter, if no grant happened since
     * {@code counterVersion}; true when this call did.
     */
    private boolean deleteOwn(String what, long deadline, String name, int counterVersion) {
        CuratorEvent e = multi(what, deadline, List.of(
                setOp(counterPath(name), EMPTY, counterVersion),
                deleteOp(holderPath(name), -1)));
        return ZkCall.code(e) == Code.OK;
    }

    /** Runs a transaction; any result code other than OK means a check failed or a node moved (a race). */
    private CuratorEvent multi(String what, long deadline, List<CuratorOp> ops) {
        return awaitMulti(what, deadline, startMulti(what, ops));
    }

    /**
     * Sends the handover transaction ({@link #handoverOps}) on the client's ZooKeeper handle itself rather than through
     * Curator's background transaction, whose machinery (operation tracing, retry bookkeeping) kept the releasing
     * thread 0.12 ms before the request was queued, against 0.08 ms for the handle's own {@code multi} (medians on a
     * handover's path, as code the JIT has not compiled: RESULTS.md, section 7). The operations are Curator's, so the
     * client's namespace and ACL provider still apply. No retry: when the client is not connected, or the answer is
     * not OK, the caller's plain release follows through Curator (which waits for a connection); every operation is
     * conditional, so a handover that did commit before a lost answer only makes that release find the lease held by
     * the successor.
     *
     * @return the operations' results when the transaction committed, else null
     */
    private List<OpResult> handOver(String what, long deadline, List<CuratorOp> ops) {
        List<Op> raw = new ArrayList<>(ops.size());
        for (CuratorOp op : ops) {
            raw.add(op.get());
        }
        CompletableFuture<List<OpResult>> answer = new CompletableFuture<>();
        try {
            client.getZookeeperClient().getZooKeeper().multi(raw,
                    (rc, path, ctx, results) -> answer.complete(rc == Code.OK.intValue() ? results : null), null);
        } catch (Exception e) {
            return null; // not connected (Curator says why when the plain release is tried)
        }
        requests.increment();
        return ZkCall.await(what, deadline, answer);
    }

    /** Sends a transaction without waiting for its answer ({@link #awaitMulti}). */
    private CompletableFuture<CuratorEvent> startMulti(String what, List<CuratorOp> ops) {
        return send(what, cb -> client.transaction().inBackground(cb).forOperations(ops));
    }

    /** The answer of a transaction sent by {@link #startMulti}; connection and access failures throw. */
    private CuratorEvent awaitMulti(String what, long deadline, CompletableFuture<CuratorEvent> pending) {
        CuratorEvent e = ZkCall.await(what, deadline, pending);
        Code code = ZkCall.code(e);
        if (code == Code.NOAUTH || code == Code.AUTHFAILED || code == Code.CONNECTIONLOSS
                || code == Code.SESSIONEXPIRED || code == Code.OPERATIONTIMEOUT) {
            throw ZkCall.unexpected(what, e);
        }
        return e;
    }

    /** The caller's own grant: trusted for the ttl, counted from the request (the server stamped it later). */
    private LeaseRecord own(String name, String holder, long token, long ttlMillis, Map<String, String> metadata) {
        return new LeaseRecord(name, holder, token, Duration.ofMillis(ttlMillis), metadata);
    }

    /**
     * The holder's leader metadata from a read of its lease: the counter node's data when it was written for this
     * holder node ({@link State#paired()}), else none (a grant came between the two reads, twice). Data that cannot
     * be decoded (written by another program) is none too, with one warning per store: metadata never breaks an
     * election.
     */
    private Map<String, String> metadataOf(String name, State s) {
        if (!s.paired() || s.counterData().length == 0) {
            return Map.of();
        }
        try {
            return Map.copyOf(LeaderMetadata.decode(new String(s.counterData(), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            if (warnedUnreadableMetadata.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, LogIds.METADATA_UNREADABLE + ": lease ''{0}'': the leader metadata in node {1}"
                        + " cannot be decoded ({2}); the lease is reported without metadata (elections are not"
                        + " affected). Check for other programs writing under Baton''s root (baton.zookeeper.root)."
                        + " Logged once per store.", name, counterPath(name), e.getMessage());
            }
            return Map.of();
        }
    }

    private static ZkLeaseData decode(String what, String path, byte[] bytes) {
        ZkLeaseData data = ZkLeaseData.decode(bytes);
        if (data == null) {
            throw new LeaseStoreException(what + ": node " + path + " does not hold a Baton lease record; another"
                    + " program writes under Baton's root (baton.zookeeper.root)");
        }
        return data;
    }

    private CuratorEvent getData(String what, long deadline, String path) {
        return getData(what, deadline, startGetData(what, path));
    }

    /** Sends one request to ZooKeeper without waiting for its answer; every request of the store goes out here. */
    private CompletableFuture<CuratorEvent> send(String what, ZkCall.Starter starter) {
        requests.increment();
        return ZkCall.start(what, starter);
    }

    /** @return how many handed-over grants this store took from its watch's events alone (for tests) */
    long handoversSeen() {
        return handoversSeen.sum();
    }

    /** @return how many requests this store has sent to ZooKeeper (for tests that count round trips) */
    long requestsSent() {
        return requests.sum();
    }

    private CompletableFuture<CuratorEvent> startGetData(String what, String path) {
        return send(what, cb -> client.getData().inBackground(cb).forPath(path));
    }

    /** Writes the clock node without waiting: its answer's mtime is ZooKeeper's time ({@link #serverNow}). */
    private CompletableFuture<CuratorEvent> startClock(String what) {
        return send(what, cb -> client.setData().inBackground(cb).forPath(clockPath, EMPTY));
    }

    private CuratorEvent getData(String what, long deadline, CompletableFuture<CuratorEvent> pending) {
        CuratorEvent e = ZkCall.await(what, deadline, pending);
        Code code = ZkCall.code(e);
        if (code != Code.OK && code != Code.NONODE) {
            throw ZkCall.unexpected(what, e);
        }
        return e;
    }

    // Transaction operations; building one never talks to the server, so a failure is a programming error.

    private CuratorOp checkOp(String path, int version) {
        try {
            return client.transactionOp().check().withVersion(version).forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a check of " + path, e);
        }
    }

    private CuratorOp setOp(String path, byte[] data, int version) {
        try {
            return client.transactionOp().setData().withVersion(version).forPath(path, data);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a setData of " + path, e);
        }
    }

    private CuratorOp deleteOp(String path, int version) {
        try {
            return client.transactionOp().delete().withVersion(version).forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a delete of " + path, e);
        }
    }

    private CuratorOp createOp(String path, byte[] data) {
        try {
            return client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a create of " + path, e);
        }
    }

    /**
     * ZooKeeper's clock from a write of the clock node already sent ({@link #startClock}); when that found no clock
     * node yet, as {@link #serverNow(String, long)} (which creates it). The write is also an anchor for handed-over
     * grants ({@link GrantAnchors}).
     *
     * @param sent the local time before the clock's write (or a request before it) was sent
     */
    private long serverNow(String what, long deadline, long sent, CompletableFuture<CuratorEvent> clock) {
        CuratorEvent e = ZkCall.await(what, deadline, clock);
        Code code = ZkCall.code(e);
        if (code == Code.OK) {
            anchors.wrote(sent, e.getStat().getMzxid());
            return e.getStat().getMtime();
        }
        if (code != Code.NONODE) {
            throw ZkCall.unexpected(what, e);
        }
        return serverNow(what, deadline);
    }

    /** ZooKeeper's clock now: the mtime a write to the clock node receives. */
    private long serverNow(String what, long deadline) {
        for (int attempt = 0; attempt < 2; attempt++) {
            long sent = System.nanoTime();
            CuratorEvent e = ZkCall.await(what, deadline,
                    send(what, cb -> client.setData().inBackground(cb).forPath(clockPath, EMPTY)));
            Code code = ZkCall.code(e);
            if (code == Code.OK) {
                anchors.wrote(sent, e.getStat().getMzxid());
                return e.getStat().getMtime();
            }
            if (code != Code.NONODE) {
                throw ZkCall.unexpected(what, e);
            }
            CuratorEvent c = ZkCall.await(what, deadline, send(what, cb -> client.create().creatingParentsIfNeeded()
                    .withMode(CreateMode.PERSISTENT).inBackground(cb).forPath(clockPath, EMPTY)));
            if (ZkCall.code(c) != Code.OK && ZkCall.code(c) != Code.NODEEXISTS) {
                throw ZkCall.unexpected(what, c);
            }
        }
        throw new LeaseStoreException(what + ": cannot create the clock node " + clockPath);
    }

    private void stateChanged(CuratorFramework c, ConnectionState state) {
        switch (state) {
            case SUSPENDED -> LOG.log(Level.WARNING, LogIds.SUSPENDED + ": ZooKeeper connection suspended ({0});"
                    + " leaders keep their terms only until their local deadlines unless it comes back. Check the"
                    + " network to ZooKeeper and the ensemble''s health.", description);
            case LOST -> {
                LOG.log(Level.WARNING, LogIds.SESSION_LOST + ": ZooKeeper session lost ({0}); leases stay until"
                        + " their ttl and renewals continue on the next session. Check the network to ZooKeeper and"
                        + " the session timeout.", description);
                written.clear();
                candidacies.sessionLost();
            }
            case RECONNECTED -> {
                LOG.log(Level.INFO, LogIds.RECONNECTED + ": ZooKeeper connection re-established ({0})", description);
                watcher.reconnected();
            }
            default -> LOG.log(Level.DEBUG, "ZooKeeper connection {0} ({1})", state, description);
        }
    }
}
