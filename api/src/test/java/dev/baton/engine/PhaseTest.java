package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.ChangeCause;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The election's phases and transitions as tables, without a scheduler or a store: which phase a state is in, what
 * each phase does next, and what every way of ending a tenure announces, gives back and leads to.
 */
class PhaseTest {

    @ParameterizedTest(name = "release pending {0}, grant {1}, competing {2}, backing off {3}: {4}")
    @DisplayName("the phase of a state: a pending release first, then a grant, then competing and its back-off")
    @CsvSource({
        // release, grant, competing, backingOff -> phase
        "true,  true,  true,  false, RELEASING",
        "true,  false, false, false, RELEASING",
        "true,  false, true,  true,  RELEASING",
        "false, true,  true,  false, LEADING",
        "false, true,  false, false, LEADING",
        "false, true,  true,  true,  LEADING",
        "false, false, true,  false, FOLLOWING",
        "false, false, true,  true,  BACKING_OFF",
        "false, false, false, false, STOPPED",
        "false, false, false, true,  STOPPED",
    })
    void phaseOfAState(boolean release, boolean grant, boolean competing, boolean backingOff, Phase expected) {
        assertEquals(expected, Phase.of(release, grant, competing, backingOff));
    }

    @ParameterizedTest(name = "{0}, deadline passed {1}: {2}")
    @DisplayName("the next step of each phase: release > renew (or end at a passed deadline) > acquire > wait")
    @CsvSource({
        "RELEASING,   false, RELEASE",
        "RELEASING,   true,  RELEASE",
        "LEADING,     false, RENEW",
        "LEADING,     true,  END_TERM",
        "FOLLOWING,   false, ACQUIRE",
        "BACKING_OFF, false, WAIT",
        "STOPPED,     false, NONE",
    })
    void nextStep(Phase phase, boolean pastDeadline, Phase.Step expected) {
        assertEquals(expected, phase.nextStep(pastDeadline));
    }

    @ParameterizedTest(name = "{0}, store failing {1}: {2}, release {3}, back-off {4}, then {5} / stopping {6},"
            + " graceful handover {7}")
    @DisplayName("every end of a tenure: the cause announced, the release, the back-off, the phase after it, and"
            + " whether it is a graceful handover (its log line waits for the release)")
    @CsvSource({
        // end,       failing -> cause,               releases, back-off,       phase if competing, if stopping, hands over
        "STEP_DOWN,   false,     RELEASED,            true,     STEP_DOWN,      RELEASING,          RELEASING,   true",
        "STEP_DOWN,   true,      RELEASED,            true,     STEP_DOWN,      RELEASING,          RELEASING,   true",
        "LEAVE,       false,     RELEASED,            true,     NONE,           RELEASING,          RELEASING,   true",
        "SHUTDOWN,    false,     SHUTDOWN,            true,     NONE,           RELEASING,          RELEASING,   true",
        "LOST,        false,     LOST_TO_ANOTHER,     false,    NONE,           FOLLOWING,          STOPPED,     false",
        "DEADLINE,    false,     EXPIRED,             true,     RENEW_INTERVAL, RELEASING,          RELEASING,   false",
        "DEADLINE,    true,      BACKEND_UNAVAILABLE, true,     RENEW_INTERVAL, RELEASING,          RELEASING,   false",
        "FATAL_ERROR, false,     BACKEND_UNAVAILABLE, true,     RENEW_INTERVAL, RELEASING,          RELEASING,   false",
        "FATAL_ERROR, true,      BACKEND_UNAVAILABLE, true,     RENEW_INTERVAL, RELEASING,          RELEASING,   false",
    })
    void termEnds(TenureEnd end, boolean failing, ChangeCause cause, boolean releases, TenureEnd.BackOff backOff,
            Phase whileCompeting, Phase whileStopping, boolean handsOver) {
        assertEquals(cause, end.cause(failing));
        assertEquals(handsOver, end.handsOver());
        assertEquals(releases, end.releases());
        assertEquals(backOff, end.backOff());
        assertEquals(whileCompeting, Phase.afterTenureEnd(end, true));
        assertEquals(whileStopping, Phase.afterTenureEnd(end, false));
    }

    @ParameterizedTest(name = "after {0} is released: {1} while competing, {2} when stopping")
    @DisplayName("once the release returned, the back-off the end asked for follows, unless the group stops")
    @CsvSource({
        "STEP_DOWN,   BACKING_OFF, STOPPED",
        "DEADLINE,    BACKING_OFF, STOPPED",
        "FATAL_ERROR, BACKING_OFF, STOPPED",
        "LEAVE,       FOLLOWING,   STOPPED",
        "SHUTDOWN,    FOLLOWING,   STOPPED",
    })
    void afterTheRelease(TenureEnd end, Phase whileCompeting, Phase whileStopping) {
        boolean backingOff = end.backOff() != TenureEnd.BackOff.NONE;
        assertEquals(whileCompeting, Phase.of(false, false, true, backingOff));
        assertEquals(whileStopping, Phase.of(false, false, false, backingOff));
    }
}
