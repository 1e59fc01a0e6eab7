package dev.baton.backend.zookeeper;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.WatchedEvent;

/**
 * What a successor's store learned when another participant deleted one of its candidacies ({@link Candidacies}):
 * most likely a releasing leader handed it the lease in that same transaction. Two ways to know for sure:
 *
 * <ul>
 *   <li><b>From the watch alone</b> (ZooKeeper 3.9+, which sends each event's transaction id): the candidacy's
 *       deletion and the creation of the lease's holder node carry the same zxid, so one transaction did both, and
 *       only a handover to this candidacy does (the release transaction deletes a candidacy, by its version, only to
 *       create the holder node from that candidacy's data: a protocol rule every version of this store keeps). The
 *       token is that zxid (the holder node's czxid) and the grant is what the candidacy asked for, so the successor
 *       needs no request at all.</li>
 *   <li><b>From the reads</b> of the counter and holder node, for servers that send no zxid, a candidacy rewritten
 *       while the leader read it, or anything else the events do not settle. Sent at once from the deletion event
 *       when the events cannot settle it; else only if the acquire finds the holder node's creation not seen yet
 *       (so a handover the events prove sends no request, and the event thread issues none before the holder node's
 *       events that wake the election).</li>
 * </ul>
 *
 * <p>Events and answers of one session arrive in the server's order, on the client's event thread: the holder
 * node's creation, when it belongs to the transaction, is seen before the answers of reads sent after the deletion
 * was seen.
 */
final class HandoverNotice {
    private final long zxid;
    private final byte[] holderData;
    private final Map<String, String> comparable;
    private final boolean settled;
    private final Supplier<CompletableFuture<CuratorEvent[]>> reader;
    private CompletableFuture<CuratorEvent[]> reads;
    private final CompletableFuture<Boolean> grantSeen = new CompletableFuture<>();

    /**
     * @param zxid the transaction that deleted the candidacy, or {@link WatchedEvent#NO_ZXID} when the server does
     *     not say
     * @param holderData the holder node's data the candidacy asked for ({@link ZkLeaseData#encode()})
     * @param comparable the metadata it asked for, without {@code baton.since}
     * @param settled whether the deleted node surely held that data: its write was answered and none was pending
     *     (a rewrite in flight may have lost the race with a leader that read the earlier version)
     * @param reader sends the reads of the lease's counter and holder node; called at once (on the event thread
     *     that saw the deletion) when the events cannot settle the grant, else at most once, later, when needed
     */
    HandoverNotice(long zxid, byte[] holderData, Map<String, String> comparable, boolean settled,
            Supplier<CompletableFuture<CuratorEvent[]>> reader) {
        this.zxid = zxid;
        this.holderData = holderData.clone();
        this.comparable = Map.copyOf(comparable);
        this.settled = settled;
        this.reader = reader;
        if (zxid == WatchedEvent.NO_ZXID || !settled) {
            reads();
        }
    }

    /** @return the transaction that deleted the candidacy, or {@link WatchedEvent#NO_ZXID} */
    long zxid() {
        return zxid;
    }

    /** @return the reads of the counter and holder node, sent now unless they were already */
    synchronized CompletableFuture<CuratorEvent[]> reads() {
        if (reads == null) {
            reads = reader.get();
        }
        return reads;
    }

    /**
     * The watch saw the lease's holder node created by transaction {@code createdBy} (on the event thread).
     *
     * @param createdBy the event's zxid
     */
    void holderCreated(long createdBy) {
        if (zxid != WatchedEvent.NO_ZXID && createdBy == zxid) {
            grantSeen.complete(true);
        }
    }

    /**
     * @param deletedBy the transaction that deleted the lease's holder node
     * @return whether it is this notice's, which the events may still prove: its creation of the holder node is the
     *     next event (a release transaction deletes and creates the holder node one after the other)
     */
    boolean awaitsCreation(long deletedBy) {
        return zxid != WatchedEvent.NO_ZXID && settled && deletedBy == zxid && !grantSeen.isDone();
    }

    /**
     * @return completes when the events showed the grant, or when the reads answered (whichever first; they are
     *     sent now unless the grant was seen): the events of a handover come before the reads' answers
     */
    CompletableFuture<?> settledOrRead() {
        if (grantSeen.isDone()) {
            return grantSeen;
        }
        return CompletableFuture.anyOf(grantSeen, reads());
    }

    /**
     * @param askedHolderData the holder node's data the acquire asks for now
     * @param askedComparable the metadata it asks for, without {@code baton.since}
     * @return whether the events alone showed this store's candidacy handed the lease with what the acquire asks for
     *     (then the token is {@link #zxid()})
     */
    boolean grantedAsAsked(byte[] askedHolderData, Map<String, String> askedComparable) {
        return settled && grantSeen.getNow(false) && Arrays.equals(holderData, askedHolderData)
                && comparable.equals(askedComparable);
    }
}
