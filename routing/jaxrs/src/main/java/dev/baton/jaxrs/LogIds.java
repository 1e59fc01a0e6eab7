package dev.baton.jaxrs;

/**
 * The stable ids of this module's errors ({@code BATON-JAXRS-0001} to {@code 0099}); never reused for another
 * meaning. The README lists every family of ids.
 */
final class LogIds {
    /** {@code @LeaderOnly} names an invalid group (deployment error). */
    static final String BAD_GROUP = "BATON-JAXRS-0001";
    /** {@code @LeaderOnly}'s retry delay is out of range (deployment error). */
    static final String BAD_RETRY_AFTER = "BATON-JAXRS-0002";

    private LogIds() {}
}
