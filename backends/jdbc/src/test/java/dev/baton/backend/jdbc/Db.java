package dev.baton.backend.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** Plain JDBC for test set-up: runs statements as the test user, outside any lease store. */
final class Db {
    private static final AtomicInteger TABLES = new AtomicInteger();

    private Db() {}

    static void exec(String url, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    static void exec(PostgresServer pg, String sql) {
        exec(pg.url(), PostgresServer.USER, PostgresServer.PASSWORD, sql);
    }

    static void exec(MariaDbServer db, String sql) {
        exec(db.url(), MariaDbServer.USER, MariaDbServer.PASSWORD, sql);
    }

    /** @return a table name no other test of this run uses */
    static String uniqueTable(String hint) {
        return "t_" + hint + "_" + Long.toString(System.nanoTime() & 0xFFFFFFFFFL, 36) + "_"
                + TABLES.incrementAndGet();
    }

    /** @return the DDL quoted in a missing-table message */
    static String ddlFrom(String message) {
        int i = message.indexOf("create it with: ");
        if (i < 0) {
            throw new AssertionError("the message does not give the DDL: " + message);
        }
        return message.substring(i + "create it with: ".length());
    }
}
