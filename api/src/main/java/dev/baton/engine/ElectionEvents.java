package dev.baton.engine;

import dev.baton.ChangeCause;
import dev.baton.LeaderInfo;
import dev.baton.LeadershipChanged;
import dev.baton.Registration;
import dev.baton.Role;
import dev.baton.observe.ElectionObserver;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the outside world hears of one group's election: its role changes, as {@link LeadershipChanged} events to the
 * group's and Baton's listeners (delivered on the event thread by the {@link EventDispatcher}, never on a lease
 * thread) and as a log line, and the leader it knows, to the {@link ElectionObserver}.
 *
 * <p>Announcements are made under the election's lock, in the order of its transitions; the listeners list is
 * thread-safe on its own. The log line of a graceful end (step-down, leave, close) is held until its release is
 * answered ({@link #flushHeldLogLine}): the listeners hear of it at once, but formatting and writing the line (a few
 * hundred microseconds of code that rarely runs, so interpreted) would otherwise compete for the CPU with the release
 * a successor is waiting for. Other ends (an expired or lost tenure, whose warning an operator needs now) are logged
 * at once.
 */
final class ElectionEvents {
    // The election's logger, whichever class logs: operators filter on it.
    private static final System.Logger LOG = System.getLogger(GroupElection.class.getName());

    private final String group;
    private final String participant;
    private final Scheduler scheduler;
    private final EventDispatcher dispatcher;
    private final List<Consumer<LeadershipChanged>> globalListeners;
    private final List<Consumer<LeadershipChanged>> listeners = new CopyOnWriteArrayList<>();
    /** Told when the leader this participant knows changes ({@link #leaderSeen}). */
    private final ElectionObserver observer;
    /** The leader last reported to {@link #observer}; none until one is known. Guarded by the election's lock. */
    private Optional<String> reportedLeader = Optional.empty();
    /** A tenure end's log line held while its release is out, else null. Guarded by the election's lock. */
    private Runnable heldLogLine;

    ElectionEvents(String group, String participant, Scheduler scheduler, EventDispatcher dispatcher,
            List<Consumer<LeadershipChanged>> globalListeners, ElectionObserver observer) {
        this.group = group;
        this.participant = participant;
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.globalListeners = globalListeners;
        this.observer = observer;
    }

    /**
     * @param listener told of this group's role changes, on the event thread
     * @return a registration that removes it
     */
    Registration add(Consumer<LeadershipChanged> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Announces a role change. Caller holds the election's lock.
     *
     * @param leader the leader when known: its id and metadata go into the event
     * @param lateNanos how long before now the tenure stopped being valid (0 when it ends now, or for an acquisition)
     * @param handingOver whether a graceful handover's release follows: the log line is then held until
     *     {@link #flushHeldLogLine} (the listeners are told at once)
     */
    void roleChanged(Role role, Role previous, ChangeCause cause, long token, Optional<LeaderInfo> leader,
            long lateNanos, boolean handingOver) {
        flushHeldLogLine(); // lines stay in the order of the changes
        Instant at = scheduler.wallClock();
        Instant validUntil = at.minusNanos(lateNanos);
        LeadershipChanged event = new LeadershipChanged(group, participant, role, previous,
                leader.map(LeaderInfo::participant), OptionalLong.of(token), cause, at, validUntil,
                leader.map(LeaderInfo::metadata).orElse(Map.of()));
        // Logged on the event thread, before the listeners: formatting and writing a log line costs a few hundred
        // microseconds, which on the calling thread would delay what follows the change under the lock (the release
        // of a graceful handover, issue 18). The line is built here, without parameters, so no MessageFormat runs:
        // it would print the token with the locale's grouping separators (4,294,967,301: not what an operator greps
        // for), and parsing its pattern on every change is the costliest part of formatting a line that rarely runs.
        Level level = cause == ChangeCause.ACQUIRED || cause == ChangeCause.RELEASED || cause == ChangeCause.SHUTDOWN
                ? Level.INFO : Level.WARNING;
        Runnable logLine = () -> LOG.log(level, LogIds.ROLE_CHANGED + ": group '" + group + "': " + previous + " -> "
                + role + " (" + cause + ", token " + token + ")");
        List<Consumer<LeadershipChanged>> all = new ArrayList<>(globalListeners);
        all.addAll(listeners);
        if (handingOver) {
            heldLogLine = logLine;
            dispatcher.dispatch(event, null, all);
        } else {
            dispatcher.dispatch(event, logLine, all);
        }
    }

    /**
     * Logs the held line of a tenure's end (on the event thread, after what was dispatched before), if any: once its
     * release was answered or given up, or before the next change's. Caller holds the election's lock.
     */
    void flushHeldLogLine() {
        Runnable line = heldLogLine;
        if (line != null) {
            heldLogLine = null;
            dispatcher.log(line);
        }
    }

    /**
     * Tells the observer when the leader this participant knows changed, so metrics can count the time without one.
     * Called after every store answer and every end of a tenure. Caller holds the election's lock.
     *
     * @param now the leader known now
     */
    void leaderSeen(Optional<String> now) {
        if (!now.equals(reportedLeader)) {
            reportedLeader = now;
            observer.leaderSeen(group, now);
        }
    }
}
