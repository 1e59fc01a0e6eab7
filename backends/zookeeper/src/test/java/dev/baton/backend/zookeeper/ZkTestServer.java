package dev.baton.backend.zookeeper;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper server in this JVM (Curator's {@link TestingServer}) on a free port with its data under
 * {@code target/}, started once per test class and stopped after it. Ticks are short (100 ms) so sessions can be as
 * short as 200 ms and expire promptly; the maximum session timeout is raised to 60 s for the TCK's long leases.
 */
public final class ZkTestServer implements BeforeAllCallback, AfterAllCallback {
    private TestingServer server;
    private InstanceSpec spec;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass().getSimpleName());
    }

    /** Starts the server (tests that want it outside JUnit's lifecycle). */
    public ZkTestServer start(String name) throws Exception {
        return startOnPort(name, InstanceSpec.getRandomPort());
    }

    /** Starts the server on a given port (a client may already be waiting for it there). */
    public ZkTestServer startOnPort(String name, int port) throws Exception {
        Path data = Files.createDirectories(Path.of("target", "zookeeper", name + "-" + System.nanoTime()));
        File dir = data.toFile();
        spec = new InstanceSpec(dir, port, -1, -1, true, -1, 100, -1,
                Map.of("minSessionTimeout", "200", "maxSessionTimeout", "60000"));
        server = new TestingServer(spec, true);
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Opens a store on this server with the module tests' timings (session 40 s, so no session expires while a test
     * runs; call timeout 5 s); the caller closes it.
     *
     * @param root the store's root node, one per test class
     */
    public ZooKeeperLeaseStore openStore(String root) {
        return ZooKeeperLeaseStoreFactory.open(connectString(), root, Optional.empty(), Duration.ofSeconds(40),
                Duration.ofSeconds(5));
    }

    public String connectString() {
        return server.getConnectString();
    }

    public int port() {
        return server.getPort();
    }

    public void stop() throws Exception {
        server.stop();
    }

    public void restart() throws Exception {
        server.restart();
    }
}
