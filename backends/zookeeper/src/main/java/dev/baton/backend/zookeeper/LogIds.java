package dev.baton.backend.zookeeper;

/**
 * The stable ids of the ZooKeeper backend's log lines ({@code BATON-ZK-0001} to {@code 0099}); never reused for
 * another meaning. The README lists every family of ids.
 */
final class LogIds {
    /** A lease watch callback threw (WARNING). */
    static final String WATCH_CALLBACK_FAILED = "BATON-ZK-0001";
    /** Re-adding the lease watch after a reconnection failed (WARNING). */
    static final String REWATCH_FAILED = "BATON-ZK-0002";
    /** The connection to ZooKeeper was suspended (WARNING). */
    static final String SUSPENDED = "BATON-ZK-0003";
    /** The ZooKeeper session was lost (WARNING). */
    static final String SESSION_LOST = "BATON-ZK-0004";
    /** The connection came back after a suspension or a lost session (INFO). */
    static final String RECONNECTED = "BATON-ZK-0005";
    /** A lease's leader metadata cannot be decoded: the lease is reported without metadata (WARNING, once). */
    static final String METADATA_UNREADABLE = "BATON-ZK-0006";

    private LogIds() {}
}
