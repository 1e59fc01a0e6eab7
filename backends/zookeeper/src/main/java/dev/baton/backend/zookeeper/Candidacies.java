package dev.baton.backend.zookeeper;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher.Event.EventType;

/**
 * The candidacies of a store's leases, which let a releasing leader hand its lease to a waiting follower in its
 * release transaction (one write for a graceful handover instead of a release and a grant in sequence).
 *
 * <p>A candidacy is an ephemeral node {@code leases/<lease>/candidate-<holder>} ({@link ZkCandidacy}): a participant
 * whose acquire was refused while this store watches the lease for it ({@link #offer}), that is an election's
 * follower, never a one-off acquire that asked once (its caller would be handed a lease it does not know about). It
 * is written once, and again only when the ttl or metadata it would be granted with change ({@code baton.since}
 * aside, which changes with every acquire); it is deleted when the last watch of the lease closes, when this holder
 * releases the lease, when the store closes, and by the releasing leader's transaction that hands the lease over
 * (which deletes it with its version, so the transaction fails if the candidate left or changed meanwhile).
 *
 * <p>For the leader's side it keeps a view of the other participants' candidacies of each watched lease, fed by the
 * store's watch (created, changed, deleted) and a listing when the lease's watch opens or the connection comes back,
 * so a release never reads first. The view is a hint: the release transaction checks the candidacy it names, and a
 * wrong hint costs a failed transaction and the plain release.
 *
 * <p>The successor learns of the handover from the deletion of its own candidacy by someone else, which ZooKeeper
 * reports before the holder node's events that wake the election. Protocol rule, kept by every version of this store:
 * only a release transaction that creates the holder node from a candidacy's data deletes that candidacy, so the
 * deletion and the holder node's creation in one transaction (same zxid) prove the grant ({@link HandoverNotice}).
 * When the events cannot settle it, the reads the next acquire needs are sent at once, from the event, while the
 * election is being woken ({@link #takeHanded}).
 */
final class Candidacies {
    private static final System.Logger LOG = System.getLogger(Candidacies.class.getName());
    static final String PREFIX = "candidate-";

    /** Sends one request, counted with the store's ({@link ZooKeeperLeaseStore}). */
    @FunctionalInterface
    interface Sender {
        CompletableFuture<CuratorEvent> send(String what, ZkCall.Starter starter);
    }

    /** Sends the reads of a lease's counter and holder node (by the lease's node name), without waiting. */
    @FunctionalInterface
    interface Reader {
        CompletableFuture<CuratorEvent[]> read(String node);
    }

    /** A candidacy this store wrote: its lease's node, and what was written apart from {@code baton.since}. */
    private static final class Own {
        final String node;
        final String holder;
        final byte[] holderData;
        final Map<String, String> comparable;
        /** Whether its write was answered: the node surely holds this data (a handover of it is what it asked). */
        volatile boolean settled;

        Own(String node, String holder, byte[] holderData, Map<String, String> comparable) {
            this.node = node;
            this.holder = holder;
            this.holderData = holderData;
            this.comparable = comparable;
        }
    }

    /**
     * Another participant's candidacy as last read.
     *
     * @param path its node
     * @param holder the candidate
     * @param version the node's data version, which the release transaction's delete checks
     * @param czxid the node's creation, to prefer the longest waiting candidate
     * @param data what the candidate is to be granted with
     * @param metadata the counter's metadata for a handover to it, prepared when read; null when its metadata cannot
     *     be decoded (no handover to it then)
     */
    record Candidate(String path, String holder, int version, long czxid, ZkCandidacy data,
            HandoverMetadata metadata) {
        Candidate(String path, String holder, int version, long czxid, ZkCandidacy data) {
            this(path, holder, version, czxid, data, HandoverMetadata.of(data.metadata()));
        }
    }

    private final CuratorFramework client;
    private final Sender sender;
    private final String leasesPath;
    private final Predicate<String> watching;
    private final Map<String, Own> mine = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Candidate>> known = new ConcurrentHashMap<>();
    private final Reader reader;
    /** What the watch showed when another participant deleted our candidacy of a lease, for its next acquire. */
    private final Map<String, HandoverNotice> handed = new ConcurrentHashMap<>();

    /**
     * @param watching whether the store watches a lease (by its node name) for someone now
     */
    Candidacies(CuratorFramework client, Sender sender, Reader reader, String leasesPath,
            Predicate<String> watching) {
        this.client = client;
        this.sender = sender;
        this.reader = reader;
        this.leasesPath = leasesPath;
        this.watching = watching;
    }

    static boolean isCandidacy(String child) {
        return child.startsWith(PREFIX);
    }

    /** @return the candidacy node of {@code holder} for the lease whose node is {@code node} */
    String path(String node, String holder) {
        return ZKPaths.makePath(ZKPaths.makePath(leasesPath, node), PREFIX + ZkNames.node(holder));
    }

