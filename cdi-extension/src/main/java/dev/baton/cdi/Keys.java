package dev.baton.cdi;

/**
 * The configuration keys the extension reads (MicroProfile Config; {@code .} and {@code -} become {@code _} in
 * environment variables, e.g. {@code BATON_GROUPS_REPORTS_TTL}).
 */
final class Keys {
    static final String PREFIX = "baton.";
    static final String BACKEND = "baton.backend";
    static final String PARTICIPANT = "baton.participant";
    /** {@code baton.participant.metadata.<key>=<value>}: the leader metadata this participant advertises. */
    static final String METADATA_PREFIX = "baton.participant.metadata.";
    /** The environment-variable form of {@link #METADATA_PREFIX}. */
    static final String METADATA_ENV_PREFIX = "BATON_PARTICIPANT_METADATA_";
    static final String GROUP = "baton.group";
    static final String LEASE_PREFIX = "baton.lease.";
    static final String GROUPS_PREFIX = "baton.groups.";
    static final String TTL = "ttl";
    static final String RENEW_INTERVAL = "renew-interval";
    static final String SAFETY_MARGIN = "safety-margin";
    static final String READINESS = "readiness";
    static final String READINESS_ANY = "any";
    static final String READINESS_LEADER_ONLY = "leader-only";
    static final String SHUTDOWN_TIMEOUT = "baton.shutdown-timeout";
    static final String SCHEDULER_THREADS = "baton.scheduler.threads";
    static final String DEFAULT_GROUP = "default";

    private Keys() {}

    static String group(String group, String key) {
        return GROUPS_PREFIX + group + "." + key;
    }

    static String lease(String key) {
        return LEASE_PREFIX + key;
    }
}
