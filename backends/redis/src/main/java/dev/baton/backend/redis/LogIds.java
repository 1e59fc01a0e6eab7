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

    private LogIds() {}
}
