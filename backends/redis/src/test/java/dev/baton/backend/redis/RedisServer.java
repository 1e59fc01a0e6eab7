package dev.baton.backend.redis;

import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (Debian's package) started by the test on a free loopback port, in a folder under
 * {@code target/} emptied at the first start. By default without persistence ({@code --save "" --appendonly no}): a
 * restart loses every key, which is the case the fencing-token design and the restart quarantine must survive (and a
 * store in its default {@link RestartQuarantine#AUTO} mode grants nothing for a ttl after the server started);
 * {@link #appendOnly} keeps an append-only file fsynced on every write, as production should. Use it as a static
 * {@code @RegisterExtension} (one server per test class) or start and close it by hand.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    /** Where Debian puts the binary; {@code PATH} is searched too. */
    private static final List<String> CANDIDATES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

    private final List<String> extraArgs;
    private int port;
    /** How many test classes (an outer one and its {@code @Nested} ones) are using the server now. */
    private int users;
    private ServerProcess process;

    /** @param extraArgs more {@code redis-server} arguments, e.g. {@code "--requirepass", "secret"} */
    public RedisServer(String... extraArgs) {
        this.extraArgs = List.of(extraArgs);
    }

    /**
     * A server that keeps an append-only file fsynced on every write ({@code --appendonly yes --appendfsync always}):
     * a restart, even after {@code SIGKILL}, keeps every acknowledged write, so stores in their default
     * {@link RestartQuarantine#AUTO} mode grant at once, also on a new server.
     *
     * @param extraArgs more arguments
     * @return the server, not started
     */
    public static RedisServer appendOnly(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--appendonly", "yes", "--appendfsync", "always"));
        args.addAll(List.of(extraArgs));
        return new RedisServer(args.toArray(String[]::new));
    }

    /**
     * A server that will listen on {@code port} once {@link #start() started}, for tests that need the address
     * before the server exists.
     *
     * @param port the port
     * @param extraArgs more arguments
     * @return the server, not started
     */
    public static RedisServer onPort(int port, String... extraArgs) {
        RedisServer server = new RedisServer(extraArgs);
        server.port = port;
        return server;
    }

    /**
     * Starts the server for the outermost test class only: JUnit calls a static extension of an enclosing class again
     * for each {@code @Nested} class, and a second start on the same port failed ("Address already in use") whenever
     * the new process exited before the readiness probe reached the first one, and leaked that first process.
     */
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
     * Starts the server in an empty folder (an append-only file left by an earlier run on the same port would
     * otherwise be loaded); fails naming the Debian package when the binary is missing.
     *
     * @return this server
     */
    public RedisServer start() {
        if (port == 0) {
            port = FreePorts.next();
        }
        Path dir = Path.of("target", "redis-servers", "port-" + port).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--logfile", ""));
        command.addAll(extraArgs);
        process = ServerProcess.builder("redis-" + port).command(command).workingDirectory(dir)
                .readiness(ServerProcess.tcpReady("127.0.0.1", port))
                // Generous: only costs time when the server cannot start (then the error shows its log).
                .readinessTimeout(Duration.ofSeconds(60))
                .stopTimeout(Duration.ofSeconds(5))
                .start();
        return this;
    }

    /** @return the path of redis-server; fails naming the Debian package when it is missing */
    public static String binary() {
        for (String c : CANDIDATES) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("redis-server is not installed: install the Debian package redis-server "
                + "(apt-get install -y redis-server); the Redis backend's tests start their own server");
    }

    /** @return the server's port */
    public int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return the running process, for faults (pause, kill) */
    public ServerProcess process() {
        return process;
    }

    /** Stops the server (its data is lost unless it is {@linkplain #appendOnly append-only}). */
    public void stop() {
        process.stop();
    }

    /** Starts the stopped server again on the same port: empty, or with its append-only file replayed. */
    public void startAgain() {
        process.restart();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
