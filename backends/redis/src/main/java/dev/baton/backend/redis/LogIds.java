package dev.baton.backend.redis;

/**
 * The stable ids of the Redis backend's log lines ({@code BATON-REDIS-0001} to {@code 0099}); never reused for
 * another meaning. The README lists every family of ids.
 */
final class LogIds {
    /** A lease watcher (pub/sub callback) threw (WARNING). */
    static final String WATCHER_FAILED = "BATON-REDIS-0001";
    /** A lease hash's leader metadata cannot be decoded: the lease is reported without it (WARNING, once per store). */
    static final String METADATA_UNREADABLE = "BATON-REDIS-0002";
    /**
     * Restart quarantine: Redis has been up for less than a ttl and keeps no append-only file (or the quarantine is
     * {@code always}), so grants are refused until it has been up for the ttl plus a second (WARNING, once per server
     * run id and store; also the message of the {@code LeaseStoreException} every refused acquire throws).
     */
    static final String RESTART_QUARANTINE = "BATON-REDIS-0003";
    /**
     * The acquire script could not run {@code INFO}, which the restart quarantine needs (the message of the
     * {@code LeaseStoreException} every acquire then throws).
     */
    static final String INFO_REFUSED = "BATON-REDIS-0004";

    private LogIds() {}
}