    // ---- the candidate's side --------------------------------------------------------------------------------

    /**
     * After an acquire of {@code holder} was refused: makes it a candidate when the lease is watched, unless it
     * already is with the same ttl and metadata. Sends at most one write and does not wait for it.
     *
     * @param comparable the metadata without {@code baton.since}
     */
    synchronized void offer(String node, String holder, ZkCandidacy data, Map<String, String> comparable) {
        if (!watching.test(node)) {
            return; // a one-off acquire: nobody would take a lease handed to it
        }
        String path = path(node, holder);
        Own current = mine.get(path);
        if (current != null && Arrays.equals(current.holderData, data.holderData())
                && current.comparable.equals(comparable)) {
            return;
        }
        Own own = new Own(node, holder, data.holderData(), comparable);
        mine.put(path, own);
        byte[] bytes = data.encode();
        try {
            send("candidacy of " + holder + " for " + node, cb -> client.create().withMode(CreateMode.EPHEMERAL)
                    .inBackground(cb).forPath(path, bytes))
                    .thenAccept(e -> created(path, own, bytes, e));
        } catch (RuntimeException e) {
            mine.remove(path, own); // only a hint of a faster handover: the refused acquire's answer stands
            LOG.log(Level.DEBUG, "Candidacy {0} not sent: {1}", path, e.toString());
        }
    }

    /** The answer of a candidacy's create (on ZooKeeper's event thread). */
    private synchronized void created(String path, Own own, byte[] bytes, CuratorEvent e) {
        Code code = ZkCall.code(e);
        if (code == Code.OK) {
            if (!mine.containsKey(path)) {
                deleteQuietly(path); // withdrawn while the create was out: it must not outlive the watch
            } else if (mine.get(path) == own) {
                own.settled = true;
            }
            return;
        }
        if (code == Code.NODEEXISTS && mine.get(path) == own) {
            // Left by this store before (a withdrawal that was lost) or by another store of the same participant:
            // rewrite it with this candidacy.
            send("candidacy of " + own.holder + " for " + own.node, cb -> client.setData().inBackground(cb)
                    .forPath(path, bytes))
                    .thenAccept(s -> rewritten(path, own, s));
            return;
        }
        mine.remove(path, own); // not written: the next refused acquire tries again
        LOG.log(Level.DEBUG, "Candidacy {0} not written: {1}", path, code);
    }

    /** The answer of a candidacy's rewrite (on ZooKeeper's event thread). */
    private synchronized void rewritten(String path, Own own, CuratorEvent e) {
        if (ZkCall.code(e) != Code.OK) {
            mine.remove(path, own);
        } else if (mine.get(path) == own) {
            own.settled = true;
        }
    }

    /** The last watch of the lease closed: this store's candidacies for it go. */
    synchronized void withdraw(String node) {
        mine.entrySet().removeIf(entry -> {
            if (entry.getValue().node.equals(node)) {
                deleteQuietly(entry.getKey());
                return true;
            }
            return false;
        });
        known.remove(node);
        handed.remove(node);
    }

    /** {@code holder} released the lease: it is no candidate until refused again (so a back-off is respected). */
    synchronized void withdraw(String node, String holder) {
        String path = path(node, holder);
        if (mine.remove(path) != null) {
            deleteQuietly(path);
        }
    }

    /** The store closes: every candidacy goes (the session may be the application's and outlive the store). */
    synchronized void withdrawAll() {
        mine.keySet().forEach(this::deleteQuietly);
        mine.clear();
        known.clear();
        handed.clear();
    }

    /**
     * Takes what the watch showed when another participant deleted this store's candidacy for the lease, which a
     * releasing leader does when it hands the lease over: the next acquire takes the grant from it instead of writing
     * first ({@link HandoverNotice}).
     *
     * @return the notice, or null when there was no such deletion
     */
    HandoverNotice takeHanded(String node) {
        return handed.remove(node);
    }

    /**
     * @param node the lease's node name
     * @return what the watch showed of our candidacy's deletion, left in place; null when nothing
     */
    HandoverNotice handed(String node) {
        return handed.get(node);
    }

    /**
     * Takes {@code notice} if it is still the lease's (no acquire took it meanwhile).
     *
     * @return whether this call took it
     */
    boolean takeHanded(String node, HandoverNotice notice) {
        return handed.remove(node, notice);
    }

    /** The session was lost: ephemeral candidacies may be gone without an event; they are written again. */
    void sessionLost() {
        mine.clear();
        handed.clear();
    }

    // ---- the leader's side -----------------------------------------------------------------------------------

