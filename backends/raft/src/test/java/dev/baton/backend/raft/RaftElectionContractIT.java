package dev.baton.backend.raft;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The TCK's election suite on a three-member Raft group in this JVM, with the kit's 2 s ttl renewed every 500 ms and
 * the default call timeout (a third of the ttl). Participants are spread over the members, so most of them are not on
 * the Raft leader and every call of theirs is forwarded. (The kit's slow-link tests need one server address to put a
 * proxy in front of; a Raft participant talks to its own member, so they are skipped.)
 */
class RaftElectionContractIT extends ElectionContract {
    private static RaftCluster cluster;

    @BeforeAll
    static void startGroup() {
        Duration ttl = Timing.scaled(Duration.ofSeconds(2));
        cluster = RaftCluster.start(3, ttl, ttl.dividedBy(3));
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
}
