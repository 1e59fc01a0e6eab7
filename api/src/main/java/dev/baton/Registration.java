package dev.baton;

/** A listener registration; {@link #close()} removes the listener. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    /** Removes the listener. Idempotent. Events already queued for it may still be delivered. */
    @Override
    void close();
}
