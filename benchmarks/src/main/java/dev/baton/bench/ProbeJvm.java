package dev.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link ComparisonProbe} in a JVM of its own on a given class path (the baseline's or this build's) and waits
 * for it. Its output goes to a log file beside its figures, named in the error when it fails.
 */
final class ProbeJvm {

    private ProbeJvm() {}

    /**
     * @param classPath the class path of the probe JVM (and so of the JMH forks it starts)
     * @param log where its output goes
     * @param timeout how long it may take
     * @param args the probe's arguments
     * @throws IllegalStateException when it fails or times out (the message ends with its log's last lines)
     */
    static void run(String classPath, Path log, Duration timeout, List<String> args) throws IOException,
            InterruptedException {
        // The class path goes through an argument file: a single argument of a command line is limited to 128 KB.
        Path argFile = Files.writeString(log.resolveSibling(log.getFileName() + ".args"),
                "-cp \"" + classPath.replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("@" + argFile);
        cmd.add(ComparisonProbe.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // JMH's forks
            p.destroyForcibly();
            throw new IllegalStateException("the probe " + args.get(0) + " did not end within " + timeout.toMinutes()
                    + " min" + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the probe " + args.get(0) + " failed (exit " + p.exitValue() + ")"
                    + tail(log));
        }
    }

    /**
     * @param log a finished probe's log
     * @return the jar (or folder) its engine classes were loaded from
     * @throws IllegalStateException when the log does not say
     */
    static Path batonJar(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith(ComparisonProbe.BATON_FROM)).findFirst()
                .map(l -> Path.of(l.substring(ComparisonProbe.BATON_FROM.length())))
                .orElseThrow(() -> new IllegalStateException(log + " does not name the probe's Baton"));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return "; " + log + " ends: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }
}
