package dev.baton.backend.file;

import dev.baton.spi.LeaseRecord;
import dev.baton.testfixtures.ChildParticipant;
import dev.baton.testfixtures.ParticipantProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A child process that works on one lease without pause (acquire, renew, read, release, over and over), so that a
 * SIGSTOP almost always lands in the middle of a store operation. Arguments as {@link ChildParticipant.Arguments}
 * (the renew interval is unused). Prints {@code READY <pid>}, then nothing; runs until killed.
 */
public final class FileHammer {
    private FileHammer() {}

    public static void main(String[] args) {
        ChildParticipant.Arguments a = ChildParticipant.Arguments.parse(args);
        FileLeaseStore store = FileLeaseStore.open(Path.of(a.store()));
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (true) {
            try {
                Optional<LeaseRecord> got = store.tryAcquire(a.group(), a.id(), a.ttl());
                if (got.isPresent() && got.get().holder().equals(a.id())) {
                    long token = got.get().token();
                    store.renew(a.group(), a.id(), token, a.ttl());
                    store.read(a.group());
                    store.release(a.group(), a.id(), token);
                }
            } catch (RuntimeException e) {
                // The parent's takeovers make some calls fail or lose; the point is only to be inside one.
            }
        }
    }

    /** Starts a hammer on lease {@code group} in {@code dir}. */
    static ParticipantProcess start(Path dir, String group, String id, Duration ttl, Path logDir) throws IOException {
        return ParticipantProcess.start(FileHammer.class,
                new ChildParticipant.Arguments(dir.toString(), group, id, ttl, Duration.ofSeconds(1)), logDir);
    }
}
