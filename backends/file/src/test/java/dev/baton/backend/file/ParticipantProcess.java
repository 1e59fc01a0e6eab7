package dev.baton.backend.file;

import dev.baton.tck.fixtures.Timing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link FileParticipant} child JVM on this test's class path, with its stdout collected line by line. */
public final class ParticipantProcess implements AutoCloseable {
    /** A line the child printed, with the parent's {@link System#nanoTime()} when it arrived. */
    public record Line(String text, long receivedNanos) {}

    private final String id;
    private final Process process;
    private final Writer stdin;
    private final List<Line> lines = new ArrayList<>();

    private ParticipantProcess(String id, Process process) {
        this.id = id;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLines, "participant-" + id + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a participant and waits until it is competing. */
    public static ParticipantProcess start(Path dir, String group, String id, Duration ttl, Duration renew,
            Path logDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), FileParticipant.class.getName(), dir.toString(), group, id,
                Long.toString(ttl.toMillis()), Long.toString(renew.toMillis()));
        pb.redirectError(logDir.resolve(id + ".stderr.log").toFile());
        ParticipantProcess p = new ParticipantProcess(id, pb.start());
        p.await("READY", l -> l.startsWith("READY"), Duration.ofSeconds(20));
        return p;
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(new Line(line, System.nanoTime()));
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
    }

    public String id() {
        return id;
    }

    public long pid() {
        return process.pid();
    }

    /** @return the first line (printed from index {@code from} on) matching, waiting up to the scaled timeout */
    public Line await(String what, Predicate<String> match, Duration timeout) {
        return awaitFrom(0, what, match, timeout);
    }

    public Line awaitFrom(int from, String what, Predicate<String> match, Duration timeout) {
        long end = System.nanoTime() + Timing.scaled(timeout).toNanos();
        synchronized (lines) {
            int i = from;
            while (true) {
                for (; i < lines.size(); i++) {
                    if (match.test(lines.get(i).text())) {
                        return lines.get(i);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("participant " + id + ": no line '" + what + "' within "
                            + Timing.scaled(timeout).toMillis() + " ms; lines: " + texts());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** @return the index the next line will have */
    public int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** @return a non-null line list copy */
    public List<String> texts() {
        synchronized (lines) {
            return lines.stream().map(Line::text).toList();
        }
    }

    public void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** Sends {@code status} and returns whether the child says it leads. */
    public boolean askLeader() throws IOException {
        int from = mark();
        send("status");
        return awaitFrom(from, "STATUS", l -> l.startsWith("STATUS "), Duration.ofSeconds(5)).text()
                .startsWith("STATUS true");
    }

    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException ignored) {
                // It may have just exited.
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
