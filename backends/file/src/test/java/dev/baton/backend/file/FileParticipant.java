package dev.baton.backend.file;

import dev.baton.testfixtures.ChildParticipant;
import dev.baton.testfixtures.ParticipantProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A participant process for the multi-process tests and benchmarks: competes for one group through a file store
 * (the protocol is {@link ChildParticipant}'s). Arguments: directory, group, participant id, ttl in ms, renew interval
 * in ms.
 */
public final class FileParticipant {
    private FileParticipant() {}

    public static void main(String[] args) throws Exception {
        ChildParticipant.Arguments a = ChildParticipant.Arguments.parse(args);
        ChildParticipant.run(FileLeaseStore.open(Path.of(a.store())), a);
    }

    /** Starts a participant on the lease directory {@code dir} in a child JVM and waits until it is competing. */
    public static ParticipantProcess start(Path dir, String group, String id, Duration ttl, Duration renew,
            Path logDir) throws IOException {
        return ParticipantProcess.start(FileParticipant.class,
                new ChildParticipant.Arguments(dir.toString(), group, id, ttl, renew), logDir);
    }
}
