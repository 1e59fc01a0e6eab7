package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * etcd serving clients over TLS with a certificate from a throw-away CA (made with openssl): the store connects with
 * {@code baton.etcd.tls.ca-file}, and without it (the JVM's trust store does not know that CA) it fails.
 */
class EtcdTlsIT {
    private static final Duration TTL = Duration.ofSeconds(15);
    private static Path dir;
    private static ServerProcess etcd;
    private static String endpoint;

    @BeforeAll
    static void startEtcdWithTls() throws Exception {
        dir = Path.of("target", "etcd", "tls-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.UTF_8);
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=baton-test-ca",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", "server.pem");
        int[] ports = FreePorts.next(2);
        endpoint = "https://127.0.0.1:" + ports[0];
        etcd = ServerProcess.builder("etcd-tls").workingDirectory(dir)
                .command(List.of(EtcdCluster.ETCD, "--name", "tls", "--data-dir", dir.resolve("data").toString(),
                        "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                        "--listen-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-cluster", "tls=http://127.0.0.1:" + ports[1],
                        "--cert-file", dir.resolve("server.pem").toString(),
                        "--key-file", dir.resolve("server.key").toString(),
                        "--logger", "zap", "--log-level", "warn"))
                .readiness(ServerProcess.commandSucceeds(List.of(EtcdCluster.ETCDCTL, "--endpoints=" + endpoint,
                        "--cacert=" + dir.resolve("ca.pem"), "endpoint", "health")))
                .readinessTimeout(Duration.ofSeconds(60)) // generous: only costs time when etcd cannot start
                .start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.kill();
        }
    }

    @Test
    void connectsWithTheConfiguredCa() {
        try (LeaseStore store = new EtcdLeaseStoreFactory().create(EtcdStores.context(endpoint, "/tls/", TTL)
                .with(EtcdLeaseStoreFactory.TLS_CA_FILE, dir.resolve("ca.pem").toString()))) {
            assertEquals("a", store.tryAcquire("job", "a", TTL).orElseThrow().holder());
            assertTrue(store.describe().contains("https://127.0.0.1"), store.describe());
        }
    }

    @Test
    void anUnknownCaIsRefused() {
        // No ca-file: the JVM's default trust store, which does not hold the test CA.
        try (LeaseStore store = new EtcdLeaseStoreFactory().create(EtcdStores.context(endpoint, "/tls/", TTL)
                .with(EtcdLeaseStoreFactory.CALL_TIMEOUT, "1s"))) {
            assertThrows(LeaseStoreException.class, () -> store.read("job"));
        }
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed (Debian package openssl): " + out);
        }
    }
}