    /**
     * @param node the lease's node
     * @param releasing the holder releasing it, never its own successor
     * @return the candidate that has waited longest, as last seen
     */
    Optional<Candidate> next(String node, String releasing) {
        Map<String, Candidate> those = known.get(node);
        if (those == null) {
            return Optional.empty();
        }
        // A loop, not a stream: this runs once per release, on the handover's path, as code the JIT rarely compiled.
        Candidate longest = null;
        for (Candidate c : those.values()) {
            if (!c.holder().equals(releasing) && (longest == null || c.czxid() < longest.czxid())) {
                longest = c;
            }
        }
        return Optional.ofNullable(longest);
    }

    /**
     * Records a candidacy as if read (tests call it to plant a stale view: a candidate that already left).
     *
     * @param node the lease's node name ({@link ZkNames#node})
     */
    void noteCandidate(String node, Candidate c) {
        known.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(c.path(), c);
    }

    /**
     * A watch event on a candidacy node (on ZooKeeper's event thread, in order with the answers).
     *
     * @param zxid the transaction that caused it, or {@link org.apache.zookeeper.WatchedEvent#NO_ZXID}
     */
    void changed(String node, String child, EventType type, long zxid) {
        String path = ZKPaths.makePath(ZKPaths.makePath(leasesPath, node), child);
        if (type == EventType.NodeDeleted) {
            Map<String, Candidate> those = known.get(node);
            if (those != null) {
                those.remove(path);
            }
            Own own = mine.remove(path);
            if (own != null) {
                try {
                    handed.put(node, new HandoverNotice(zxid, own.holderData, own.comparable, own.settled,
                            () -> reader.read(node)));
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "Reading lease {0} after its handover failed: {1}", node, e.toString());
                }
            }
        } else if ((type == EventType.NodeCreated || type == EventType.NodeDataChanged) && watching.test(node)
                && !mine.containsKey(path)) {
            fetch(node, path); // others' only: a store serves one participant, who never succeeds itself
        }
    }

    /**
     * The watch saw the lease's holder node created (on ZooKeeper's event thread, before its callbacks run): a
     * handover to us when the same transaction deleted our candidacy.
     *
     * @param zxid the event's transaction, or {@link org.apache.zookeeper.WatchedEvent#NO_ZXID}
     */
    void holderCreated(String node, long zxid) {
        HandoverNotice notice = handed.get(node);
        if (notice != null) {
            notice.holderCreated(zxid);
        }
    }

    /**
     * @param zxid the transaction that deleted the lease's holder node
     * @return whether that transaction also deleted our candidacy and the events may prove the handover: its creation
     *     of the holder node comes next ({@link HandoverNotice#awaitsCreation})
     */
    boolean awaitsHolderCreation(String node, long zxid) {
        HandoverNotice notice = handed.get(node);
        return notice != null && notice.awaitsCreation(zxid);
    }

    /** The lease's first watch opened, or the connection came back: list its candidacies afresh. */
    void list(String node) {
        known.put(node, new ConcurrentHashMap<>());
        String parent = ZKPaths.makePath(leasesPath, node);
        try {
            send("candidacies of " + node, cb -> client.getChildren().inBackground(cb).forPath(parent))
                    .thenAccept(e -> {
                        if (ZkCall.code(e) == Code.OK && e.getChildren() != null) {
                            listed(node, e.getChildren());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Listing the candidacies of {0} failed: {1}", node, e.toString());
        }
    }

    private void listed(String node, List<String> children) {
        for (String child : children) {
            String path = ZKPaths.makePath(ZKPaths.makePath(leasesPath, node), child);
            if (isCandidacy(child) && !mine.containsKey(path)) {
                fetch(node, path);
            }
        }
    }

    private void fetch(String node, String path) {
        try {
            send("candidacy " + path, cb -> client.getData().inBackground(cb).forPath(path))
                    .thenAccept(e -> fetched(node, path, e));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Reading candidacy {0} failed: {1}", path, e.toString());
        }
    }

    private void fetched(String node, String path, CuratorEvent e) {
        if (!watching.test(node)) {
            known.remove(node);
            return;
        }
        Map<String, Candidate> those = known.computeIfAbsent(node, n -> new ConcurrentHashMap<>());
        ZkCandidacy data = ZkCall.code(e) == Code.OK ? ZkCandidacy.decode(e.getData()) : null;
        if (data == null) {
            those.remove(path);
            return;
        }
        those.put(path, new Candidate(path, data.lease().holder(), e.getStat().getVersion(), e.getStat().getCzxid(),
                data));
    }

    private void deleteQuietly(String path) {
        try {
            send("withdrawal of candidacy " + path, cb -> client.delete().inBackground(cb).forPath(path));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Withdrawing candidacy {0} failed: {1}", path, e.toString());
        }
    }

    private CompletableFuture<CuratorEvent> send(String what, ZkCall.Starter starter) {
        return sender.send(what, starter);
    }
}
