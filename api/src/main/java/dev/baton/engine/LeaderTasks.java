package dev.baton.engine;

import dev.baton.ChangeCause;
import dev.baton.NotLeaderException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@code runWhileLeader} tasks of one group: each runs on Baton's task executor and is interrupted, its future
 * failed with {@link NotLeaderException}, when the tenure ends. The futures users get are completed on the event
 * thread, never on a lease thread ({@link EventDispatcher#completeOffLeaseThreads}).
 */
final class LeaderTasks {
    private final String group;
    private final Executor taskExecutor;
    private final EventDispatcher dispatcher;
    private final Set<LeaderTask<?>> running = new HashSet<>();

    LeaderTasks(String group, Executor taskExecutor, EventDispatcher dispatcher) {
        this.group = group;
        this.taskExecutor = taskExecutor;
        this.dispatcher = dispatcher;
    }

    /**
     * Starts a task of the current tenure. The caller holds the election's lock and has checked that it leads, so no
     * {@link #endAll} can slip in between.
     */
    <T> CompletableFuture<T> start(Callable<T> task) {
        LeaderTask<T> leaderTask = new LeaderTask<>(task);
        synchronized (running) {
            running.add(leaderTask);
        }
        // The task's own future may be completed on a lease thread (the tenure ended); the user gets a copy that is
        // completed on the event thread, so stages the user chains never run on (and stall) a lease thread.
        CompletableFuture<T> forUser = new CompletableFuture<>();
        leaderTask.result.whenComplete((v, e) -> {
            synchronized (running) {
                running.remove(leaderTask);
            }
            if (leaderTask.result.isCancelled()) {
                leaderTask.interrupt();
            }
            dispatcher.completeOffLeaseThreads(() -> {
                if (e == null) {
                    forUser.complete(v);
                } else {
                    forUser.completeExceptionally(e);
                }
            });
        });
        forUser.whenComplete((v, e) -> {
            if (forUser.isCancelled()) {
                leaderTask.result.cancel(true); // the user cancelled: interrupt the task
            }
        });
        taskExecutor.execute(leaderTask);
        return forUser;
    }

    /** Fails and interrupts every running task: the tenure ended with {@code cause}. */
    void endAll(ChangeCause cause) {
        List<LeaderTask<?>> all;
        synchronized (running) {
            all = new ArrayList<>(running);
        }
        for (LeaderTask<?> task : all) {
            task.leadershipEnded(cause);
        }
    }

    /** One task: interrupted, and its future failed, when the tenure ends. */
    private final class LeaderTask<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Callable<T> task;
        private Thread runner;
        private boolean finished;

        LeaderTask(Callable<T> task) {
            this.task = task;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (result.isDone()) {
                    return;
                }
                runner = Thread.currentThread();
            }
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                synchronized (this) {
                    finished = true;
                    runner = null;
                }
                Thread.interrupted(); // do not leak our interrupt into the pool thread's next task
            }
        }

        synchronized void interrupt() {
            if (runner != null && !finished) {
                runner.interrupt();
            }
        }

        void leadershipEnded(ChangeCause cause) {
            result.completeExceptionally(new NotLeaderException(
                    group, "leadership of group '" + group + "' ended (" + cause + ")"));
            interrupt();
        }
    }
}
