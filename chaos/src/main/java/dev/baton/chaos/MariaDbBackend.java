package dev.baton.chaos;

import dev.baton.testfixtures.MariaDbProcess;
import dev.baton.testfixtures.ServerProcess;
import java.util.List;
import java.util.Map;

/**
 * The JDBC backend on MariaDB ({@link MariaDbProcess}) in a fresh data directory: the dialect without notifications,
 * so followers learn of a release only at the lease's expiry.
 */
final class MariaDbBackend extends ServerBackend {
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
        return MariaDbProcess.start(dir, port, List.of(
                "CREATE DATABASE IF NOT EXISTS baton;",
                "CREATE USER IF NOT EXISTS 'baton'@'127.0.0.1' IDENTIFIED BY 'baton';",
                "GRANT ALL ON baton.* TO 'baton'@'127.0.0.1';"));
    }

    @Override
    public Map<String, String> config(int participant, int clientPort) {
        return Map.of("baton.backend", factoryName(),
                "baton.jdbc.url", "jdbc:mariadb://127.0.0.1:" + clientPort + "/baton",
                "baton.jdbc.user", "baton",
                "baton.jdbc.password", "baton");
    }
}
