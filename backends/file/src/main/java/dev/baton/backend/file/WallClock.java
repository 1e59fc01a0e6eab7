package dev.baton.backend.file;

import java.lang.System.Logger.Level;

/**
 * The file store's clock: the host's wall clock, the one clock every process on a host shares ({@code nanoTime} is
 * not guaranteed to be comparable between JVMs). Its weakness is that it can be stepped (an NTP step, a manual
 * change); this class notices a step by comparing it with the monotonic clock and logs it, because a forward step
 * shortens leases in the store and a backward step lengthens them. Holders are not endangered by a backward step:
 * Baton trusts a grant only until a deadline measured on the monotonic clock.
 */
final class WallClock {
    private static final System.Logger LOG = System.getLogger(WallClock.class.getName());
    /** Steps smaller than this are scheduler noise, not clock changes. */
    private static final long STEP_MILLIS = 1_000;

    private volatile long offsetMillis = offset();

    private static long offset() {
        return System.currentTimeMillis() - System.nanoTime() / 1_000_000;
    }

    /** @return the wall clock in milliseconds, after logging a step seen since the last call */
    long nowMillis() {
        long now = System.currentTimeMillis();
        long offset = now - System.nanoTime() / 1_000_000;
        long step = offset - offsetMillis;
        if (Math.abs(step) > STEP_MILLIS) {
            offsetMillis = offset;
            LOG.log(Level.WARNING, LogIds.CLOCK_STEPPED + ": the wall clock stepped {0} by {1} ms: file leases, which"
                    + " expire by the wall clock, now expire {2} than their holders expect; check NTP and the"
                    + " clocks of every host sharing the directory", step > 0 ? "forward" : "backward",
                    Long.toString(Math.abs(step)), step > 0 ? "earlier" : "later");
        }
        return now;
    }
}
