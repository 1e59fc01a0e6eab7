package dev.baton.chaos;

import dev.baton.tck.fixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The JDBC backend on PostgreSQL (Debian's {@code postgresql}) in a fresh data directory. As root, {@code initdb}
 * and {@code postgres} run as the {@code postgres} user (PostgreSQL refuses root). {@code fsync=off}: a killed
 * process loses nothing the kernel already has, and the host does not crash during a run.
 */
final class PostgresBackend extends ServerBackend {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

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
        if (ROOT) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        run(asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "baton", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        return ServerProcess.builder("postgres")
                .command(execAsPostgres(bin.resolve("postgres").toString(), "-D", data.toString(), "-p",
                        Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
                        "-c", "fsync=off", "-c", "max_connections=100", "-c", "shared_buffers=32MB"))
                .workingDirectory(dir)
                .readiness(ServerProcess.commandSucceeds(List.of(bin.resolve("pg_isready").toString(), "-q",
                        "-h", "127.0.0.1", "-p", Integer.toString(port))))
                .start();
    }

    @Override
    public Map<String, String> config(int clientPort) {
        return Map.of("baton.backend", "jdbc",
                "baton.jdbc.url", "jdbc:postgresql://127.0.0.1:" + clientPort + "/postgres",
                "baton.jdbc.user", "baton");
    }

    private static List<String> asPostgres(String... command) {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    /**
     * Like {@link #asPostgres} but {@code setpriv} execs, so the server process is postgres itself and a child of
     * this JVM. With {@code runuser} (which forks) a killed postmaster is orphaned; where PID 1 does not reap orphans
     * (some container and VM init processes) it stays a zombie, its PID looks alive, and the restarted server
     * refuses the data directory ("Is another postmaster running?").
     */
    private static List<String> execAsPostgres(String... command) {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + new String(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }
}
