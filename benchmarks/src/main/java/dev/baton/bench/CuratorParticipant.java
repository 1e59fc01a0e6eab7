package dev.baton.bench;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * A Curator {@link LeaderLatch} participant in its own JVM, for the crash-failover comparison: prints
 * {@code LEADER} once it leads, then runs until killed. Arguments: connect string, latch path, id, session timeout
 * in ms.
 */
public final class CuratorParticipant {

    private CuratorParticipant() {}

    /**
     * @param args connect string, latch path, participant id, session timeout (ms)
     * @throws Exception when ZooKeeper cannot be reached
     */
    public static void main(String[] args) throws Exception {
        CuratorFramework client = CuratorFrameworkFactory.newClient(args[0], Integer.parseInt(args[3]),
                Integer.parseInt(args[3]) / 2, new ExponentialBackoffRetry(100, 10));
        client.start();
        LeaderLatch latch = new LeaderLatch(client, args[1], args[2]);
        latch.start();
        if (!latch.await(60, TimeUnit.SECONDS)) {
            System.out.println("TIMEOUT");
            System.exit(1);
        }
        System.out.println("LEADER");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
