package dev.baton.backend.zookeeper;

import dev.baton.testfixtures.ChildParticipant;
import dev.baton.testfixtures.ParticipantProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A participant process for the multi-process tests and benchmarks: competes for one group through a ZooKeeper store
 * (session timeout = ttl; the protocol is {@link ChildParticipant}'s). Arguments: connect string, group, participant
 * id, ttl in ms, renew interval in ms.
 */
public final class ZkParticipant {
    private ZkParticipant() {}

    public static void main(String[] args) throws Exception {
        ChildParticipant.Arguments a = ChildParticipant.Arguments.parse(args);
        ChildParticipant.run(
                ZooKeeperLeaseStoreFactory.open(a.store(), "/baton-bench", Optional.empty(), a.ttl(), a.renew()), a);
    }

    /** Starts a participant on the ensemble {@code connect} in a child JVM and waits until it is competing. */
    public static ParticipantProcess start(String connect, String group, String id, Duration ttl, Duration renew,
            Path logDir) throws IOException {
        return ParticipantProcess.start(ZkParticipant.class,
                new ChildParticipant.Arguments(connect, group, id, ttl, renew), logDir);
    }
}
