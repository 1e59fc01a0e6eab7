package dev.baton.backend.azureblob;

import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Azurite, Microsoft's storage emulator (npm package {@code azurite}, installed by {@code .ci/run}), its blob service
 * started by the test on a free loopback port with its data in a fresh folder under {@code target/}. Azurite keeps
 * its metadata in memory and saves it to that folder every 5 s and when it is stopped with SIGTERM: a {@code kill -9}
 * loses up to the last 5 s of writes (the real service keeps every acknowledged write; the chaos run keeps Azurite's
 * metadata in MariaDB for that reason). Use it as a static
 * {@code @RegisterExtension} (one emulator per test class) or start and close it by hand.
 */
public final class AzuriteServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    /** The emulator's well-known development account and key (public, documented by Microsoft). */
    public static final String ACCOUNT = "devstoreaccount1";
    /** The development account's key. */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final List<String> CANDIDATES = List.of("/usr/bin/azurite-blob", "/usr/local/bin/azurite-blob");

    private int port;
    private ServerProcess process;
    /** How many test classes (an outer one and its {@code @Nested} ones) are using the emulator now. */
    private int users;


    /** Starts the emulator for the outermost test class; {@code @Nested} classes share it. */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (users++ == 0) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--users == 0) {
            close();
        }
    }

    /**
     * Starts the emulator; fails naming the npm package when it is missing.
     *
     * @return this server
     */
    public AzuriteServer start() {
        if (port == 0) {
            port = FreePorts.next();
        }
        Path dir = Path.of("target", "azurite", "port-" + port).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(binary(), "--blobHost", "127.0.0.1",
                "--blobPort", Integer.toString(port), "--location", dir.toString(),
                // The SDK speaks a newer API version than this Azurite knows; the operations Baton uses are old.
                "--skipApiVersionCheck", "--disableTelemetry", "--silent"));
        process = ServerProcess.builder("azurite-" + port).command(command).workingDirectory(dir)
                .readiness(ServerProcess.tcpReady("127.0.0.1", port))
                // Generous: only costs time when the emulator cannot start (then the error shows its log).
                .readinessTimeout(Duration.ofSeconds(60))
                .stopTimeout(Duration.ofSeconds(10))
                .start();
        return this;
    }

    /** @return the path of azurite-blob; fails naming the npm package when it is missing */
    public static String binary() {
        for (String c : CANDIDATES) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "azurite-blob");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("azurite-blob is not installed: install the npm package azurite"
                + " (npm install -g azurite@3.37.0, as .ci/run does); the Azure Blob backend's tests start their own"
                + " emulator");
    }

    /** @return the emulator's port */
    public int port() {
        return port;
    }

    /** @return the connection string of the development account on the emulator's port */
    public String connectionString() {
        return connectionString(port);
    }

    /**
     * @param port a port that leads to the emulator (its own, or a proxy's)
     * @return the connection string of the development account through that port
     */
    public static String connectionString(int port) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + endpoint(port) + ";";
    }

    /**
     * @param port a port that leads to the emulator
     * @return the blob endpoint of the development account through that port
     */
    public static String endpoint(int port) {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** @return the running process, for faults (pause, kill) */
    public ServerProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
