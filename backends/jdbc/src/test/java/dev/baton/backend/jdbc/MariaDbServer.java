package dev.baton.backend.jdbc;

import dev.baton.tck.fixtures.FreePorts;
import dev.baton.tck.fixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real MariaDB (Debian's {@code mariadb-server} package) in a fresh data directory under {@code target/servers},
 * on a free loopback port. An init file creates the database {@code baton} and a password-authenticated user
 * {@code baton} allowed only there, so the tests connect as an ordinary application would.
 */
public final class MariaDbServer implements AutoCloseable {
    public static final String USER = "baton";
    public static final String PASSWORD = "maria-test-secret-2c9";
    static final String DATABASE = "baton";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dir;
    private final int port;
    private final ServerProcess process;

    private MariaDbServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        Path data = dir.resolve("data");
        String installDb = binary("/usr/bin/mariadb-install-db");
        String server = binary("/usr/sbin/mariadbd");
        try {
            Files.createDirectories(data);
            Path init = dir.resolve("init.sql");
            Files.writeString(init, String.join("\n",
                    "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";",
                    "CREATE DATABASE IF NOT EXISTS baton_other;",
                    "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';",
                    "GRANT ALL ON " + DATABASE + ".* TO '" + USER + "'@'127.0.0.1';",
                    "GRANT ALL ON baton_other.* TO '" + USER + "'@'127.0.0.1';", ""));
            List<String> install = new ArrayList<>(List.of(installDb, "--no-defaults", "--datadir=" + data,
                    "--auth-root-authentication-method=socket", "--skip-test-db"));
            if (ROOT) {
                install.add("--user=root");
            }
            PostgresServer.run(install);
            List<String> command = new ArrayList<>(List.of(server, "--no-defaults", "--datadir=" + data,
                    "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
                    "--pid-file=" + dir.resolve("mysqld.pid"), "--init-file=" + init, "--skip-name-resolve",
                    "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
                    "--innodb-flush-log-at-trx-commit=2", "--max-connections=300"));
            if (ROOT) {
                command.add("--user=root");
            }
            process = ServerProcess.builder("mariadb-" + port)
                    .command(command)
                    .workingDirectory(dir)
                    .logDirectory(dir)
                    .readiness(ServerProcess.tcpReady("127.0.0.1", port))
                    .readinessTimeout(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " not found: install the Debian package 'mariadb-server' "
                    + "(apt-get install -y mariadb-server)");
        }
        return path;
    }

    /** @return a started server on a free port */
    public static MariaDbServer start() {
        return new MariaDbServer(TestDirs.fresh("mariadb"), FreePorts.next());
    }

    ServerProcess process() {
        return process;
    }

    int port() {
        return port;
    }

    public String url() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        process.close();
        TestDirs.deleteQuietly(dir.resolve("data"));
    }
}
