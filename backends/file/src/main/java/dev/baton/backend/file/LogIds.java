package dev.baton.backend.file;

/**
 * The stable ids of the file backend's log lines ({@code BATON-FILE-0001} to {@code 0099}); never reused for another
 * meaning. The README lists every family of ids.
 */
final class LogIds {
    /** The directory watcher failed; it goes on (WARNING). */
    static final String WATCHER_FAILED = "BATON-FILE-0001";
    /** A watch callback threw (WARNING). */
    static final String CALLBACK_FAILED = "BATON-FILE-0002";
    /** A lease file is corrupt; its holder gives the lease up (WARNING). */
    static final String CORRUPT_HELD = "BATON-FILE-0003";
    /** A corrupt lease file nobody holds was reset to free (WARNING). */
    static final String CORRUPT_RESET = "BATON-FILE-0004";
    /** Every liveness slot is taken: the grant is protected by expiry only (WARNING). */
    static final String NO_LIVENESS_SLOT = "BATON-FILE-0005";
    /** The wall clock stepped: leases expire earlier or later than their holders expect (WARNING). */
    static final String CLOCK_STEPPED = "BATON-FILE-0006";
    /** A lease file's leader metadata cannot be decoded: the lease is reported without metadata (WARNING, once). */
    static final String METADATA_UNREADABLE = "BATON-FILE-0007";

    private LogIds() {}
}
