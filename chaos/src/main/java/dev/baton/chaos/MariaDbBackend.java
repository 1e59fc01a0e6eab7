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
 * The JDBC backend on MariaDB (Debian's {@code mariadb-server}) in a fresh data directory: the dialect without
 * notifications, so followers learn of a release only at the lease's expiry. The server process is
 * {@code mariadbd} itself (a child of this JVM, so a killed one is reaped and the restart finds its data free); as
 * root it runs with {@code --user=root}. Commits are flushed to the OS at each commit
 * ({@code innodb-flush-log-at-trx-commit=2}): a killed server loses nothing, the host does not crash during a run.
 */
final class MariaDbBackend extends ServerBackend {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String factoryName() {
        return "jdbc";
    }

    @Override
    protected ServerProcess launch() {
        Path data = dir.resolve("data");
        Path init = dir.resolve("init.sql");
        try {
            Files.createDirectories(data);
            Files.writeString(init, String.join("\n",
                    "CREATE DATABASE IF NOT EXISTS baton;",
                    "CREATE USER IF NOT EXISTS 'baton'@'127.0.0.1' IDENTIFIED BY 'baton';",
                    "GRANT ALL ON baton.* TO 'baton'@'127.0.0.1';", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        List<String> install = new ArrayList<>(List.of(Binaries.find("mariadb-install-db", "mariadb-server"),
                "--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=socket", "--skip-test-db"));
        List<String> server = new ArrayList<>(List.of(Binaries.find("mariadbd", "mariadb-server"), "--no-defaults",
                "--datadir=" + data, "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mysqld.sock"), "--pid-file=" + dir.resolve("mysqld.pid"),
                "--init-file=" + init, "--skip-name-resolve", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
                "--innodb-flush-log-at-trx-commit=2", "--max-connections=200"));
        if (ROOT) {
            install.add("--user=root");
            server.add("--user=root");
        }
        run(install);
        return ServerProcess.builder("mariadb")
                .command(server)
                .workingDirectory(dir)
                .readiness(ServerProcess.tcpReady("127.0.0.1", port))
                .readinessTimeout(java.time.Duration.ofSeconds(60))
                .start();
    }

    @Override
    public Map<String, String> config(int clientPort) {
        return Map.of("baton.backend", factoryName(),
                "baton.jdbc.url", "jdbc:mariadb://127.0.0.1:" + clientPort + "/baton",
                "baton.jdbc.user", "baton",
                "baton.jdbc.password", "baton");
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
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
