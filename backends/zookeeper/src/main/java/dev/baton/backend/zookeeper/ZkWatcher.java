package dev.baton.backend.zookeeper;

import dev.baton.spi.LeaseStoreException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.WatcherType;

/**
 * The one watch of a store: a persistent recursive watch (ZooKeeper 3.6+) on the leases node, multiplexed to the
 * callbacks of each lease. It reports created and deleted holder nodes (a new holder, a release, an expired
 * session, an expired ttl); data changes are renewals, grant counts and leader metadata (which a new holder brings
 * with its node) and are ignored. After a reconnection every callback runs once, since events may have been missed,
 * and the watch is added again (a new session has none). Events of candidacy nodes ({@link Candidacies}) go to the
 * store's candidacies, before the holder node's events of the same transaction (a handover's) wake anyone.
 *
 * <p>The watch is added on the client's ZooKeeper handle itself, not through Curator: Curator hands its watchers a
 * copy of each event without the transaction id (zxid) that ZooKeeper 3.9+ sends with it, and that id is what lets a
 * successor take a handed-over lease without a request ({@link HandoverNotice}). Paths are then the server's, with the
 * client's namespace in front.
 */
final class ZkWatcher implements Watcher {
    private static final System.Logger LOG = System.getLogger(ZkWatcher.class.getName());

    private final CuratorFramework client;
    private final String leasesPath;
    /** {@link #leasesPath} as the server sees it: under the client's namespace, if it has one. */
    private final String serverLeasesPath;
    private final Duration callTimeout;
    private final Map<String, List<Runnable>> callbacks = new ConcurrentHashMap<>();
    /**
     * The watched leases whose holder node the last event reported deleted (a release, or an expired holder taken
     * away): a hint that the next acquire may grant at once, in one transaction, without reading first. Only a hint:
     * the grant it leads to creates the holder node only if it is absent, so a stale one costs a failed transaction
     * and the ordinary read, never safety.
     */
    private final Set<String> freed = ConcurrentHashMap.newKeySet();
    private volatile Candidacies candidacies;
    private volatile boolean added;
    private volatile boolean closed;

    ZkWatcher(CuratorFramework client, String leasesPath, Duration callTimeout) {
        this.client = client;
        this.leasesPath = leasesPath;
        this.serverLeasesPath = ZKPaths.fixForNamespace(client.getNamespace(), leasesPath);
        this.callTimeout = callTimeout;
    }

    /** Connects the store's candidacies, which learn of candidacy nodes from this watch (set once, at start). */
    void candidacies(Candidacies c) {
        this.candidacies = c;
    }

    /**
     * @param node the lease's node name ({@link ZkNames#node})
     * @return whether someone watches that lease through this store now
     */
    boolean watching(String node) {
        List<Runnable> list = callbacks.get(node);
        return list != null && !list.isEmpty();
    }

