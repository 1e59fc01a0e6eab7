package dev.baton.backend.jdbc;

import dev.baton.testfixtures.Commands;
import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import dev.baton.tck.fixtures.Timing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian's {@code postgresql} package, any version under {@code /usr/lib/postgresql}) in a fresh
 * data directory under {@code target/servers}, on a free loopback port, with password (SCRAM) authentication for
 * TCP clients. As root, {@code initdb} and {@code postgres} run as the {@code postgres} user
 * ({@link Commands#asUser}; PostgreSQL refuses to run as root).
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "baton";
    public static final String PASSWORD = "pg-test-secret-7f3";

    private final Path dir;
    private final Path data;
    private final int port;
    private ServerProcess process;

    private PostgresServer(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** @return a started server on a free port */
    public static PostgresServer start() {
        return start(FreePorts.next());
    }

    /**
     * @param port the port to listen on
     * @return a started server
     */
    static PostgresServer start(int port) {
        PostgresServer s = new PostgresServer(TestDirs.fresh("pg"), port);
        s.init();
        s.launch();
        return s;
    }

    static Path bin() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql: "
                    + "install the Debian package 'postgresql' (apt-get install -y postgresql)", e);
        }
    }

    private void init() {
        try {
            Files.createDirectories(data);
            Path pw = dir.resolve("pwfile");
            Files.writeString(pw, PASSWORD + "\n");
            if (Commands.isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            }
            run(Commands.asUser("postgres", bin().resolve("initdb").toString(), "-D", data.toString(), "-U",
                    USER, "--pwfile=" + pw, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() {
        process = ServerProcess.builder("postgres-" + port)
                .command(Commands.asUser("postgres", bin().resolve("postgres").toString(), "-D", data.toString(),
                        "-p", String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
                        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                        "-c", "max_connections=200", "-c", "shared_buffers=32MB"))
                .workingDirectory(dir)
                .logDirectory(dir)
                .readiness(ServerProcess.commandSucceeds(List.of(bin().resolve("pg_isready").toString(), "-q",
                        "-h", "127.0.0.1", "-p", String.valueOf(port))))
                // Scaled by ServerProcess; generous, since a start (or a restart that recovers) on a busy machine
                // can take many seconds, and the wait ends as soon as pg_isready answers.
                .readinessTimeout(Duration.ofSeconds(60))
                .start();
    }

    /** Stops the server cleanly (fast mode: sessions are ended) and starts it again on the same port and data. */
    void restart() {
        stop();
        launch();
    }

    /** Stops the server cleanly; its data stays. */
    void stop() {
        if (process != null && process.isAlive()) {
            if (process.isPaused()) {
                process.resume();
            }
            run(Commands.asUser("postgres", bin().resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m",
                    "fast", "-w"));
            process.stop();
        }
    }

    /** Starts a stopped server again. */
    void startAgain() {
        launch();
    }

    ServerProcess process() {
        return process;
    }

    int port() {
        return port;
    }

    public String url() {
        return url(port);
    }

    static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (process != null) {
                process.close();
            }
            TestDirs.deleteQuietly(data);
        }
    }

    static void run(List<String> command) {
        Commands.run(command, Timing.scaled(Duration.ofSeconds(120)));
    }
}
