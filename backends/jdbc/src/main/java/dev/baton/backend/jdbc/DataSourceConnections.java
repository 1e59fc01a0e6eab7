package dev.baton.backend.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Connections from a {@code DataSource} the container or the application owns (a JNDI name or a CDI bean). Each
 * operation borrows one connection and returns it at once; the wait for a free connection is bounded by the
 * operation's budget, so a saturated pool makes the operation fail in time (and a leader step down by its deadline)
 * instead of hanging. To keep renewals independent of the application's load, give Baton a pool of its own
 * (a separate JNDI {@code DataSource} of two or three connections) or a URL.
 */
final class DataSourceConnections extends ConnectionSource {

    private final DataSource dataSource;
    private final String label;

    DataSourceConnections(DataSource dataSource, String label) {
        this.dataSource = dataSource;
        this.label = label;
    }

    @Override
    Borrowed borrow(Duration limit) throws SQLException {
        Connection c = opener.open(dataSource::getConnection, limit, "a connection from " + label);
        try {
            int network = c.getNetworkTimeout();
            boolean autoCommit = c.getAutoCommit();
            if (!autoCommit) {
                c.setAutoCommit(true);
            }
            return new Borrowed(c, network, autoCommit);
        } catch (SQLException | RuntimeException e) {
            BoundedOpener.closeQuietly(c);
            throw e;
        }
    }

    @Override
    void giveBack(Borrowed borrowed, boolean healthy) {
        Connection c = borrowed.connection();
        if (healthy) {
            try {
                c.setNetworkTimeout(DIRECT, borrowed.savedNetworkTimeout());
                if (!borrowed.savedAutoCommit()) {
                    c.setAutoCommit(false);
                }
            } catch (SQLException | RuntimeException e) {
                // The pool validates connections it gets back; a broken one is its to drop.
            }
        }
        BoundedOpener.closeQuietly(c);
    }

    @Override
    Connection openDedicated(Duration limit) throws SQLException {
        return opener.open(dataSource::getConnection, limit, "a connection from " + label);
    }

    @Override
    Object database() {
        return dataSource;
    }

    @Override
    Optional<Dialect> knownDialect() {
        return Optional.empty();
    }

    @Override
    String describe() {
        return label;
    }
}
