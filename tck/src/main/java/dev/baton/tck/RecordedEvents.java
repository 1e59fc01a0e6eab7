package dev.baton.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.ChangeCause;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A listener that records one election's {@link LeadershipChanged} events and the threads they arrived on, and lets
 * a test wait for an event without sleeping.
 */
final class RecordedEvents implements Consumer<LeadershipChanged> {
    private final List<LeadershipChanged> events = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();

    @Override
    public synchronized void accept(LeadershipChanged event) {
        events.add(event);
        threads.add(Thread.currentThread().getName());
        notifyAll();
    }

    synchronized List<LeadershipChanged> events() {
        return List.copyOf(events);
    }

    synchronized List<String> threads() {
        return List.copyOf(threads);
    }

    /**
     * Waits for the first event matching {@code condition}.
     *
     * @param what the event in words, for the failure message
     * @param timeout before scaling by {@link Timing}
     * @return the event
     */
    synchronized LeadershipChanged await(String what, Predicate<LeadershipChanged> condition, Duration timeout) {
        long end = System.nanoTime() + Timing.scaled(timeout).toNanos();
        while (true) {
            for (LeadershipChanged e : events) {
                if (condition.test(e)) {
                    return e;
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return fail("no event '" + what + "' within " + timeout.toMillis() + " ms (scaled by "
                        + Timing.factor() + "); events: " + events);
            }
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Waits for the first event ending a tenure (whatever its cause). */
    LeadershipChanged awaitEnd(Duration timeout) {
        return await("end of a tenure", LeadershipChanged::lost, timeout);
    }

    /** Waits for the event ending the tenure with this fencing token (whatever its cause). */
    LeadershipChanged awaitEndOf(long token, Duration timeout) {
        return await("end of the tenure with token " + token,
                e -> e.lost() && e.fencingToken().equals(OptionalLong.of(token)), timeout);
    }

    /**
     * Checks the event grammar: tenures alternate, each starts with ACQUIRED (FOLLOWER to LEADER) and ends with exactly
     * one event back to FOLLOWER carrying the same token and a cause other than ACQUIRED; tokens of successive
     * tenures strictly increase; every event names this group and participant.
     */
    synchronized void assertWellFormed(String group, String participant) {
        assertWellFormed(events, group, participant);
    }

    /** {@link #assertWellFormed(String, String)} for each group's events separately, for a participant of many. */
    synchronized void assertWellFormedPerGroup(String participant) {
        Map<String, List<LeadershipChanged>> byGroup = new LinkedHashMap<>();
        events.forEach(e -> byGroup.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e));
        byGroup.forEach((group, list) -> assertWellFormed(list, group, participant));
    }

    private static void assertWellFormed(List<LeadershipChanged> events, String group, String participant) {
        Long openToken = null;
        long lastToken = 0;
        for (LeadershipChanged e : events) {
            assertEquals(group, e.group(), () -> "group of " + e);
            assertEquals(participant, e.participant(), () -> "participant of " + e);
            assertTrue(e.fencingToken().isPresent(), () -> "token of " + e);
            long token = e.fencingToken().getAsLong();
            if (openToken == null) {
                assertEquals(ChangeCause.ACQUIRED, e.cause(), () -> "a tenure must start with ACQUIRED: " + events);
                assertEquals(Role.LEADER, e.role(), () -> "role after ACQUIRED: " + events);
                assertEquals(Role.FOLLOWER, e.previousRole(), () -> "previous role before ACQUIRED: " + events);
                assertTrue(token > lastToken, () -> "tokens of successive tenures must increase: " + events);
                assertEquals(participant, e.leader().orElse(null), () -> "leader named by ACQUIRED: " + events);
                openToken = token;
                lastToken = token;
            } else {
                assertTrue(e.cause() != ChangeCause.ACQUIRED, () -> "two ACQUIRED without an end between: " + events);
                assertEquals(Role.FOLLOWER, e.role(), () -> "role after an end event: " + events);
                assertEquals(Role.LEADER, e.previousRole(), () -> "previous role of an end event: " + events);
                assertEquals(openToken.longValue(), token, () -> "an end event carries its tenure's token: " + events);
                openToken = null;
            }
        }
    }

    @Override
    public synchronized String toString() {
        List<String> shown = new ArrayList<>();
        events.forEach(e -> shown.add(e.cause() + "(" + e.fencingToken() + ")"));
        return shown.toString();
    }
}
