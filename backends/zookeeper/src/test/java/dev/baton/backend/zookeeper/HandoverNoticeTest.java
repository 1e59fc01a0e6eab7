package dev.baton.backend.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.WatchedEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When the watch's events alone may prove a handover ({@link HandoverNotice}), and when the reads must decide. */
class HandoverNoticeTest {
    private static final byte[] DATA = new ZkLeaseData(2000, "b").encode();
    private static final Map<String, String> METADATA = Map.of("url", "b");

    private static HandoverNotice notice(long zxid, boolean settled, CompletableFuture<CuratorEvent[]> reads) {
        return notice(zxid, settled, reads, new AtomicInteger());
    }

    private static HandoverNotice notice(long zxid, boolean settled, CompletableFuture<CuratorEvent[]> reads,
            AtomicInteger sent) {
        return new HandoverNotice(zxid, DATA, METADATA, settled, () -> {
            sent.incrementAndGet();
            return reads;
        });
    }

    @Test
    @DisplayName("the candidacy's deletion and the holder node's creation in one transaction prove the grant")
    void sameTransactionProvesIt() {
        AtomicInteger sent = new AtomicInteger();
        HandoverNotice n = notice(42, true, new CompletableFuture<>(), sent);
        assertEquals(0, sent.get(), "no reads while the events may settle it");
        assertFalse(n.grantedAsAsked(DATA, METADATA), "not before the holder node's creation");
        n.holderCreated(42);
        assertTrue(n.settledOrRead().isDone());
        assertTrue(n.grantedAsAsked(DATA, METADATA));
        assertEquals(0, sent.get(), "no request at all");
    }

    @Test
    @DisplayName("the holder node's deletion by the same transaction defers the wake-up to its creation, only then")
    void deletionAwaitsTheCreation() {
        HandoverNotice n = notice(42, true, new CompletableFuture<>());
        assertFalse(n.awaitsCreation(41), "another transaction's deletion wakes the election");
        assertTrue(n.awaitsCreation(42));
        n.holderCreated(42);
        assertFalse(n.awaitsCreation(42), "seen: nothing left to wait for");
        assertFalse(notice(WatchedEvent.NO_ZXID, true, new CompletableFuture<>()).awaitsCreation(WatchedEvent.NO_ZXID),
                "no zxid: nothing to wait for");
        assertFalse(notice(42, false, new CompletableFuture<>()).awaitsCreation(42), "unsettled: the reads decide");
    }

    @Test
    @DisplayName("an acquire that comes before the holder node's creation is seen sends the reads and waits for either")
    void earlyAcquireSendsTheReads() {
        AtomicInteger sent = new AtomicInteger();
        HandoverNotice n = notice(42, true, new CompletableFuture<>(), sent);
        CompletableFuture<?> waiting = n.settledOrRead();
        assertEquals(1, sent.get());
        assertFalse(waiting.isDone());
        n.holderCreated(42);
        assertTrue(waiting.isDone(), "the event settles it first");
        assertTrue(n.grantedAsAsked(DATA, METADATA));
        n.reads();
        assertEquals(1, sent.get(), "sent once");
    }

    @Test
    @DisplayName("a holder node created by another transaction proves nothing: the reads decide")
    void otherTransactionProvesNothing() {
        CompletableFuture<CuratorEvent[]> reads = new CompletableFuture<>();
        HandoverNotice n = notice(42, true, reads);
        n.holderCreated(43);
        assertFalse(n.settledOrRead().isDone(), "waits for the reads");
        reads.complete(new CuratorEvent[0]);
        assertTrue(n.settledOrRead().isDone());
        assertFalse(n.grantedAsAsked(DATA, METADATA));
        assertSame(reads, n.reads());
    }

    @Test
    @DisplayName("a server that sends no zxid (before ZooKeeper 3.9) proves nothing")
    void noZxidProvesNothing() {
        AtomicInteger sent = new AtomicInteger();
        HandoverNotice n = notice(WatchedEvent.NO_ZXID, true, new CompletableFuture<>(), sent);
        assertEquals(1, sent.get(), "the reads go out at once, from the event");
        n.holderCreated(WatchedEvent.NO_ZXID);
        assertFalse(n.settledOrRead().isDone());
        assertFalse(n.grantedAsAsked(DATA, METADATA));
    }

    @Test
    @DisplayName("a candidacy whose write was not answered may have been handed with earlier data: the reads decide")
    void unsettledCandidacyProvesNothing() {
        AtomicInteger sent = new AtomicInteger();
        HandoverNotice n = notice(42, false, new CompletableFuture<>(), sent);
        assertEquals(1, sent.get(), "the reads go out at once, from the event");
        n.holderCreated(42);
        assertFalse(n.grantedAsAsked(DATA, METADATA));
    }

    @Test
    @DisplayName("an acquire asking for another ttl or other metadata than the candidacy did is not granted by sight")
    void otherRequestIsNotGranted() {
        HandoverNotice n = notice(42, true, new CompletableFuture<>());
        n.holderCreated(42);
        assertFalse(n.grantedAsAsked(new ZkLeaseData(3000, "b").encode(), METADATA), "other ttl");
        assertFalse(n.grantedAsAsked(DATA, Map.of("url", "new")), "other metadata");
        assertTrue(n.grantedAsAsked(DATA, METADATA));
    }
}
