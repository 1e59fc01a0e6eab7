package dev.baton.backend.jdbc;

import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.MariaDbProcess;
import dev.baton.testfixtures.ServerProcess;
import java.nio.file.Path;
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

    private final Path dir;
    private final int port;
    private final ServerProcess process;

    private MariaDbServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.process = MariaDbProcess.start(dir, port, List.of(
                "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";",
                "CREATE DATABASE IF NOT EXISTS baton_other;",
                "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';",
                "GRANT ALL ON " + DATABASE + ".* TO '" + USER + "'@'127.0.0.1';",
                "GRANT ALL ON baton_other.* TO '" + USER + "'@'127.0.0.1';"));
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
        return url(port);
    }

    static String url(int port) {
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
