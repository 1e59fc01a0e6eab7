package dev.baton.backend.raft;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The TCK's store contract against a three-member Raft group in this JVM: each client the kit opens goes through the
 * next member in turn, so two clients of one test usually sit on different members (one of them not the leader, its
 * calls forwarded).
 */
class RaftLeaseStoreContractIT extends LeaseStoreContract {
    private static RaftCluster cluster;

    @BeforeAll
    static void startGroup() {
        // The kit's longest lease is 30 s; a call may take up to 5 s on a busy machine.
        cluster = RaftCluster.start(3, Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stopGroup() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected LeaseStore newStore() {
        return cluster.nextStore();
    }

    @Override
    protected boolean supportsWatch() {
        return true;
    }
}
