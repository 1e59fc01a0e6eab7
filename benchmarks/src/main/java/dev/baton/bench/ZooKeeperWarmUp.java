package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Warms the benchmark's ZooKeeper server before anything is measured on it, from a JVM of its own, with the plain
 * ZooKeeper client: the requests both Curator's {@code LeaderLatch} and Baton's store send (sequential and ephemeral
 * creates, child listings, reads with one-time watches, deletes, and transactions that check, set, create and
 * delete), with a persistent recursive watch open so that notifications are sent too.
 *
 * <p>Why: a ZooKeeper server is a JVM, and a fresh one runs its request pipeline interpreted until the JIT compiles
 * it. The suite's server would otherwise have served only a few hundred requests when the handovers are measured, so
 * the figures would mostly measure the server's interpreter (a four-operation transaction then reached a watcher
 * 0.75 ms later than one delete; on a warmed server 0.3 ms later), which no ZooKeeper ensemble in use shows. Its own
 * JVM, so that neither side's client code is warmed by it: the participants' JVMs stay as cold as they were.
 *
 * <p>Arguments: connect string, number of cycles.
 */
public final class ZooKeeperWarmUp {
    private static final byte[] DATA = new byte[48];

    private ZooKeeperWarmUp() {}

    /**
     * @param args connect string, cycles
     * @throws Exception when ZooKeeper cannot be reached or answers an error
     */
    public static void main(String[] args) throws Exception {
        int cycles = Integer.parseInt(args[1]);
        ZooKeeper zk = connect(args[0]);
        try {
            String root = "/baton-bench-warm-up";
            create(zk, root, CreateMode.PERSISTENT);
            zk.addWatch(root, event -> { }, AddWatchMode.PERSISTENT_RECURSIVE);
            for (int i = 0; i < cycles; i++) {
                cycle(zk, root + "/n" + i);
            }
            zk.removeAllWatches(root, Watcher.WatcherType.Any, false);
            zk.delete(root, -1);
        } finally {
            zk.close();
        }
    }

    /** One round of what both clients send for a handover; every node it creates is gone at its end. */
    private static void cycle(ZooKeeper zk, String node) throws KeeperException, InterruptedException {
        create(zk, node, CreateMode.PERSISTENT);
        String first = zk.create(node + "/latch-", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        String second = zk.create(node + "/latch-", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL_SEQUENTIAL);
        zk.getChildren(node, false);
        zk.getData(first, event -> { }, null);
        zk.exists(second, false);
        create(zk, node + "/holder", CreateMode.PERSISTENT);
        create(zk, node + "/candidate", CreateMode.EPHEMERAL);
        zk.multi(List.of(Op.check(node, 0), Op.setData(node + "/holder", DATA, -1)));
        zk.multi(List.of(Op.delete(node + "/candidate", 0), Op.delete(node + "/holder", -1),
                Op.create(node + "/holder", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData(node, DATA, 0)));
        zk.multi(List.of(Op.setData(node, DATA, 1), Op.delete(node + "/holder", -1)));
        zk.delete(first, -1);
        zk.delete(second, -1);
        zk.delete(node, -1);
    }

    private static void create(ZooKeeper zk, String path, CreateMode mode) throws KeeperException,
            InterruptedException {
        zk.create(path, DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
    }

    private static ZooKeeper connect(String connect) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("ZooKeeper not reachable at " + connect);
        }
        return zk;
    }

    /**
     * Runs the warm-up in a JVM of its own and waits for it.
     *
     * @param log where its output goes
     * @return milliseconds it took
     */
    static long run(int port, int cycles, Path log) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                ZooKeeperWarmUp.class.getName(), "127.0.0.1:" + port, Integer.toString(cycles)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the ZooKeeper warm-up did not end within 5 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the ZooKeeper warm-up failed (exit " + p.exitValue() + "); see " + log);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
