package dev.baton.example.testkit;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One instance of an example application running as a separate operating-system process, reached over HTTP.
 * Output goes to a log file that failing assertions quote.
 */
public final class Instance implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final String statusPath;
    private final Path log;
    private final Process process;
    private volatile boolean paused;

    private Instance(String name, int port, String statusPath, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.statusPath = statusPath;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts an instance on a free port.
     *
     * @param launcher how this runtime starts it
     * @param name the instance's name (also its Baton participant id in the tests)
     * @param statusPath the path of the example's JSON status endpoint
     * @param env environment variables for the example (Baton's settings), added to the launcher's
     * @param logDir where to write its output
     */
    public static Instance launch(Launcher launcher, String name, String statusPath, Map<String, String> env,
                                  Path logDir) throws IOException {
        int port = freePort();
        Map<String, String> all = new HashMap<>(launcher.environment(port));
        all.putAll(env);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(launcher.command(name, port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(all);
        return new Instance(name, port, statusPath, log, builder.start());
    }

    /** The path of the JVM running this test, so the apps run on the same JDK as the build. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port that was free a moment ago: the instance binds it a few seconds later. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the instance's name, also its participant id */
    public String name() {
        return name;
    }

    /** @return whether its process still runs (a paused one does) */
    public boolean alive() {
        return process.isAlive();
    }

    /** True while the process is stopped with SIGSTOP. */
    public boolean paused() {
        return paused;
    }

    /** GET a path; empty when the instance does not answer (not started yet, or gone). */
    public Optional<HttpResponse<String>> get(String path) {
        if (!process.isAlive() || paused) {
            return Optional.empty();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The status endpoint's JSON; empty when the instance does not answer 200. */
    public Optional<JsonObject> status() {
        return get(statusPath).filter(r -> r.statusCode() == 200).map(r -> json(r.body()));
    }

    /** Parses a JSON object answered by an instance. */
    public static JsonObject json(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    /** Graceful stop: SIGTERM, then wait for the JVM's shutdown (Baton releases its leases there). */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(Waits.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not stop within 30 s of SIGTERM\n" + logTail());
        }
    }

    /** Freezes the whole JVM with SIGSTOP, as a very long GC pause would: no thread runs, nothing is released. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    /** Wakes the JVM up after {@link #pause()} (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Crash: SIGKILL, no shutdown hook runs, the lease is left to expire. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The end of the instance's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "---- " + name + " (" + log + ") ----\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "---- " + name + ": no log (" + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            if (paused) {
                try {
                    resume(); // a stopped process does not die of SIGKILL until it is continued on some systems
                } catch (IOException | IllegalStateException e) {
                    // best effort: SIGKILL follows
                }
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + "@" + port;
    }
}
