package dev.baton.chaos;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The short chaos run against the raft backend: 3 participant JVMs, random faults, zero violations. */
class RaftChaosIT {

    @Test
    @DisplayName("raft: no overlap, increasing tokens, bounded failover and no lost ticks under chaos")
    void chaos() {
        ChaosAssertions.runAndAssert("raft");
    }
}
