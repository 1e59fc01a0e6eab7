package dev.baton.backend.raft;

import dev.baton.testfixtures.ChildParticipant;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.testfixtures.ParticipantProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A participant process that is also a member of the Raft group (the protocol is {@link ChildParticipant}'s). Its
 * store argument is {@code members|node-id|data-dir|failure-detection-timeout}; the participant id is the node id.
 */
public final class RaftParticipant {
    private RaftParticipant() {}

    public static void main(String[] args) throws Exception {
        ChildParticipant.Arguments a = ChildParticipant.Arguments.parse(args);
        String[] parts = a.store().split("\\|", -1);
        MapStoreContext context = new MapStoreContext()
                .with(RaftLeaseStoreFactory.MEMBERS, parts[0])
                .with(RaftLeaseStoreFactory.NODE_ID, parts[1])
                .with(RaftLeaseStoreFactory.DATA_DIR, parts[2])
                .with(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT, parts[3])
                .shortestTtl(a.ttl());
        ChildParticipant.run(new RaftLeaseStoreFactory().create(context), a);
    }

    /** Starts member {@code nodeId} of {@code members} in a child JVM and waits until it competes for {@code group}. */
    static ParticipantProcess start(String members, String nodeId, Path dataDir, Duration failureDetection,
            String group, Duration ttl, Duration renew, Path logDir) throws IOException {
        String store = members + "|" + nodeId + "|" + dataDir + "|" + failureDetection.toMillis() + "ms";
        return ParticipantProcess.start(RaftParticipant.class,
                new ChildParticipant.Arguments(store, group, nodeId, ttl, renew), logDir);
    }
}
