package dev.baton.backend.jdbc;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code metadata} column on MariaDB tables of the previous version. */
@ExtendWith(SharedServers.class)
class MariaDbMetadataColumnIT extends MetadataColumnChecks {
    private static MariaDbServer db;

    @BeforeAll
    static void server(MariaDbServer server) {
        db = server;
    }

    @Override
    TestContext context() {
        return TestContext.mariadb(db);
    }

    @Override
    String url() {
        return db.url();
    }

    @Override
    String user() {
        return MariaDbServer.USER;
    }

    @Override
    String password() {
        return MariaDbServer.PASSWORD;
    }

    @Override
    String previousVersionDdl(String table) {
        // As the version before leader metadata created it.
        String collated = "CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
        return "CREATE TABLE IF NOT EXISTS `" + table + "` (\n"
                + "    lease_name      VARCHAR(600) " + collated + " NOT NULL PRIMARY KEY,\n"
                + "    holder_id       VARCHAR(255) " + collated + " NOT NULL,\n"
                + "    version         BIGINT       NOT NULL,\n"
                + "    acquired_at_utc DATETIME(6)  NOT NULL,\n"
                + "    expires_at_utc  DATETIME(6)  NOT NULL\n"
                + ") ENGINE=InnoDB";
    }

    @Override
    String liveRow(String table, String name, String holder, long version) {
        return "INSERT INTO " + quoted(table) + " VALUES ('" + name + "', '" + holder + "', " + version
                + ", UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 10 MINUTE)";
    }

    @Override
    String display(String table) {
        return MariaDbServer.DATABASE + "." + table;
    }

    @Override
    String quoted(String table) {
        return "`" + table + "`";
    }

    @Override
    String addColumnDdl(String table) {
        return "ALTER TABLE `" + table + "` ADD COLUMN IF NOT EXISTS metadata TEXT NULL";
    }

    @Override
    List<String> columns(String table) {
        return strings("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                + MariaDbServer.DATABASE + "' AND table_name = '" + table + "' ORDER BY ordinal_position");
    }
}
