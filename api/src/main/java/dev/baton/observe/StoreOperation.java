package dev.baton.observe;

/** A call the engine makes to its {@link dev.baton.spi.LeaseStore}. */
public enum StoreOperation {
    /** {@code tryAcquire}: a follower (or a one-off lease) tries to take a lease. */
    ACQUIRE,
    /** {@code renew} (also each lease of a batched {@code renewAll}): a leader extends its lease. */
    RENEW,
    /** {@code release}: a lease is given up (step-down, shutdown, a lost tenure's cleanup). */
    RELEASE,
    /** {@code read}: who holds a lease. */
    READ;

    /** @return the lower-case name used in metric tags and events, e.g. {@code renew} */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
