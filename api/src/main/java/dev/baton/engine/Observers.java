package dev.baton.engine;

import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Registration;
import dev.baton.observe.ElectionObserver;
import dev.baton.observe.StoreOperation;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every {@link ElectionObserver} of one {@link Baton}, called in turn; one that throws is logged (once per observer
 * and method, so a broken metrics adapter cannot flood the log) and the others still run.
 */
final class Observers implements ElectionObserver {
    private static final System.Logger LOG = System.getLogger(Baton.class.getName());

    private final List<ElectionObserver> all = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Registration add(ElectionObserver observer) {
        all.add(observer);
        return () -> all.remove(observer);
    }

    @Override
    public void electionStarted(LeaderElection election) {
        for (ElectionObserver o : all) {
            try {
                o.electionStarted(election);
            } catch (RuntimeException | LinkageError e) {
                report(o, "electionStarted", e);
            }
        }
    }

    @Override
    public void storeCall(String name, StoreOperation operation, long nanos, RuntimeException failure) {
        for (ElectionObserver o : all) {
            try {
                o.storeCall(name, operation, nanos, failure);
            } catch (RuntimeException | LinkageError e) {
                report(o, "storeCall", e);
            }
        }
    }

    @Override
    public void leadershipChanged(LeadershipChanged change) {
        for (ElectionObserver o : all) {
            try {
                o.leadershipChanged(change);
            } catch (RuntimeException | LinkageError e) {
                report(o, "leadershipChanged", e);
            }
        }
    }

    @Override
    public void leaderSeen(String group, Optional<String> leader) {
        for (ElectionObserver o : all) {
            try {
                o.leaderSeen(group, leader);
            } catch (RuntimeException | LinkageError e) {
                report(o, "leaderSeen", e);
            }
        }
    }

    private void report(ElectionObserver o, String method, Throwable e) {
        if (reported.add(o.getClass().getName() + "." + method)) {
            LOG.log(Level.WARNING, LogIds.OBSERVER_FAILED + ": observer " + o.getClass().getName() + "." + method + " failed; Baton goes on"
                    + " (further failures of this method are not logged)", e);
        }
    }
}
