package dev.baton.backend.azureblob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.engine.Baton;
import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Azurite and the link to it failing under running participants: the emulator killed and restarted, frozen, its data
 * wiped, a lease blob deleted, the connection cut or blackholed (the TCK's {@link TcpProxy}), a wrong account key.
 * The engine must step down by its deadline, recover without an application restart, and fencing tokens must keep
 * increasing.
 *
 * <p>Safety (nobody leads past the deadline of a grant asked for before the fault; tokens grow) is asserted
 * unconditionally; liveness with generous bounds ({@link #LIVENESS}, scaled), which only cost time on failure.
 */
class AzureBlobFaultsIT {
    /** Bound of every wait for something that must happen eventually (scaled by {@link Await}). */
    private static final Duration LIVENESS = Duration.ofSeconds(30);
    /** Call timeout of stores used directly by a test that is not about timing: a slow answer is not a failure. */
    private static final Duration PATIENT_CALL = Duration.ofSeconds(5);
    private static final String WRONG_KEY = "V3Jvbmcta2V5LW5vdC10aGUtZW11bGF0b3JzLWtleS0wMTIzNDU2Nzg5YWJjZGVm";

    private final ElectionSettings settings =
            ElectionSettings.of(Timing.scaled(Duration.ofSeconds(2)), Timing.scaled(Duration.ofMillis(500)));
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private AzuriteServer server;

    @BeforeEach
    void startServer() {
        server = new AzuriteServer().start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    /** A store through {@code port} with the call timeout the factory would choose for the ttl: a third of it. */
    private LeaseStore store(int port) {
        return store(port, settings.ttl().dividedBy(3));
    }

    private LeaseStore store(int port, Duration timeout) {
        LeaseStore s = AzureBlobLeaseStore.builder().connectionString(AzuriteServer.connectionString(port))
                .timeout(timeout).build();
        toClose.add(s);
        return s;
    }

    private LeaderElection participant(String id, String group, int port, List<LeadershipChanged> events) {
        Baton baton = Baton.builder().participant(id).store(store(port)).defaults(settings)
                .shutdownTimeout(Duration.ofSeconds(2)).build();
        toClose.add(baton);
        LeaderElection election = baton.election(group);
        election.onChange(events::add);
        return election;
    }

    private TcpProxy proxy() {
        TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port());
        toClose.add(proxy);
        return proxy;
    }

    /** A participant's tenure as seen at one instant. */
    private record Held(LeaderElection election, long token) {}

    /** @return the participant leading at this instant, with the token of its tenure */
    private static Optional<Held> leading(LeaderElection... elections) {
        for (LeaderElection e : elections) {
            OptionalLong token = e.fencingToken();
            if (token.isPresent()) {
                return Optional.of(new Held(e, token.getAsLong()));
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until none of {@code elections} leads, and fails if any sample taken after {@code latestDeadline} (on
     * {@link System#nanoTime()}) still finds one leading. The sample's time is read before {@code isLeader()}, so a
     * late sample (a busy machine) can only miss a violation, never report a false one.
     */
    private static void awaitNobodyLeadsBy(long latestDeadline, LeaderElection... elections) {
        Await.until("every participant has stepped down", () -> {
            boolean anyLeads = false;
            for (LeaderElection e : elections) {
                long sampledAt = System.nanoTime();
                if (e.isLeader()) {
                    anyLeads = true;
                    if (sampledAt - latestDeadline > 0) {
                        throw new AssertionError(e.participant() + " still leads " + (sampledAt - latestDeadline)
                                / 1_000_000 + " ms after the latest possible deadline of a grant made before the"
                                + " fault");
                    }
                }
            }
            return !anyLeads;
        }, LIVENESS);
    }

    /** The tenure live when the backend went away ends for want of it, and says so. */
    private static void awaitEndedForWantOfBackend(Optional<Held> atFault, List<LeadershipChanged> events) {
        atFault.ifPresent(held -> Await.until(held.election().participant() + " announces why its tenure ended",
                () -> events.stream().anyMatch(e -> e.lost() && e.participant().equals(held.election().participant())
                        && e.fencingToken().equals(OptionalLong.of(held.token()))
                        && (e.cause() == ChangeCause.BACKEND_UNAVAILABLE || e.cause() == ChangeCause.EXPIRED)),
                LIVENESS));
    }

    @Test
    @DisplayName("the leader steps down by its deadline when the emulator is killed; once it is back a leader is "
            + "elected again, without restarting anything, with a greater token")
    void emulatorKilledAndRestarted() throws Exception {
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        LeaderElection a = participant("a", "killed", server.port(), events);
        LeaderElection b = participant("b", "killed", server.port(), events);
        Held first = Await.untilPresent("a leader is elected", () -> leading(a, b), LIVENESS);

        server.process().kill();
        // kill() returns once the emulator is gone, so every grant was asked for before this instant and is trusted
        // for less than a ttl after it; while the emulator is down nobody can get a new one.
        long latestDeadline = System.nanoTime() + settings.ttl().toNanos();
        Optional<Held> atKill = leading(a, b);
        awaitNobodyLeadsBy(latestDeadline, a, b);
        awaitEndedForWantOfBackend(atKill, events);
        long before = Math.max(first.token(), atKill.map(Held::token).orElse(first.token()));

        server.process().restart();
        Held next = Await.untilPresent("a leader after the emulator restarted", () -> leading(a, b), LIVENESS);
        assertTrue(next.token() > before, "token after the restart " + next.token() + " must exceed " + before
                + "; events: " + events);
    }

    @Test
    @DisplayName("a frozen emulator (SIGSTOP): every call ends within the call timeout, the leader steps down by its"
            + " deadline, and leadership returns with a greater token when the emulator resumes")
    void emulatorFrozen() {
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        LeaderElection a = participant("a", "frozen", server.port(), events);
        LeaderElection b = participant("b", "frozen", server.port(), events);
        Held first = Await.untilPresent("a leader is elected", () -> leading(a, b), LIVENESS);
        LeaseStore direct = store(server.port(), Duration.ofMillis(500));

        server.process().pause();
        try {
            long latestDeadline = System.nanoTime() + settings.ttl().toNanos();
            Optional<Held> atPause = leading(a, b);
            long t0 = System.nanoTime();
            LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> direct.read("frozen"));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(direct.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(2)))) <= 0,
                    "a call to the frozen emulator took " + took.toMillis() + " ms; the timeout is 500 ms");
            assertTrue(e.getMessage().contains("read of lease 'frozen'"), e.getMessage());
            awaitNobodyLeadsBy(latestDeadline, a, b);
            awaitEndedForWantOfBackend(atPause, events);
        } finally {
            server.process().resume();
        }
        Held next = Await.untilPresent("a leader after the emulator resumed", () -> leading(a, b), LIVENESS);
        assertTrue(next.token() >= first.token(), "tokens never go back: " + next.token() + " < " + first.token());
    }

    @Test
    @DisplayName("a leader whose connections are reset and refused steps down by its deadline; another takes over"
            + " with a greater token; restored, the old leader follows the new one")
    void connectionCut() {
        faultyLink(TcpProxy::cut);
    }

    @Test
    @DisplayName("a leader whose connections are blackholed (a partition) steps down by its deadline; another takes"
            + " over with a greater token; restored, the old leader follows the new one")
    void connectionBlackholed() {
        faultyLink(TcpProxy::blackhole);
    }

    private void faultyLink(java.util.function.Consumer<TcpProxy> fault) {
        TcpProxy proxy = proxy();
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        LeaderElection a = participant("a", "link", proxy.port(), events);
        Held first = Await.untilPresent("a leads alone", () -> leading(a), LIVENESS);
        LeaderElection b = participant("b", "link", server.port(), events);

        fault.accept(proxy);
        long latestDeadline = System.nanoTime() + settings.ttl().toNanos();
        Await.until("a steps down", () -> {
            long sampledAt = System.nanoTime();
            if (a.isLeader() && sampledAt - latestDeadline > 0) {
                throw new AssertionError("a still leads " + (sampledAt - latestDeadline) / 1_000_000
                        + " ms after the latest deadline of a grant asked for before its link failed");
            }
            return !a.isLeader();
        }, LIVENESS);
        Held next = Await.untilPresent("b takes over", () -> leading(b), LIVENESS);
        assertTrue(next.token() > first.token(), next.token() + " must exceed " + first.token());
        assertFalse(a.isLeader() && b.isLeader(), "two leaders at once");

        proxy.restore();
        Await.until("a follows b once its link is back", () -> a.leader().equals(Optional.of("b")), LIVENESS);
        assertFalse(a.isLeader(), "a leads while b holds the lease");
    }

    @Test
    @DisplayName("a wrong account key fails creation naming the key, masked; a store built with it fails each call"
            + " with the same clear error; no message shows a key")
    void wrongKey() {
        String wrong = AzuriteServer.connectionString(server.port()).replace(AzuriteServer.KEY, WRONG_KEY);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new AzureBlobLeaseStoreFactory().create(new MapStoreContext()
                        .with(AzureBlobLeaseStoreFactory.CONNECTION_STRING_KEY, wrong)
                        .with(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, "5s")));
        assertEquals(AzureBlobLeaseStoreFactory.CONNECTION_STRING_KEY, e.key());
        assertTrue(e.getMessage().contains("refused the credentials (403"), e.getMessage());
        assertTrue(e.getMessage().contains("AccountKey=***"), e.getMessage());
        assertNoKey(e.getMessage());

        LeaseStore s = AzureBlobLeaseStore.builder().connectionString(wrong).timeout(PATIENT_CALL).build();
        toClose.add(s);
        LeaseStoreException failure = assertThrows(LeaseStoreException.class,
                () -> s.tryAcquire("secret", "a", Duration.ofSeconds(5)));
        assertInstanceOf(CredentialsRejectedException.class, failure);
        assertTrue(failure.getMessage().contains("acquire of lease 'secret'"), failure.getMessage());
        assertNoKey(failure.getMessage());
        assertNoKey(s.describe());
    }

    private static void assertNoKey(String text) {
        assertFalse(text.contains(WRONG_KEY), () -> "shows the key: " + text);
        assertFalse(text.contains(AzuriteServer.KEY), () -> "shows the key: " + text);
    }

    @Test
    @DisplayName("a held lease's blob cannot be deleted without breaking its blob lease; deleted anyway, the holder's"
            + " renewal is refused and the next grant has a greater token")
    void blobDeletedUnderHolder() {
        LeaseStore first = store(server.port(), PATIENT_CALL);
        LeaseStore second = store(server.port(), PATIENT_CALL);
        Duration ttl = Duration.ofSeconds(30);
        LeaseRecord r1 = first.tryAcquire("deleted", "a", ttl).orElseThrow();

        BlobClient blob = new BlobServiceClientBuilder().connectionString(server.connectionString()).buildClient()
                .getBlobContainerClient(BlobNames.DEFAULT_CONTAINER)
                .getBlobClient(BlobNames.of(BlobNames.DEFAULT_PREFIX).blob("deleted"));
        BlobStorageException refused = assertThrows(BlobStorageException.class, blob::delete);
        assertEquals(412, refused.getStatusCode(), "a leased blob is deleted only with its lease id");
        new BlobLeaseClientBuilder().blobClient(blob).buildClient()
                .breakLeaseWithResponse(0, null, null, com.azure.core.util.Context.NONE);
        blob.delete();

        assertEquals(Optional.empty(), first.renew("deleted", "a", r1.token(), ttl), "the lease is gone");
        LeaseRecord r2 = second.tryAcquire("deleted", "b", ttl).orElseThrow();
        assertEquals("b", r2.holder());
        assertTrue(r2.token() > r1.token(), r2.token() + " must exceed " + r1.token());
    }

    @Test
    @DisplayName("tokens keep increasing when the emulator loses all its data (killed, folder wiped, restarted)")
    void tokensSurviveDataLoss() throws IOException {
        LeaseStore first = store(server.port(), PATIENT_CALL);
        Duration ttl = Duration.ofSeconds(30);
        LeaseRecord r1 = first.tryAcquire("data-loss", "a", ttl).orElseThrow();

        server.process().kill();
        Path dir = Path.of("target", "azurite", "port-" + server.port());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && !p.getFileName().toString().endsWith(".log")) {
                    Files.delete(p);
                }
            }
        }
        server.process().restart();
        LeaseStore second = store(server.port(), PATIENT_CALL);
        LeaseRecord r2 = Await.untilPresent("an acquire after the restart", () -> {
            try {
                return second.tryAcquire("data-loss", "b", ttl);
            } catch (LeaseStoreException e) {
                return Optional.empty(); // the emulator is starting
            }
        }, LIVENESS);
        assertEquals("b", r2.holder(), "the emptied emulator forgot a's lease");
        assertTrue(r2.token() > r1.token(), r2.token() + " must exceed " + r1.token());
    }
}
