package dev.baton.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the controller who leads now by tailing the participants' record files: the leader is the participant whose
 * latest confirmed unit of work is recent. Only steers fault injection (whom to hit); the checker never relies on it.
 */
final class LeaderTracker {

    /** The current leader as last seen in the records. */
    record Seen(ParticipantProcess participant, long token, long atNanos) {}

    private static final class Tail {
        long position;
        String partial = "";
        long lastValidNanos = Long.MIN_VALUE;
        long lastToken = -1;
    }

    private final Map<Path, Tail> tails = new HashMap<>();
    private final long freshNanos;

    /**
     * @param freshNanos how recent the latest confirmed work must be to count as leading now
     */
    LeaderTracker(long freshNanos) {
        this.freshNanos = freshNanos;
    }

    /**
     * @param participants the slots, each with its current incarnation
     * @return the participant that leads now, if any
     */
    Optional<Seen> leader(List<ParticipantProcess> participants) {
        long now = System.nanoTime();
        Seen best = null;
        for (ParticipantProcess p : participants) {
            Tail t = tails.computeIfAbsent(p.recordFile(), f -> new Tail());
            read(p.recordFile(), t);
            if (p.isAlive() && t.lastValidNanos != Long.MIN_VALUE && now - t.lastValidNanos < freshNanos && (best == null || t.lastValidNanos > best.atNanos)) {
                best = new Seen(p, t.lastToken, t.lastValidNanos);
            }
        }
        return Optional.ofNullable(best);
    }

    private static void read(Path file, Tail t) {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length <= t.position) {
                return;
            }
            byte[] bytes = new byte[(int) (length - t.position)];
            raf.seek(t.position);
            raf.readFully(bytes);
            t.position = length;
            String text = t.partial + new String(bytes, StandardCharsets.UTF_8);
            int lastNewline = text.lastIndexOf('\n');
            t.partial = text.substring(lastNewline + 1);
            for (String line : text.substring(0, lastNewline + 1).split("\n")) {
                String[] f = line.split(" ");
                // T slot token start end valid | H token start end valid
                if (f[0].equals("T") && f.length == 6 && f[5].equals("1")) {
                    t.lastToken = Long.parseLong(f[2]);
                    t.lastValidNanos = Long.parseLong(f[4]);
                } else if (f[0].equals("H") && f.length == 5 && f[4].equals("1")) {
                    t.lastToken = Long.parseLong(f[1]);
                    t.lastValidNanos = Long.parseLong(f[3]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // A torn read is retried on the next call; this only steers fault injection.
        }
    }
}
