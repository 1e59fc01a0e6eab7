package dev.baton.backend.jdbc;

/**
 * The stable ids of the JDBC backend's log lines ({@code BATON-JDBC-0001} to {@code 0099}); never reused for another
 * meaning. The README lists every family of ids.
 */
final class LogIds {
    /** A lease watcher (LISTEN/NOTIFY callback) threw (WARNING). */
    static final String WATCHER_FAILED = "BATON-JDBC-0001";

    private LogIds() {}
}
