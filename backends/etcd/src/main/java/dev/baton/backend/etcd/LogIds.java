package dev.baton.backend.etcd;

/**
 * The stable ids of the etcd backend's log lines ({@code BATON-ETCD-0001} to {@code 0099}); never reused for another
 * meaning. The README lists every family of ids.
 */
final class LogIds {
    /** A lease watch callback threw (WARNING). */
    static final String WATCH_CALLBACK_FAILED = "BATON-ETCD-0001";
    /** The sweeper that deletes keys nobody renewed within their ttl failed one round (WARNING). */
    static final String SWEEPER_FAILED = "BATON-ETCD-0002";
    /** A lease key's leader metadata cannot be decoded: the lease is reported without metadata (WARNING, once). */
    static final String METADATA_UNREADABLE = "BATON-ETCD-0003";

    private LogIds() {}
}