    /** Registers a callback; the watch is in place when this returns (so no later change is missed). */
    AutoCloseable add(String node, Runnable onChange, long deadlineNanos) {
        List<Runnable> list = callbacks.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>());
        boolean first;
        synchronized (list) {
            first = list.isEmpty();
            list.add(onChange);
        }
        try {
            ensureAdded(deadlineNanos);
        } catch (RuntimeException e) {
            remove(node, list, onChange);
            throw e;
        }
        Candidacies c = candidacies;
        if (first && c != null) {
            c.list(node); // after the watch is in place: no candidacy created from now on is missed
        }
        return () -> remove(node, list, onChange);
    }

    /**
     * Removes a callback; the last one of a lease withdraws this store's candidacies for it, after the callback is
     * gone (so no acquire offers a new one after the withdrawal).
     */
    private void remove(String node, List<Runnable> list, Runnable onChange) {
        boolean last;
        synchronized (list) {
            last = list.remove(onChange) && list.isEmpty();
        }
        Candidacies c = candidacies;
        if (last && c != null) {
            c.withdraw(node);
        }
    }

    private synchronized void ensureAdded(long deadlineNanos) {
        if (added || closed) {
            return;
        }
        String what = "watch of " + leasesPath;
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        try {
            client.getZookeeperClient().getZooKeeper().addWatch(serverLeasesPath, this,
                    AddWatchMode.PERSISTENT_RECURSIVE, (rc, path, ctx) -> answer.complete(rc), null);
        } catch (Exception e) {
            throw new LeaseStoreException(what + " could not be sent to ZooKeeper: " + e, e);
        }
        Code code = Code.get(ZkCall.await(what, deadlineNanos, answer));
        if (code != Code.OK) {
            throw new LeaseStoreException("cannot watch " + leasesPath + ": ZooKeeper answered " + code
                    + (code == Code.UNIMPLEMENTED ? " (persistent watches need ZooKeeper 3.6 or later)" : ""));
        }
        added = true;
    }

    @Override
    public void process(WatchedEvent event) {
        if (closed || event.getPath() == null) {
            return;
        }
        switch (event.getType()) {
            case NodeCreated, NodeDeleted, NodeDataChanged -> {
                // Holder nodes are <leases>/<lease>/holder, candidacies <leases>/<lease>/candidate-<holder>; the
                // lease's own node counts grants and keeps metadata.
                String path = event.getPath();
                if (!path.startsWith(serverLeasesPath + "/")) {
                    return;
                }
                String rest = path.substring(serverLeasesPath.length() + 1);
                int slash = rest.indexOf('/');
                if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
                    return;
                }
                String lease = rest.substring(0, slash);
                String child = rest.substring(slash + 1);
                Candidacies c = candidacies;
                if (Candidacies.isCandidacy(child)) {
                    if (c != null) {
                        c.changed(lease, child, event.getType(), event.getZxid());
                    }
                    return;
                }
                if (!child.equals("holder") || event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                    return; // a renewal: followers do not care
                }
                boolean created = event.getType() == Watcher.Event.EventType.NodeCreated;
                if (created && c != null) {
                    c.holderCreated(lease, event.getZxid()); // before the callbacks: the acquire they cause reads it
                } else if (c != null && c.awaitsHolderCreation(lease, event.getZxid())) {
                    // A handover to us: the same transaction's creation of the holder node is the next event and
                    // proves it. Waking the election now would only have its acquire wait for that event (or read).
                    noteHolder(lease, true);
                    return;
                }
                List<Runnable> list = callbacks.get(lease);
                if (list != null) {
                    // Recorded before the callbacks run: the acquire they trigger reads it.
                    noteHolder(lease, event.getType() == Watcher.Event.EventType.NodeDeleted);
                    list.forEach(ZkWatcher::runQuietly);
                }
            }
            default -> {
                // Nothing else concerns a lease.
            }
        }
    }

    /**
     * Records what the last event of a lease's holder node said (tests call it to plant a stale hint).
     *
     * @param node the lease's node name ({@link ZkNames#node})
     * @param deleted true for a deletion, false for a creation
     */
    void noteHolder(String node, boolean deleted) {
        if (deleted) {
            freed.add(node);
        } else {
            freed.remove(node);
        }
    }

    /**
     * Takes the hint that the lease's holder node was deleted and no new one reported since (the hint is used once:
     * an acquire that finds it stale falls back to reading).
     *
     * @param node the lease's node name ({@link ZkNames#node})
     * @return whether the last event of that lease's holder node was its deletion
     */
    boolean takeFreed(String node) {
        return freed.remove(node);
    }

    /** After a reconnection: re-add the watch (in the background) and wake everyone once. */
    void reconnected() {
        if (closed) {
            return;
        }
        freed.clear(); // events may have been missed: no hint is trusted across a reconnection
        synchronized (this) {
            added = false;
        }
        Thread t = new Thread(() -> {
            try {
                ensureAdded(System.nanoTime() + callTimeout.toNanos());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, LogIds.REWATCH_FAILED + ": re-adding the lease watch on " + leasesPath
                        + " after a reconnection failed (" + e.getMessage() + "); followers learn of releases when"
                        + " leases could expire instead of at once, until the next reconnection. Check ZooKeeper's"
                        + " health and the client's ACLs on that path.");
            }
            Candidacies c = candidacies;
            callbacks.forEach((node, list) -> {
                if (c != null && !list.isEmpty()) {
                    c.list(node); // events may have been missed
                }
                list.forEach(ZkWatcher::runQuietly);
            });
        }, "baton-zookeeper-rewatch");
        t.setDaemon(true);
        t.start();
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, LogIds.WATCH_CALLBACK_FAILED + ": a lease watch callback failed (" + e + "); the other"
                    + " callbacks still run, and the group it served learns of changes when its lease could expire"
                    + " instead of at once. This is a bug in the callback.", e);
        }
    }

    void close() {
        closed = true;
        if (added) {
            try {
                client.getZookeeperClient().getZooKeeper().removeWatches(serverLeasesPath, this, WatcherType.Any,
                        true, (rc, path, ctx) -> { }, null);
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "Removing the lease watch failed: {0}", e.toString());
            }
        }
    }
}
