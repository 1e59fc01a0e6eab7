package dev.baton.chaos;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The short chaos run against the jdbc backend on MariaDB (no notifications): 3 participant JVMs, random faults,
 * zero violations.
 */
class MariaDbChaosIT {

    @Test
    @DisplayName("mariadb: no overlap, increasing tokens, bounded failover and no lost ticks under chaos")
    void chaos() {
        ChaosAssertions.runAndAssert("mariadb");
    }
}
