package dev.baton.backend.jdbc;

/**
 * The stable ids of the JDBC backend's log lines ({@code BATON-JDBC-0001} to {@code 0099}); never reused for another
 * meaning. The README lists every family of ids.
 */
final class LogIds {
    /** A lease watcher (LISTEN/NOTIFY callback) threw (WARNING). */
    static final String WATCHER_FAILED = "BATON-JDBC-0001";
    /**
     * The lease table has no {@code metadata} column and it could not (or may not) be added: leader metadata is off
     * for the store; the message names the DDL to run (WARNING, once per store).
     */
    static final String METADATA_COLUMN_MISSING = "BATON-JDBC-0002";
    /** A row's leader metadata cannot be decoded: the lease is reported without metadata (WARNING, once per store). */
    static final String METADATA_UNREADABLE = "BATON-JDBC-0003";
    /**
     * Leader metadata is on after the {@code metadata} column was missing: the store added it to a table of an earlier
     * version, or found it added (INFO).
     */
    static final String METADATA_COLUMN_ON = "BATON-JDBC-0004";

    private LogIds() {}
}
