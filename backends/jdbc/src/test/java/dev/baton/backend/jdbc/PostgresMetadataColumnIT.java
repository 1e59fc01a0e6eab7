package dev.baton.backend.jdbc;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code metadata} column on PostgreSQL tables of the previous version. */
@ExtendWith(SharedServers.class)
class PostgresMetadataColumnIT extends MetadataColumnChecks {
    private static PostgresServer pg;

    @BeforeAll
    static void server(PostgresServer server) {
        pg = server;
    }

    @Override
    TestContext context() {
        return TestContext.postgres(pg);
    }

    @Override
    String url() {
        return pg.url();
    }

    @Override
    String user() {
        return PostgresServer.USER;
    }

    @Override
    String password() {
        return PostgresServer.PASSWORD;
    }

    @Override
    String previousVersionDdl(String table) {
        // As the version before leader metadata created it (its README's DDL).
        return "CREATE TABLE IF NOT EXISTS \"public\".\"" + table + "\" (\n"
                + "    lease_name      text        PRIMARY KEY,\n"
                + "    holder_id       text        NOT NULL,\n"
                + "    version         bigint      NOT NULL,\n"
                + "    acquired_at_utc timestamptz NOT NULL,\n"
                + "    expires_at_utc  timestamptz NOT NULL\n"
                + ")";
    }

    @Override
    String liveRow(String table, String name, String holder, long version) {
        return "INSERT INTO " + quoted(table) + " VALUES ('" + name + "', '" + holder + "', " + version
                + ", now(), now() + interval '10 minutes')";
    }

    @Override
    String display(String table) {
        return "public." + table;
    }

    @Override
    String quoted(String table) {
        return "\"public\".\"" + table + "\"";
    }

    @Override
    String addColumnDdl(String table) {
        return "ALTER TABLE \"public\".\"" + table + "\" ADD COLUMN IF NOT EXISTS metadata text";
    }

    @Override
    List<String> columns(String table) {
        return strings("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name = '" + table + "' ORDER BY ordinal_position");
    }
}
