package dev.baton.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a chaos run's record files by hand, so checker tests control every stamp. Times are in milliseconds. */
final class SyntheticRun {
    static final long MS = 1_000_000L;
    private final Path dir;
    private final Map<String, StringBuilder> participants = new LinkedHashMap<>();
    private final StringBuilder faults = new StringBuilder();

    SyntheticRun(Path dir) {
        this.dir = dir;
    }

    /** A participant that started at 0 and exits cleanly at {@code exitMs} (or never, when negative). */
    SyntheticRun participant(String id, long exitMs) {
        StringBuilder sb = new StringBuilder();
        sb.append("S ").append(id).append(" 100 0 1700000000000\n");
        if (exitMs >= 0) {
            sb.append("X ").append(exitMs * MS).append('\n');
        }
        participants.put(id, sb);
        return this;
    }

    /** Confirmed ticks of slots {@code from..to} (100 ms slots), each stamped 1 ms into its slot. */
    SyntheticRun ticks(String id, long token, long fromSlot, long toSlot) {
        for (long s = fromSlot; s <= toSlot; s++) {
            tick(id, token, s, s * 100 + 1, true);
        }
        return this;
    }

    SyntheticRun tick(String id, long token, long slot, long atMs, boolean valid) {
        participants.get(id).append("T ").append(slot).append(' ').append(token).append(' ').append(atMs * MS)
                .append(' ').append(atMs * MS + 50_000).append(' ').append(valid ? 1 : 0).append('\n');
        return this;
    }

    SyntheticRun event(String id, String cause, String role, long token, long atMs) {
        participants.get(id).append("E ").append(cause).append(' ').append(role).append(' ').append(token)
                .append(' ').append(atMs * MS).append('\n');
        return this;
    }

    /**
     * A role change with the event's instants: {@code at} and {@code validUntil} on the wall clock, in milliseconds
     * from the start (the start line puts the wall clock at 1700000000000 ms when the monotonic clock reads 0).
     */
    SyntheticRun event(String id, String cause, String role, long token, long atMs, long validUntilMs) {
        participants.get(id).append("E ").append(cause).append(' ').append(role).append(' ').append(token)
                .append(' ').append(atMs * MS).append(' ').append(wallMicros(atMs)).append(' ')
                .append(wallMicros(validUntilMs)).append('\n');
        return this;
    }

    private static long wallMicros(long ms) {
        return (1_700_000_000_000L + ms) * 1_000;
    }

    SyntheticRun fault(int n, FaultKind kind, String target, long startMs, long healMs) {
        faults.append("F ").append(n).append(' ').append(kind).append(' ').append(target).append(' ')
                .append(startMs * MS).append('\n');
        faults.append("R ").append(n).append(' ').append(healMs * MS).append('\n');
        return this;
    }

    SyntheticRun killed(String id) {
        faults.append("K ").append(id).append(" 0\n");
        return this;
    }

    /** Writes the files and checks them. */
    CheckResult check() {
        try {
            Files.createDirectories(dir.resolve("participants"));
            Files.writeString(dir.resolve("run.properties"), String.join("\n", "backend=synthetic",
                    "participants=" + participants.size(), "ttl.ms=2000", "renew.ms=500", "tick.ms=100",
                    "probe.ms=25", "duration.ms=10000", "leader.bound.ms=3500", "server.bound.ms=8000",
                    "epoch.nanos=0", "seed=1"));
            Files.writeString(dir.resolve("faults.rec"), "B 0\n" + faults + "Z 100000000000\n");
            for (Map.Entry<String, StringBuilder> e : participants.entrySet()) {
                Files.writeString(dir.resolve("participants").resolve(e.getKey() + ".rec"), e.getValue(),
                        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CheckResult result = ChaosChecker.check(RunRecords.read(dir));
        Reports.write(dir, result); // the report must render for every shape of run
        return result;
    }
}
