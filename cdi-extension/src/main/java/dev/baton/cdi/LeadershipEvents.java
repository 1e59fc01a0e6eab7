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
    private final ClassLoader deploymentLoader;
    private final Object tailLock = new Object();
    private CompletableFuture<Void> asyncTail = CompletableFuture.completedFuture(null);

    /**
     * @param event the application's event
     */
    LeadershipEvents(Event<LeadershipChanged> event) {
        this.event = event;
        // Created while the application starts: its context class loader is the deployment's.
        this.deploymentLoader = Thread.currentThread().getContextClassLoader();
    }

    @Override
    public void accept(LeadershipChanged change) {
        ClassLoader previous = enterDeployment();
        try {
            event.fire(change);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, Messages.OBSERVER_FAILED + ": an @Observes LeadershipChanged observer failed on "
                    + change + "; other observers and Baton go on", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        synchronized (tailLock) {
            asyncTail = asyncTail.thenCompose(ignored -> fireAsync(change));
        }
    }

    /**
     * Events are fired from Baton's event thread and from the thread that completed the previous async delivery,
     * neither of them a container thread: some containers (WildFly) find the deployment by the thread's context class
     * loader, and refuse to fire without it.
     *
     * @return the loader to restore
     */
    private ClassLoader enterDeployment() {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        if (deploymentLoader != null) {
            t.setContextClassLoader(deploymentLoader);
        }
        return previous;
    }

    private CompletableFuture<Void> fireAsync(LeadershipChanged change) {
        ClassLoader previous = enterDeployment();
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
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
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
