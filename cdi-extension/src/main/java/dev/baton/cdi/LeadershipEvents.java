package dev.baton.cdi;

import dev.baton.LeadershipChanged;
import jakarta.enterprise.event.Event;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Turns Baton's role changes into CDI events. Registered as Baton's global listener, so it runs on Baton's event
 * thread (never on a thread that renews leases): {@code @Observes} observers run right there, in order;
 * {@code @ObservesAsync} observers run on the container's async executor, one event after the other so that they
 * too see the changes in order (a slow async observer delays later async events, never renewals).
 */
final class LeadershipEvents implements Consumer<LeadershipChanged> {
    private static final System.Logger LOG = System.getLogger(BatonRuntime.class.getName());

    private final Event<LeadershipChanged> event;
    private final Object tailLock = new Object();
    private CompletableFuture<Void> asyncTail = CompletableFuture.completedFuture(null);

    LeadershipEvents(Event<LeadershipChanged> event) {
        this.event = event;
    }

    @Override
    public void accept(LeadershipChanged change) {
        try {
            event.fire(change);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, Messages.OBSERVER_FAILED + ": an @Observes LeadershipChanged observer failed on "
                    + change + "; other observers and Baton go on", e);
        }
        synchronized (tailLock) {
            asyncTail = asyncTail.thenCompose(ignored -> fireAsync(change));
        }
    }

    private CompletableFuture<Void> fireAsync(LeadershipChanged change) {
        try {
            return event.fireAsync(change).toCompletableFuture().handle((v, e) -> {
                if (e != null) {
                    LOG.log(Level.WARNING, Messages.OBSERVER_FAILED + ": an @ObservesAsync LeadershipChanged observer"
                            + " failed on " + change, e);
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, Messages.OBSERVER_FAILED + ": LeadershipChanged could not be fired asynchronously: "
                    + change, e);
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Waits until the async observers have seen every event fired so far, so that the {@code SHUTDOWN} events reach
     * them before the container goes away.
     *
     * @param timeout the longest wait
     */
    void awaitAsync(Duration timeout) {
        CompletableFuture<Void> tail;
        synchronized (tailLock) {
            tail = asyncTail;
        }
        try {
            tail.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "@ObservesAsync LeadershipChanged observers did not finish within " + timeout);
        }
    }
}
