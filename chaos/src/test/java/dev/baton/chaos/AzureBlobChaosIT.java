package dev.baton.chaos;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The short chaos run against the azure-blob backend on Azurite (metadata in MariaDB, so a killed emulator keeps
 * what it acknowledged, like the service): 3 participant JVMs, random faults, zero violations.
 */
class AzureBlobChaosIT {

    @Test
    @DisplayName("azure-blob: no overlap, increasing tokens, bounded failover and no lost ticks under chaos")
    void chaos() {
        ChaosAssertions.runAndAssert("azure-blob");
    }
}
