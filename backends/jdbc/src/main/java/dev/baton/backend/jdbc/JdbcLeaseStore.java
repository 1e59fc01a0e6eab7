package dev.baton.backend.jdbc;

import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Leases as rows of one table, decided by the database clock. Each operation borrows a connection, runs one
 * statement and gives the connection back; see {@link Dialect} for the statements and {@link JdbcLeaseStoreFactory}
 * for configuration.
 *
 * <p>How an operation runs:
 * <ol>
 *   <li>It gets a time budget ({@link #maxCallTime()}): connecting, the wait for a pooled connection and the
 *       statement all come out of it (a millisecond network timeout on the socket, a query timeout on the server), so
 *       a hung or partitioned database makes the call fail in time instead of keeping a stale leader alive.</li>
 *   <li>The first operation checks that the table exists, creating it when {@code create-table} allows (two nodes
 *       creating it at once both succeed). When it is missing and may not be created, every operation fails with a
 *       message naming the table and the DDL to run, until someone creates it: no restart is needed.</li>
 *   <li>Errors become {@link LeaseStoreException}s (the engine retries); a connection that failed is not reused.</li>
 * </ol>
 *
 * <p>Rows are never deleted: a release moves the expiry into the past and keeps the version, so the fencing token of
 * a name never goes backwards. On PostgreSQL a release also sends {@code NOTIFY} on a channel of the table, and
 * {@link #watch} listens on one connection per store.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class JdbcLeaseStore implements LeaseStore {
    private static final System.Logger LOG = System.getLogger(JdbcLeaseStore.class.getName());
    /** Renewals per JDBC batch: one round trip renews them all (PostgreSQL). */
    static final int RENEW_BATCH_LIMIT = 500;

    /** The statements for one resolved dialect and table. */
    private record Sql(
            Dialect dialect, String display, String ddl, String probe, String acquire, String renew, String release,
            String read) {}

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c, Sql sql, long deadline) throws SQLException;
    }

    private final ConnectionSource source;
    private final TableName tableName;
    private final boolean createTable;
    private final Duration timeout;
    private final String description;
    private final Object lock = new Object();
    private volatile Sql sql;
    private volatile boolean tableReady;
    private volatile boolean closed;
    private PgNotifyListener listener; // guarded by lock

    private JdbcLeaseStore(Builder b, ConnectionSource source) {
        this.source = source;
        this.tableName = new TableName(Optional.ofNullable(b.schema), b.table);
        this.createTable = b.createTable;
        this.timeout = b.timeout;
        this.description = "jdbc " + source.knownDialect().map(Dialect::product).orElse("DataSource") + " "
                + source.describe() + ", table " + shownTable(source.knownDialect());
    }

    /** @return a builder; a URL or a {@code DataSource} is required */
    public static Builder builder() {
        return new Builder();
    }

    private String shownTable(Optional<Dialect> dialect) {
        return tableName.schema().or(() -> dialect.flatMap(Dialect::defaultSchema))
                .map(s -> s + "." + tableName.table()).orElse(tableName.table());
    }

    // ---- operations ----------------------------------------------------------------------------------------

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        LeaseNames.requireValid(name);
        requireHolder(holder);
        long ttlMicros = micros(ttl);
        checkOpen();
        String stored = StoredNames.encode(name);
        return run("tryAcquire", name, (c, sql, deadline) -> {
            try (PreparedStatement ps = prepare(c, sql.acquire(), deadline)) {
                ps.setString(1, stored);
                ps.setString(2, holder);
                ps.setLong(3, ttlMicros);
                try (ResultSet rs = results(ps)) {
                    return rs != null && rs.next() ? Optional.of(record(name, rs)) : Optional.<LeaseRecord>empty();
                }
            } catch (SQLException e) {
                if (sql.dialect().isLostRace(e)) {
                    return Optional.empty(); // the contract's "lost a race": the engine retries at once
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        LeaseNames.requireValid(name);
        requireHolder(holder);
        long ttlMicros = micros(ttl);
        checkOpen();
        String stored = StoredNames.encode(name);
        int renewed = run("renew", name, (c, sql, deadline) -> {
            try (PreparedStatement ps = prepare(c, sql.renew(), deadline)) {
                bindRenew(ps, ttlMicros, stored, holder, token);
                return ps.executeUpdate();
            }
        });
        // The statement set the expiry to now() + ttl by the database clock: the remaining time is the ttl.
        return renewed > 0 ? Optional.of(new LeaseRecord(name, holder, token, ttl)) : Optional.empty();
    }

    /** Binds the renew statement's parameters in the order {@link Dialect} documents. */
    private static void bindRenew(PreparedStatement ps, long ttlMicros, String stored, String holder, long token)
            throws SQLException {
        ps.setLong(1, ttlMicros);
        ps.setString(2, stored);
        ps.setString(3, holder);
        ps.setLong(4, token);
    }

    /** PostgreSQL: up to this many renewals go out as one JDBC batch (one round trip, one transaction). */
    @Override
    public int renewBatchLimit() {
        Sql s = sql;
        return s != null && s.dialect().batchesRenewals() ? RENEW_BATCH_LIMIT : 1;
    }

    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        if (requests.size() < 2 || renewBatchLimit() < 2) {
            // Not batching (yet: the first operation finds out which database this is).
            return LeaseStore.super.renewAll(requests);
        }
        List<String> stored = new ArrayList<>(requests.size());
        long[] ttlMicros = new long[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            RenewRequest r = requests.get(i);
            LeaseNames.requireValid(r.name());
            requireHolder(r.holder());
            ttlMicros[i] = micros(r.ttl());
            stored.add(StoredNames.encode(r.name()));
        }
        checkOpen();
        String op = "batch renewal (" + requests.size() + " leases, the first)";
        int[] counts = run(op, requests.get(0).name(), (c, sql, deadline) -> {
            try (PreparedStatement ps = prepare(c, sql.renew(), deadline)) {
                for (int i = 0; i < requests.size(); i++) {
                    RenewRequest r = requests.get(i);
                    bindRenew(ps, ttlMicros[i], stored.get(i), r.holder(), r.token());
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
        if (counts.length != requests.size()) {
            throw new LeaseStoreException(description + ": a batch of " + requests.size() + " renewals reported "
                    + counts.length + " results");
        }
        List<Optional<LeaseRecord>> results = new ArrayList<>(requests.size());
        for (int i = 0; i < counts.length; i++) {
            RenewRequest r = requests.get(i);
            if (counts[i] < 0) {
                throw new LeaseStoreException(description + ": the driver reported no row count (" + counts[i]
                        + ") for the renewal of '" + shortName(r.name()) + "'; the renewals' outcome is unknown");
            }
            results.add(counts[i] > 0 ? Optional.of(new LeaseRecord(r.name(), r.holder(), r.token(), r.ttl()))
                    : Optional.empty());
        }
        return results;
    }

    @Override
    public boolean release(String name, String holder, long token) {
        LeaseNames.requireValid(name);
        requireHolder(holder);
        checkOpen();
        String stored = StoredNames.encode(name);
        int released = run("release", name, (c, sql, deadline) -> {
            try (PreparedStatement ps = prepare(c, sql.release(), deadline)) {
                ps.setString(1, stored);
                ps.setString(2, holder);
                ps.setLong(3, token);
                if (!ps.execute()) {
                    return ps.getUpdateCount();
                }
                int rows = 0; // PostgreSQL returns one row per released lease (the NOTIFY's result)
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
                return rows;
            }
        });
        return released > 0;
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        LeaseNames.requireValid(name);
        checkOpen();
        String stored = StoredNames.encode(name);
        return run("read", name, (c, sql, deadline) -> {
            try (PreparedStatement ps = prepare(c, sql.read(), deadline)) {
                ps.setString(1, stored);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(record(name, rs)) : Optional.<LeaseRecord>empty();
                }
            }
        });
    }

    /**
     * On PostgreSQL, calls {@code onChange} soon after the lease is released (and once whenever the listener
     * connection is re-established); elsewhere returns empty, and followers wake when the lease can expire.
     */
    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(onChange, "onChange");
        checkOpen();
        Sql resolved = sql;
        Dialect dialect = resolved != null ? resolved.dialect() : source.knownDialect()
                .orElseGet(() -> run("watch", name, (c, s, deadline) -> s).dialect());
        if (!dialect.notifies()) {
            return Optional.empty();
        }
        PgNotifyListener l;
        synchronized (lock) {
            checkOpen();
            if (listener == null) {
                listener = new PgNotifyListener(source, channel(dialect), timeout, description);
            }
            l = listener;
        }
        return Optional.of(l.watch(StoredNames.encode(name), onChange));
    }

    /**
     * @return the configured operation timeout: connecting (or waiting for a pooled connection) and the statement
     *     together never take longer, give or take a few milliseconds of thread hand-over
     */
    @Override
    public Duration maxCallTime() {
        return timeout;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Closes idle connections and the listener. Leases still held expire in the table. Idempotent. */
    @Override
    public void close() {
        PgNotifyListener l;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            l = listener;
            listener = null;
        }
        if (l != null) {
            l.close();
        }
        source.close();
    }

    // ---- machinery -----------------------------------------------------------------------------------------

    private <T> T run(String op, String name, Work<T> work) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        ConnectionSource.Borrowed b;
        try {
            b = source.borrow(timeout);
        } catch (SQLException e) {
            throw failure(op, name, e);
        }
        long left = deadline - System.nanoTime();
        if (b.openedNanos() > 0 && left < b.openedNanos() * 2 / 3) {
            // This operation waited for a new connection, whose opening took at least three round trips (TCP and a
            // login), and what is left of its budget is less than two of them (the statement, and for the store's
            // first statement the table check): it would likely time out, which costs the connection. Keep the
            // connection for the next operation, which then has its whole budget for the statement.
            source.giveBack(b, true);
            throw new LeaseStoreException(description + ": " + op + " of '" + shortName(name) + "' failed (no answer"
                    + " within " + timeout.toMillis() + " ms): opening a connection took "
                    + b.openedNanos() / 1_000_000 + " ms, too much of the budget for the statement; the next"
                    + " operation uses that connection");
        }
        boolean healthy = false;
        try {
            Connection c = b.connection();
            Sql s = resolve(c);
            if (!tableReady) {
                healthy = true; // a missing table is not the connection's fault
                ensureTable(c, s, deadline);
                healthy = false;
            }
            T result;
            try {
                result = work.run(c, s, deadline);
            } catch (SQLException e) {
                if (!s.dialect().isMissingTable(e)) {
                    throw e;
                }
                // Dropped under us: create it again (or explain), then retry once.
                tableReady = false;
                healthy = true;
                ensureTable(c, s, deadline);
                healthy = false;
                result = work.run(c, s, deadline);
            }
            healthy = true;
            return result;
        } catch (SQLException e) {
            healthy = false;
            throw failure(op, name, e);
        } finally {
            source.giveBack(b, healthy);
        }
    }

    private LeaseStoreException failure(String op, String name, SQLException e) {
        if (!(e instanceof SQLTimeoutException)) {
            // A broken connection: the idle ones probably are too (database restarted). A timeout only says the
            // link or the database is slow, and an idle connection may be one just opened for the next operation.
            source.discardIdle();
        }
        String what = e instanceof SQLTimeoutException || isTimeout(e) ? " (no answer within " + timeout.toMillis()
                + " ms)" : "";
        return new LeaseStoreException(description + ": " + op + " of '" + shortName(name) + "' failed" + what + ": "
                + source.redact(String.valueOf(e.getMessage())), e);
    }

    private static boolean isTimeout(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String shortName(String name) {
        return name.length() > 60 ? name.substring(0, 60) + "..." : name;
    }

    private Sql resolve(Connection c) throws SQLException {
        Sql s = sql;
        if (s != null) {
            return s;
        }
        synchronized (lock) {
            if (sql != null) {
                return sql;
            }
            Optional<Dialect> known = source.knownDialect();
            Dialect d;
            if (known.isPresent()) {
                d = known.get();
            } else {
                String product = c.getMetaData().getDatabaseProductName();
                d = Dialect.forProduct(product).orElseThrow(() -> new LeaseStoreException(description
                        + ": the database is " + product + "; the JDBC backend supports PostgreSQL and MariaDB 10.5+"));
            }
            String table = tableName.sql(d);
            String currentSchema = tableName.schema().or(d::defaultSchema)
                    .orElseGet(() -> currentSchema(c));
            String channel = channel(d);
            sql = new Sql(d, tableName.display(currentSchema), d.createTable(table), d.probe(table), d.acquire(table),
                    d.renew(table), d.release(table, channel), d.read(table));
            return sql;
        }
    }

    private static String currentSchema(Connection c) {
        try {
            String catalog = c.getCatalog();
            return catalog == null || catalog.isEmpty() ? "<current database>" : catalog;
        } catch (SQLException e) {
            return "<current database>";
        }
    }

    /**
     * The notification channel: one per table, so stores on different tables never wake each other. PostgreSQL
     * channel names are identifiers of at most 63 bytes; longer ones are replaced by a digest.
     */
    private String channel(Dialect d) {
        String plain = "baton:" + shownTable(Optional.of(d));
        if (plain.length() <= 63) {
            return plain;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain.getBytes(StandardCharsets.UTF_8));
            return "baton:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private void ensureTable(Connection c, Sql s, long deadline) throws SQLException {
        if (tableExists(c, s, deadline)) {
            tableReady = true;
            return;
        }
        String oneLineDdl = s.ddl().replaceAll("\\s+", " ");
        if (!createTable) {
            throw new LeaseStoreException("table " + s.display() + " does not exist and "
                    + JdbcLeaseStoreFactory.CREATE_TABLE + "=false; create it with: " + oneLineDdl);
        }
        try (Statement st = c.createStatement()) {
            bound(c, st, deadline);
            st.execute(s.ddl());
            LOG.log(Level.INFO, "{0}: created table {1}", description, s.display());
        } catch (SQLException e) {
            // Another node may have created it at the same moment; the catalog's error for that differs by
            // database and version, so the table itself is the judge.
            if (!s.dialect().isConcurrentCreate(e) && !tableExists(c, s, deadline)) {
                throw new LeaseStoreException("table " + s.display() + " does not exist and could not be created ("
                        + source.redact(String.valueOf(e.getMessage())) + "); create it with: " + oneLineDdl, e);
            }
        }
        tableReady = true;
    }

    /** @return true when the table answers the probe, false when the database says it is missing */
    private static boolean tableExists(Connection c, Sql s, long deadline) throws SQLException {
        try (Statement st = c.createStatement()) {
            bound(c, st, deadline);
            st.executeQuery(s.probe()).close();
            return true;
        } catch (SQLException e) {
            if (!s.dialect().isMissingTable(e)) {
                throw e;
            }
            return false;
        }
    }

    private PreparedStatement prepare(Connection c, String statement, long deadline) throws SQLException {
        PreparedStatement ps = c.prepareStatement(statement);
        try {
            bound(c, ps, deadline);
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
        return ps;
    }

    /** Bounds the next statement by what is left of the operation's budget, on the socket and on the server. */
    private static void bound(Connection c, Statement st, long deadline) throws SQLException {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw new SQLTimeoutException("no time left for the statement");
        }
        c.setNetworkTimeout(ConnectionSource.DIRECT, (int) Math.min(Integer.MAX_VALUE, leftMillis));
        st.setQueryTimeout(Dialect.ceilSeconds(Duration.ofMillis(leftMillis)));
    }

    /** The result of a statement that may or may not produce rows, whatever the driver reports first. */
    private static ResultSet results(PreparedStatement ps) throws SQLException {
        boolean isQuery = ps.execute();
        while (!isQuery && ps.getUpdateCount() != -1) {
            isQuery = ps.getMoreResults();
        }
        return isQuery ? ps.getResultSet() : null;
    }

    private static LeaseRecord record(String name, ResultSet rs) throws SQLException {
        String holder = rs.getString(1);
        long version = rs.getLong(2);
        long remainingMicros = Math.max(0, rs.getLong(3));
        return new LeaseRecord(name, holder, version, Duration.ofNanos(Math.multiplyExact(remainingMicros, 1000L)));
    }

    private static long micros(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return Math.max(1, ttl.toNanos() / 1000);
    }

    private static void requireHolder(String holder) {
        if (holder == null || holder.isBlank() || holder.length() > 255) {
            throw new IllegalArgumentException(
                    "holder must be a non-blank string of at most 255 characters, got '" + holder + "'");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the JDBC lease store (" + description + ") is closed");
        }
    }

    /**
     * Builds a {@link JdbcLeaseStore} for plain Java; {@link JdbcLeaseStoreFactory} builds one from configuration.
     * Creating a store never connects: an application may start before its database.
     */
    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private DataSource dataSource;
        private String dataSourceLabel;
        private String schema;
        private String table = TableName.DEFAULT_TABLE;
        private boolean createTable = true;
        private Duration timeout = Duration.ofSeconds(5);

        private Builder() {}

        /**
         * @param url a {@code jdbc:postgresql:} or {@code jdbc:mariadb:} URL; Baton opens its own connections
         * @return this builder
         */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * @param user the database user, or null to use the URL's
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * @param password the password, or null; never logged nor shown
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * @param dataSource a container or application {@code DataSource}, borrowed from per operation
         * @param label how to name it in messages (a JNDI name, a bean description)
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource, String label) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.dataSourceLabel = Objects.requireNonNull(label, "label");
            return this;
        }

        /**
         * @param schema the schema (PostgreSQL, default {@code public}) or database (MariaDB, default the
         *     connection's); null for the default
         * @return this builder
         * @throws IllegalArgumentException when it is not {@link TableName#VALID_IDENTIFIER}
         */
        public Builder schema(String schema) {
            if (schema != null && !TableName.isValidIdentifier(schema)) {
                throw new IllegalArgumentException("schema '" + schema + "' is not " + TableName.VALID_IDENTIFIER);
            }
            this.schema = schema;
            return this;
        }

        /**
         * @param table the table, default {@code baton_leases}
         * @return this builder
         * @throws IllegalArgumentException when it is not {@link TableName#VALID_IDENTIFIER}
         */
        public Builder table(String table) {
            if (!TableName.isValidIdentifier(table)) {
                throw new IllegalArgumentException("table '" + table + "' is not " + TableName.VALID_IDENTIFIER);
            }
            this.table = table;
            return this;
        }

        /**
         * @param createTable whether the first operation creates the table when it is missing (default true)
         * @return this builder
         */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /**
         * @param timeout the bound on one operation, connecting included (default 5 s); keep it well below the
         *     shortest lease ttl
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @return the store (not connected yet)
         * @throws IllegalArgumentException when neither or both of a URL and a DataSource were given, or the URL's
         *     database is not supported
         */
        public JdbcLeaseStore build() {
            if ((url == null) == (dataSource == null)) {
                throw new IllegalArgumentException("give exactly one of a JDBC URL and a DataSource");
            }
            ConnectionSource source;
            if (url != null) {
                Dialect d = Dialect.forUrl(url).orElseThrow(() -> new IllegalArgumentException("unsupported JDBC URL '"
                        + UrlConnections.redactUrl(url) + "'; expected " + JdbcLeaseStoreFactory.VALID_URL));
                source = new UrlConnections(url, Optional.ofNullable(user), Optional.ofNullable(password), d);
            } else {
                source = new DataSourceConnections(dataSource, dataSourceLabel);
            }
            return new JdbcLeaseStore(this, source);
        }
    }
}
