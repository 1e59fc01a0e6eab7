package dev.baton.chaos;

import dev.baton.testfixtures.Commands;
import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The JDBC backend on PostgreSQL (Debian's {@code postgresql}) in a fresh data directory. As root, {@code initdb}
 * and {@code postgres} run as the {@code postgres} user ({@link Commands#asUser}: the server is this JVM's own child,
 * so a killed one is reaped and a restart finds its data directory free; PostgreSQL refuses root). {@code fsync=off}: a killed
 * process loses nothing the kernel already has, and the host does not crash during a run.
 */
final class PostgresBackend extends ServerBackend {
    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    protected ServerProcess launch() {
        Path bin = Binaries.postgresBin();
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + data, e);
        }
        if (Commands.isRoot()) {
            Commands.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), Duration.ofSeconds(60));
        }
        Commands.run(Commands.asUser("postgres", bin.resolve("initdb").toString(), "-D", data.toString(), "-U",
                "baton", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"), Duration.ofSeconds(60));
        return ServerProcess.builder("postgres")
                .command(Commands.asUser("postgres", bin.resolve("postgres").toString(), "-D", data.toString(), "-p",
                        Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
                        "-c", "fsync=off", "-c", "max_connections=100", "-c", "shared_buffers=32MB"))
                .workingDirectory(dir)
                // First start and restarts after a kill, on a busy machine: generous, scaled; only a failure waits.
                .readinessTimeout(Duration.ofSeconds(120))
                .readiness(ServerProcess.commandSucceeds(List.of(bin.resolve("pg_isready").toString(), "-q",
                        "-h", "127.0.0.1", "-p", Integer.toString(port))))
                .start();
    }

    @Override
    public Map<String, String> config(int participant, int clientPort) {
        return Map.of("baton.backend", "jdbc",
                "baton.jdbc.url", "jdbc:postgresql://127.0.0.1:" + clientPort + "/postgres",
                "baton.jdbc.user", "baton");
    }
}
