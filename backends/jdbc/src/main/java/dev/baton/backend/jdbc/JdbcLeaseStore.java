package dev.baton.backend.jdbc;

import dev.baton.spi.LeaderMetadata;
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
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   <li>The same check looks for the {@code metadata} column. A table created before leader metadata lacks it: with
 *       {@code create-table} the store adds it ({@code ALTER TABLE ... ADD COLUMN}, waiting only briefly for the
 *       table lock); otherwise, or when that fails, leader metadata is off for this store
 *       ({@link #supportsMetadata()} false) and one warning ({@code BATON-JDBC-0002}) names the DDL to run.</li>
 *   <li>Errors become {@link LeaseStoreException}s (the engine retries); a connection that failed is not reused.</li>
 * </ol>
 *
 * <p>Rows are never deleted: a release moves the expiry into the past and keeps the version, so the fencing token of
 * a name never goes backwards. On PostgreSQL a release also sends {@code NOTIFY} on a channel of the table, and
 * {@link #watch} listens on one connection per store. MariaDB has no notifications: {@link #watch} is served by a
 * {@link ReleaseWatch} (releases in this JVM wake followers at once, releases elsewhere are found by polling).
 *
 * <p>Leader metadata is written by the acquire statement with the holder (a grant or the holder's confirmation
 * replaces it; refused attempts write nothing) and cleared by a release. The stored value is
 * {@link LeaderMetadata#encode} of the metadata plus {@value #OWNER}, the holder it belongs to: a value left behind
 * by an earlier holder (when a writer unaware of the column took the lease over) is read as none. Renewals send the same statement as without
 * metadata, and no metadata comes back: the store remembers what its own grants stored (by name, holder and token)
 * and answers renewals with that. It can, because only the holder renews and only the holder's own acquire changes
 * the metadata of its grant, and a holder id belongs to one participant and so to one store. A renewal of a grant this
 * store did not make (another client of the same participant id) reads the metadata back on the same connection.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class JdbcLeaseStore implements LeaseStore {
    private static final System.Logger LOG = System.getLogger(JdbcLeaseStore.class.getName());
    /** Renewals per batch: one round trip renews them all (a JDBC batch on PostgreSQL, one statement on MariaDB). */
    static final int RENEW_BATCH_LIMIT = 500;

    /** Grants whose metadata renewals answer from memory; beyond this many, renewals read it back. */
    static final int MAX_REMEMBERED = 10_000;

    /**
     * The reserved entry the store adds to the metadata it writes: the holder it belongs to. A writer that does not
     * know the column (a version of Baton before leader metadata, or a store that found no column) takes over a lease
     * without touching it, so a value whose owner is not the row's holder is an earlier holder's, and reads as none.
     */
    static final String OWNER = LeaderMetadata.RESERVED_PREFIX + "jdbc.holder";

    /**
     * How often a store without the metadata column looks for it again (adding it when {@code create-table} allows),
     * at its next operation: an operator may have added it, or an earlier attempt to add it lost a lock wait.
     */
    static final Duration RECHECK_COLUMN = Duration.ofMinutes(1);

    /** The statements for one resolved dialect and table. */
    private record Sql(
            Dialect dialect, String table, String display, String ddl, String addColumn, String probe, String renew,
            Statements plain, Statements withMetadata) {

        Statements statements(boolean metadata) {
            return metadata ? withMetadata : plain;
        }
    }

    /**
     * The statements that differ with the table's {@code metadata} column.
     *
     * @param metadata whether they write and return the column
     */
    private record Statements(boolean metadata, String acquire, String release, String read, String readMetadata) {}

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c, Sql sql, Statements st, long deadline) throws SQLException;
    }

    /** What the table said about the metadata column at the last check. */
    private enum Column { UNKNOWN, PRESENT, ABSENT }

    /** What the table looks like, by the probe. */
    private enum TableState { MISSING, WITHOUT_METADATA, READY }

    /** The metadata one of this store's grants stored: renewals of that grant answer with it. */
    private record Granted(String holder, long token, Map<String, String> metadata) {
        boolean is(String h, long t) {
            return token == t && holder.equals(h);
        }
    }

    private final ConnectionSource source;
    private final TableName tableName;
    private final boolean createTable;
    private final Duration timeout;
    private final String description;
    private final Object lock = new Object();
    private volatile Sql sql;
    private volatile boolean tableReady;
    private volatile Column column = Column.UNKNOWN;
    /** When {@link #column} was last found out ({@code System.nanoTime()}). */
    private volatile long columnCheckedAt;
    private volatile long recheckNanos = RECHECK_COLUMN.toNanos();
    private volatile boolean closed;
    private final Map<String, Granted> granted = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedNoColumn = new AtomicBoolean();
    private final AtomicBoolean warnedUnreadable = new AtomicBoolean();
    private PgNotifyListener listener; // guarded by lock
    private ReleaseWatch releaseWatch; // guarded by lock
    /** The stored names of the leases this store holds, by its last answers: followers' polls leave them out. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Duration pollInterval;
    /** The database and table, for waking the followers of stores of this JVM on the same table. */
    private final Object tableKey;

    private JdbcLeaseStore(Builder b, ConnectionSource source) {
        this.source = source;
        this.tableName = new TableName(Optional.ofNullable(b.schema), b.table);
        this.createTable = b.createTable;
        this.timeout = b.timeout;
        this.pollInterval = b.pollInterval != null ? b.pollInterval : b.timeout;
        this.tableKey = List.of(source.database(), tableName.schema().orElse(""), tableName.table());
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
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /**
     * True while the table has the {@code metadata} column, and before the first operation has looked (the engine asks
     * before its first acquire, which makes the check; should the column be missing, that acquire is granted without
     * metadata, and from then on this answers false).
     *
     * @return whether this store keeps leader metadata
     */
    @Override
    public boolean supportsMetadata() {
        return column != Column.ABSENT;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        LeaseNames.requireValid(name);
        requireHolder(holder);
        long ttlMicros = micros(ttl);
        Map<String, String> kept = LeaderMetadata.requireStorable(metadata);
        checkOpen();
        if (!kept.isEmpty() && column == Column.ABSENT) {
            throw new UnsupportedOperationException(description + " does not store leader metadata: the table has no "
                    + Dialect.METADATA_COLUMN + " column (add it with: " + sql.addColumn() + ")");
        }
        String encoded = kept.isEmpty() ? null : LeaderMetadata.encode(withOwner(kept, holder));
        String stored = StoredNames.encode(name);
        Optional<LeaseRecord> answer = run("tryAcquire", name, (c, sql, st, deadline) -> {
            try (PreparedStatement ps = prepare(c, st.acquire(), deadline)) {
                ps.setString(1, stored);
                ps.setString(2, holder);
                ps.setLong(3, ttlMicros);
                if (st.metadata()) {
                    if (encoded == null) {
                        ps.setNull(4, Types.VARCHAR);
                    } else {
                        ps.setString(4, encoded);
                    }
                }
                try (ResultSet rs = results(ps)) {
                    return rs != null && rs.next() ? Optional.of(record(name, rs, st.metadata()))
                            : Optional.<LeaseRecord>empty();
                }
            } catch (SQLException e) {
                if (sql.dialect().isLostRace(e)) {
                    return Optional.empty(); // the contract's "lost a race": the engine retries at once
                }
                throw e;
            }
        });
        if (answer.isPresent() && answer.get().heldBy(holder)) {
            remember(answer.get());
            markHeld(stored);
        } else {
            granted.remove(name); // whatever this store granted under that name has ended
            held.remove(stored);
        }
        return answer;
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        LeaseNames.requireValid(name);
        requireHolder(holder);
        long ttlMicros = micros(ttl);
        checkOpen();
        String stored = StoredNames.encode(name);
        held.remove(stored); // until the answer says so
        Optional<LeaseRecord> renewed = run("renew", name, (c, sql, st, deadline) -> {
            int rows;
            try (PreparedStatement ps = prepare(c, sql.renew(), deadline)) {
                bindRenew(ps, ttlMicros, stored, holder, token);
                rows = ps.executeUpdate();
            }
            // The statement set the expiry to now() + ttl by the database clock: the remaining time is the ttl.
            return rows > 0 ? Optional.of(renewedRecord(c, st, name, stored, holder, token, ttl, deadline))
                    : Optional.<LeaseRecord>empty();
        });
        if (renewed.isEmpty()) {
            forget(name, holder, token);
        } else {
            markHeld(stored);
        }
        return renewed;
    }

    /** Remembers the metadata of a grant this store made, for its renewals. */
    private void remember(LeaseRecord grant) {
        if (column != Column.PRESENT) {
            return;
        }
        Granted g = new Granted(grant.holder(), grant.token(), grant.metadata());
        if (granted.size() < MAX_REMEMBERED || granted.containsKey(grant.name())) {
            granted.put(grant.name(), g);
        }
    }

    private void forget(String name, String holder, long token) {
        granted.computeIfPresent(name, (k, g) -> g.is(holder, token) ? null : g);
    }

    /**
     * A renewed lease as {@link #renew} reports it: the metadata its grant stored, from memory when this store made
     * the grant, else read back on the same connection (one more round trip, for renewals of foreign grants only).
     */
    private LeaseRecord renewedRecord(Connection c, Statements st, String name, String stored, String holder,
            long token, Duration ttl, long deadline) throws SQLException {
        if (!st.metadata()) {
            return new LeaseRecord(name, holder, token, ttl);
        }
        Granted g = granted.get(name);
        if (g != null && g.is(holder, token)) {
            return new LeaseRecord(name, holder, token, ttl, g.metadata());
        }
        Map<String, String> metadata = Map.of();
        try (PreparedStatement ps = prepare(c, st.readMetadata(), deadline)) {
            ps.setString(1, stored);
            ps.setString(2, holder);
            ps.setLong(3, token);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    metadata = metadataOf(name, holder, rs.getString(1));
                }
            }
        }
        LeaseRecord r = new LeaseRecord(name, holder, token, ttl, metadata);
        remember(r);
        return r;
    }

    /** Binds the renew statement's parameters in the order {@link Dialect} documents. */
    private static void bindRenew(PreparedStatement ps, long ttlMicros, String stored, String holder, long token)
            throws SQLException {
        ps.setLong(1, ttlMicros);
        ps.setString(2, stored);
        ps.setString(3, holder);
        ps.setLong(4, token);
    }

    /**
     * Once the store knows its database: up to this many renewals in one round trip, a JDBC batch (PostgreSQL) or one
     * statement (MariaDB, {@link Dialect#renewMany}); 1 before the first operation.
     */
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
        held.removeAll(stored); // until the answers say so
        if (sql.dialect().renewMany(sql.table(), 1).isPresent()) {
            return renewInOneStatement(requests, stored, ttlMicros);
        }
        String op = "batch renewal (" + requests.size() + " leases, the first)";
        List<Optional<LeaseRecord>> results = run(op, requests.get(0).name(), (c, sql, st, deadline) -> {
            int[] counts;
            try (PreparedStatement ps = prepare(c, sql.renew(), deadline)) {
                for (int i = 0; i < requests.size(); i++) {
                    RenewRequest r = requests.get(i);
                    bindRenew(ps, ttlMicros[i], stored.get(i), r.holder(), r.token());
                    ps.addBatch();
                }
                counts = ps.executeBatch();
            }
            if (counts.length != requests.size()) {
                throw new LeaseStoreException(description + ": a batch of " + requests.size() + " renewals reported "
                        + counts.length + " results");
            }
            List<Optional<LeaseRecord>> renewed = new ArrayList<>(requests.size());
            for (int i = 0; i < counts.length; i++) {
                RenewRequest r = requests.get(i);
                if (counts[i] < 0) {
                    throw new LeaseStoreException(description + ": the driver reported no row count (" + counts[i]
                            + ") for the renewal of '" + shortName(r.name()) + "'; the renewals' outcome is unknown");
                }
                renewed.add(counts[i] > 0 ? Optional.of(renewedRecord(c, st, r.name(), stored.get(i), r.holder(),
                        r.token(), r.ttl(), deadline)) : Optional.empty());
            }
            return renewed;
        });
        return forgetRefused(requests, results);
    }

    /**
     * Renews the leases by {@link Dialect#renewMany}, one statement whose result rows say which were renewed. Should
     * it fail for another reason than the connection or the time (a deadlock with another participant's statement,
     * say), the leases are renewed one by one on the same connection within the same budget.
     */
    private List<Optional<LeaseRecord>> renewInOneStatement(List<RenewRequest> requests, List<String> stored,
            long[] ttlMicros) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            if (index.putIfAbsent(stored.get(i), i) != null) {
                return LeaseStore.super.renewAll(requests); // a name twice: each answer must be its own renewal's
            }
        }
        // Rows are locked in the order of the statement: sorted, two batches sharing leases cannot deadlock.
        List<Integer> order = new ArrayList<>(index.values());
        order.sort((a, b) -> stored.get(a).compareTo(stored.get(b)));
        String op = "batch renewal (" + requests.size() + " leases, the first)";
        List<Optional<LeaseRecord>> results = run(op, requests.get(0).name(), (c, sql, st, deadline) -> {
            boolean[] renewed;
            try {
                renewed = renewMany(c, sql, requests, stored, ttlMicros, order, index, deadline);
            } catch (SQLException e) {
                if (isConnectionFailure(c, e) || sql.dialect().isMissingTable(e) || sql.dialect().isMissingColumn(e)) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "{0}: {1} failed ({2}); renewing them one by one", description, op,
                        source.redact(String.valueOf(e.getMessage())));
                renewed = new boolean[requests.size()];
                for (int i : order) {
                    RenewRequest r = requests.get(i);
                    try (PreparedStatement ps = prepare(c, sql.renew(), deadline)) {
                        bindRenew(ps, ttlMicros[i], stored.get(i), r.holder(), r.token());
                        renewed[i] = ps.executeUpdate() > 0;
                    }
                }
            }
            List<Optional<LeaseRecord>> answers = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                RenewRequest r = requests.get(i);
                answers.add(renewed[i] ? Optional.of(renewedRecord(c, st, r.name(), stored.get(i), r.holder(),
                        r.token(), r.ttl(), deadline)) : Optional.empty());
            }
            return answers;
        });
        return forgetRefused(requests, results);
    }

    /** Runs {@link Dialect#renewMany}: whether each request was renewed, by the row the statement returned for it. */
    private boolean[] renewMany(Connection c, Sql sql, List<RenewRequest> requests, List<String> stored,
            long[] ttlMicros, List<Integer> order, Map<String, Integer> index, long deadline) throws SQLException {
        String statement = sql.dialect().renewMany(sql.table(), requests.size()).orElseThrow();
        boolean[] renewed = new boolean[requests.size()];
        boolean[] answered = new boolean[requests.size()];
        try (PreparedStatement ps = prepare(c, statement, deadline)) {
            int p = 1;
            for (int i : order) {
                ps.setString(p++, stored.get(i));
                ps.setString(p++, requests.get(i).holder());
                ps.setLong(p++, requests.get(i).token());
                ps.setLong(p++, ttlMicros[i]);
            }
            try (ResultSet rs = results(ps)) {
                while (rs != null && rs.next()) {
                    Integer i = index.get(rs.getString(1));
                    if (i == null || answered[i]) {
                        throw new LeaseStoreException(description + ": a batch of " + requests.size() + " renewals"
                                + " answered for an unexpected lease; the renewals' outcome is unknown");
                    }
                    answered[i] = true;
                    RenewRequest r = requests.get(i);
                    renewed[i] = r.holder().equals(rs.getString(2)) && rs.getLong(3) == r.token() && rs.getLong(4) > 0;
                }
            }
        }
        for (int i = 0; i < answered.length; i++) {
            if (!answered[i]) {
                throw new LeaseStoreException(description + ": a batch of " + requests.size() + " renewals gave no"
                        + " answer for '" + shortName(requests.get(i).name()) + "'; the renewals' outcome is unknown");
            }
        }
        return renewed;
    }

    /**
     * Notes a lease this store holds, so followers' polls leave it out. Bounded like {@link #granted}: a lease left to
     * expire is never taken off, and beyond the bound a held lease is merely polled (a query answering "not free").
     */
    private void markHeld(String stored) {
        if (held.size() < MAX_REMEMBERED) {
            held.add(stored);
        }
    }

    /** Forgets the grants whose renewal was refused; returns {@code results}. */
    private List<Optional<LeaseRecord>> forgetRefused(List<RenewRequest> requests,
            List<Optional<LeaseRecord>> results) {
        for (int i = 0; i < results.size(); i++) {
            RenewRequest r = requests.get(i);
            if (results.get(i).isEmpty()) {
                forget(r.name(), r.holder(), r.token());
            } else {
                markHeld(StoredNames.encode(r.name()));
            }
        }
        return results;
    }

    /** @return whether {@code e} says the connection failed or timed out, rather than the statement */
    private static boolean isConnectionFailure(Connection c, SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTimeoutException || e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException || isTimeout(e)
                || state != null && state.startsWith("08")) {
            return true;
        }
        try {
            return c.isClosed();
        } catch (SQLException closed) {
            return true;
        }
    }

    @Override
    public boolean release(String name, String holder, long token) {
        LeaseNames.requireValid(name);
        requireHolder(holder);
        checkOpen();
        String stored = StoredNames.encode(name);
        forget(name, holder, token);
        held.remove(stored);
        int released = run("release", name, (c, sql, st, deadline) -> {
            try (PreparedStatement ps = prepare(c, st.release(), deadline)) {
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
        if (released > 0 && !sql.dialect().notifies()) {
            ReleaseWatch.released(tableKey, stored); // followers of this JVM take it at once
        }
        return released > 0;
    }

    /**
     * For {@link ReleaseWatch}'s polls: which of some leases are free now, in one query per
     * {@value #RENEW_BATCH_LIMIT} names.
     */
    private List<String> freeAmong(List<String> stored) {
        checkOpen();
        List<String> free = new ArrayList<>();
        for (int from = 0; from < stored.size(); from += RENEW_BATCH_LIMIT) {
            List<String> chunk = stored.subList(from, Math.min(stored.size(), from + RENEW_BATCH_LIMIT));
            run("poll for releases", chunk.get(0), (c, sql, st, deadline) -> {
                try (PreparedStatement ps = prepare(c, sql.dialect().freeAmong(sql.table(), chunk.size()),
                        deadline)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            free.add(rs.getString(1));
                        }
                    }
                }
                return null;
            });
        }
        return free;
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        LeaseNames.requireValid(name);
        checkOpen();
        String stored = StoredNames.encode(name);
        return run("read", name, (c, sql, st, deadline) -> {
            try (PreparedStatement ps = prepare(c, st.read(), deadline)) {
                ps.setString(1, stored);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(record(name, rs, st.metadata())) : Optional.<LeaseRecord>empty();
                }
            }
        });
    }

    /**
     * Calls {@code onChange} soon after the lease is released. PostgreSQL: by {@code LISTEN/NOTIFY} (and once whenever
     * the listener connection is re-established). MariaDB ({@link ReleaseWatch}): at once for a release by a store of
     * this JVM on the same table, and within the poll interval for a release elsewhere (one query per poll for all the
     * leases this store watches and does not hold).
     */
    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(onChange, "onChange");
        checkOpen();
        Sql resolved = sql;
        Dialect dialect = resolved != null ? resolved.dialect() : source.knownDialect()
                .orElseGet(() -> run("watch", name, (c, s, st, deadline) -> s).dialect());
        if (!dialect.notifies()) {
            ReleaseWatch w;
            synchronized (lock) {
                checkOpen();
                if (releaseWatch == null) {
                    releaseWatch = new ReleaseWatch(tableKey, pollInterval, this::freeAmong, held, description);
                }
                w = releaseWatch;
            }
            return Optional.of(w.watch(StoredNames.encode(name), onChange));
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

    /** @return how often followers look for leases released on other hosts (MariaDB) */
    Duration pollInterval() {
        return pollInterval;
    }

    /** For tests: how long a store without the metadata column waits before it looks for the column again. */
    void recheckColumnAfter(Duration interval) {
        recheckNanos = interval.toNanos();
    }

    /** Closes idle connections and the listener. Leases still held expire in the table. Idempotent. */
    @Override
    public void close() {
        PgNotifyListener l;
        ReleaseWatch w;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            l = listener;
            listener = null;
            w = releaseWatch;
            releaseWatch = null;
        }
        if (l != null) {
            l.close();
        }
        if (w != null) {
            w.close();
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
            if (tableReady && column == Column.ABSENT && System.nanoTime() - columnCheckedAt - recheckNanos >= 0) {
                tableReady = false; // look for the metadata column again
            }
            if (!tableReady) {
                healthy = true; // a missing table is not the connection's fault
                ensureTable(c, s, deadline);
                healthy = false;
            }
            T result;
            try {
                result = work.run(c, s, s.statements(column == Column.PRESENT), deadline);
            } catch (SQLException e) {
                if (!s.dialect().isMissingTable(e) && !s.dialect().isMissingColumn(e)) {
                    throw e;
                }
                // Dropped under us (the table, or its metadata column): check again (create, or explain), then
                // retry once with the statements that fit what is there now.
                tableReady = false;
                healthy = true;
                ensureTable(c, s, deadline);
                healthy = false;
                result = work.run(c, s, s.statements(column == Column.PRESENT), deadline);
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
            sql = new Sql(d, table, tableName.display(currentSchema), d.createTable(table), d.addMetadataColumn(table),
                    d.probe(table), d.renew(table),
                    new Statements(false, d.acquire(table, false), d.release(table, channel, false),
                            d.read(table, false), null),
                    new Statements(true, d.acquire(table, true), d.release(table, channel, true), d.read(table, true),
                            d.readMetadata(table)));
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

    /**
     * Makes sure the table exists (creating it when allowed) and finds out whether it has the metadata column (adding
     * it when allowed); sets {@link #column} accordingly.
     */
    private void ensureTable(Connection c, Sql s, long deadline) throws SQLException {
        TableState state = probe(c, s, deadline);
        if (state == TableState.MISSING) {
            createTable(c, s, deadline);
            // Created, or found created by another node at the same moment: possibly one of an earlier version,
            // whose table has no metadata column.
            state = probe(c, s, deadline);
            if (state == TableState.MISSING) {
                throw new LeaseStoreException("table " + s.display() + " does not exist although it was just"
                        + " created; create it with: " + oneLine(s.ddl()));
            }
        }
        boolean added = false;
        if (state == TableState.WITHOUT_METADATA) {
            String problem = JdbcLeaseStoreFactory.CREATE_TABLE + "=false";
            if (createTable) {
                Optional<String> failed = addMetadataColumn(c, s, deadline);
                state = probe(c, s, deadline);
                if (failed.isPresent()) {
                    problem = "adding it failed (" + failed.get() + ")";
                } else if (state == TableState.READY) {
                    added = true;
                    LOG.log(Level.INFO, LogIds.METADATA_COLUMN_ON + ": {0}: added the column {1} to table {2} (created"
                            + " by a version of Baton before leader metadata); leader metadata is on", description,
                            Dialect.METADATA_COLUMN, s.display());
                }
            }
            if (state == TableState.WITHOUT_METADATA && warnedNoColumn.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, LogIds.METADATA_COLUMN_MISSING + ": {0}: table {1} has no column {2} (it was"
                        + " created by a version of Baton before leader metadata) and {3}: leader metadata is off for"
                        + " this store, so followers see no metadata for this participant''s leases; elections are"
                        + " not affected. Add the column with: {4} ; the store looks for it again every {5} s and"
                        + " turns metadata on from its next acquire. Logged once",
                        description, s.display(), Dialect.METADATA_COLUMN, problem, s.addColumn(),
                        RECHECK_COLUMN.toSeconds());
            }
        }
        Column before = column;
        column = state == TableState.READY ? Column.PRESENT : Column.ABSENT;
        columnCheckedAt = System.nanoTime();
        if (before == Column.ABSENT && column == Column.PRESENT && !added) {
            LOG.log(Level.INFO, LogIds.METADATA_COLUMN_ON + ": {0}: table {1} has the column {2} now; leader"
                    + " metadata is on from this participant''s next acquire", description, s.display(),
                    Dialect.METADATA_COLUMN);
        }
        if (column == Column.ABSENT) {
            granted.clear();
        }
        tableReady = true;
    }

    private void createTable(Connection c, Sql s, long deadline) throws SQLException {
        String oneLineDdl = oneLine(s.ddl());
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
            if (!s.dialect().isConcurrentCreate(e) && probe(c, s, deadline) == TableState.MISSING) {
                throw new LeaseStoreException("table " + s.display() + " does not exist and could not be created ("
                        + source.redact(String.valueOf(e.getMessage())) + "); create it with: " + oneLineDdl, e);
            }
        }
    }

    /**
     * Adds the metadata column in a transaction of its own whose wait for the table lock is bounded: while
     * {@code ALTER TABLE} waits (behind a long transaction that read the table), every other participant's statements
     * on the table queue behind it, so it gives up rather than hold their renewals.
     *
     * @return why it failed, when it did (the caller probes the table either way)
     */
    private Optional<String> addMetadataColumn(Connection c, Sql s, long deadline) throws SQLException {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        // A quarter of the timeout: other participants' renewals queued behind the waiting ALTER keep most of
        // their budget (the same timeout, when configured alike).
        long lockWait = Math.max(1, Math.min(leftMillis / 3, timeout.toMillis() / 4));
        boolean autoCommit = c.getAutoCommit();
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                bound(c, st, deadline);
                for (String statement : s.dialect().addMetadataColumnBounded(tableName.sql(s.dialect()), lockWait)) {
                    st.execute(statement);
                }
            }
            c.commit();
            return Optional.empty();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the probe that follows finds out whether the connection still works
            }
            return Optional.of(source.redact(String.valueOf(e.getMessage())));
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static String oneLine(String ddl) {
        return ddl.replaceAll("\\s+", " ");
    }

    /** @return what the probe says: the table missing, without the metadata column, or complete */
    private static TableState probe(Connection c, Sql s, long deadline) throws SQLException {
        try (Statement st = c.createStatement()) {
            bound(c, st, deadline);
            st.executeQuery(s.probe()).close();
            return TableState.READY;
        } catch (SQLException e) {
            if (s.dialect().isMissingTable(e)) {
                return TableState.MISSING;
            }
            if (s.dialect().isMissingColumn(e)) {
                return TableState.WITHOUT_METADATA;
            }
            throw e;
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

    private LeaseRecord record(String name, ResultSet rs, boolean withMetadata) throws SQLException {
        String holder = rs.getString(1);
        long version = rs.getLong(2);
        long remainingMicros = Math.max(0, rs.getLong(3));
        Map<String, String> metadata = withMetadata ? metadataOf(name, holder, rs.getString(4)) : Map.of();
        return new LeaseRecord(name, holder, version, Duration.ofNanos(Math.multiplyExact(remainingMicros, 1000L)),
                metadata);
    }

    private static Map<String, String> withOwner(Map<String, String> metadata, String holder) {
        Map<String, String> m = new HashMap<>(metadata);
        m.put(OWNER, holder);
        return m;
    }

    /**
     * The metadata stored for {@code holder}: empty when there is none or it belongs to an earlier holder (see
     * {@link #OWNER}), and, with one warning per store, when it cannot be decoded: never an error.
     */
    private Map<String, String> metadataOf(String name, String holder, String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        try {
            Map<String, String> stored = LeaderMetadata.decode(encoded);
            if (!holder.equals(stored.get(OWNER))) {
                return Map.of(); // left behind by an earlier holder: a writer unaware of the column took over
            }
            Map<String, String> own = new HashMap<>(stored);
            own.remove(OWNER);
            return Map.copyOf(own);
        } catch (IllegalArgumentException e) {
            if (warnedUnreadable.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, LogIds.METADATA_UNREADABLE + ": {0}: lease ''{1}'': the leader metadata in"
                        + " its row cannot be decoded ({2}); the lease is reported without metadata (elections are"
                        + " not affected); check for other programs writing the {3} column. Logged once",
                        description, shortName(name), e.getMessage(), Dialect.METADATA_COLUMN);
            }
            return Map.of();
        }
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
        private Duration pollInterval;

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
         * @param pollInterval MariaDB: how often a store whose participant follows looks for leases released on
         *     other hosts (one query for all the leases it watches; default the timeout); releases in this JVM wake
         *     followers at once
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive, got " + pollInterval);
            }
            this.pollInterval = pollInterval;
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
