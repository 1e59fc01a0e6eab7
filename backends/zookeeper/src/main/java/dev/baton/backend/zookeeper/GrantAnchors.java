package dev.baton.backend.zookeeper;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

/**
 * Local instants that a handed-over grant cannot precede. Each is a write of this store: sent at local time
 * {@code sentNanos} ({@link System#nanoTime()}), committed by ZooKeeper with transaction id {@code zxid}. The
 * ZooKeeper leader numbers transactions in the order it receives them, after they were sent, so any node whose
 * creation zxid is larger was created after {@code sentNanos}, by the ZooKeeper leader's clock (which stamps its
 * {@code mtime}) as by ours. That holds whichever server answered our reads, however stale: it compares zxids, which
 * only the leader assigns.
 *
 * <p>A successor that finds the lease handed to it (created by the releasing leader's transaction, not by its own)
 * counts its ttl from the latest such instant whose zxid is below the grant's token: its local deadline then ends
 * before the lease's expiry as every other participant judges it ({@code mtime + ttl}), exactly as a grant it wrote
 * itself would. Any write of the store serves, whatever the lease: zxids are global.
 */
final class GrantAnchors {
    /** Enough recent writes that one sent before a grant is still here when the grant is seen. */
    private static final int KEPT = 8;

    private record Anchor(long sentNanos, long zxid) {}

    private final Deque<Anchor> recent = new ArrayDeque<>(KEPT);

    /**
     * Records a write's answer.
     *
     * @param sentNanos the local time before the write was sent
     * @param zxid the transaction id ZooKeeper gave it (the {@code mzxid} or {@code czxid} its answer carries)
     */
    synchronized void wrote(long sentNanos, long zxid) {
        if (zxid <= 0) {
            return;
        }
        recent.addFirst(new Anchor(sentNanos, zxid));
        while (recent.size() > KEPT) {
            recent.removeLast();
        }
    }

    /**
     * @param token a grant's token (its holder node's creation zxid)
     * @return the latest local instant the grant surely followed: the send time of the latest recorded write with a
     *     smaller zxid; empty when none is known
     */
    synchronized OptionalLong before(long token) {
        long best = 0;
        boolean found = false;
        for (Anchor a : recent) {
            if (a.zxid() < token && (!found || a.sentNanos() - best > 0)) {
                best = a.sentNanos();
                found = true;
            }
        }
        return found ? OptionalLong.of(best) : OptionalLong.empty();
    }
}
