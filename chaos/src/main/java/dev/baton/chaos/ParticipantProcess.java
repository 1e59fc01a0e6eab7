package dev.baton.chaos;

import dev.baton.tck.fixtures.Timing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One participant slot of a chaos run ({@code p1}, {@code p2}, ...) and the JVM currently filling it. Each start is a
 * new incarnation with its own participant id ({@code p1.2}) and record file, so a restarted process never inherits
 * its predecessor's lease by name. Not thread-safe: the controller drives it from one thread.
 */
final class ParticipantProcess {
    /** How long a graceful shutdown (Baton's own is bounded by 3 s) may take on a busy machine; scaled. */
    private static final Duration GRACEFUL = Duration.ofSeconds(30);
    /** How long the exit after SIGKILL may take to be seen; scaled. */
    private static final Duration EXIT = Duration.ofSeconds(30);
    private final int index;
    private final Path runDir;
    private final Map<String, String> properties;
    private int incarnation;
    private Process process;

    /**
     * @param index 1-based slot number
     * @param runDir the run's folder (records under {@code participants/}, output under {@code logs/})
     * @param properties system properties for the JVM ({@code baton.*} and {@code chaos.*} except id and record)
     */
    ParticipantProcess(int index, Path runDir, Map<String, String> properties) {
        this.index = index;
        this.runDir = runDir;
        this.properties = Map.copyOf(properties);
    }

    int index() {
        return index;
    }

    String id() {
        return "p" + index + "." + incarnation;
    }

    Path recordFile() {
        return runDir.resolve("participants").resolve(id() + ".rec");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the next incarnation. */
    void start() {
        incarnation++;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and cheap: three of these share two cores with the backend server and the controller.
        cmd.addAll(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-Dchaos.id=" + id());
        cmd.add("-Dchaos.record=" + recordFile());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChaosParticipant.class.getName());
        Path log = runDir.resolve("logs").resolve(id() + ".log");
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start participant " + id(), e);
        }
    }

    /** SIGKILL, then waits for the exit. */
    void kill() {
        process.destroyForcibly();
        awaitExit(EXIT);
    }

    /**
     * SIGTERM (graceful: Baton releases its lease), SIGKILL when it has not exited within {@link #GRACEFUL} (the
     * checker then reports it as DIED: a shutdown that hangs is a failure, a slow one on a busy machine is not).
     */
    void terminate() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(GRACEFUL)) {
            process.destroyForcibly();
            awaitExit(EXIT);
        }
    }

    /**
     * @param signal {@code STOP} or {@code CONT}
     */
    void signal(String signal) {
        Signals.send(signal, process.pid());
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(Timing.scaled(timeout).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
