package dev.baton.example.testkit;

import dev.baton.testfixtures.FreePorts;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * One instance of an example application running as a separate operating-system process, reached over HTTP.
 * Output goes to a log file that failing assertions quote. The test kills it in {@link #close()}; a JVM shutdown hook
 * kills any instance still running when the test JVM exits (a test killed by a timeout included), so none outlives
 * the build.
 */
public final class Instance implements AutoCloseable {

    /** Plain HTTP/1.1: no h2c upgrade attempt, whatever the runtime makes of one. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    /** Follows redirects (a 307 included) as a browser or a plain client would, for requests to the leader. */
    private static final HttpClient FOLLOWING = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    /** A busy instance may be slow to answer; an unanswered request only makes a poll try again. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long a JVM may take to shut down after SIGTERM on a busy machine (scaled); only a failure waits this long. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(120);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "baton-example-instance-reaper"));
    }

    private final String name;
    private final int port;
    private final String statusPath;
    private final Path log;
    private final Process process;
    private volatile boolean paused;
    /** Set when the test stops the process on purpose; a process that ends without it crashed. */
    private volatile boolean stopped;
    private volatile Consumer<JsonObject> statusObserver = s -> { };

    private Instance(String name, int port, String statusPath, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.statusPath = statusPath;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts an instance on a free port ({@link FreePorts#next()}).
     *
     * @param launcher how this runtime starts it
     * @param name the instance's name (also its Baton participant id in the tests)
     * @param statusPath the path of the example's JSON status endpoint
     * @param env environment variables for the example (Baton's settings), added to the launcher's
     * @param logDir where to write its output
     */
    public static Instance launch(Launcher launcher, String name, String statusPath, Map<String, String> env,
                                  Path logDir) throws IOException {
        return launch(launcher, name, statusPath, env, port -> Map.of(), logDir);
    }

    /**
     * Like {@link #launch(Launcher, String, String, Map, Path)}, with more environment variables that depend on the
     * port the instance gets, such as the url it advertises to the others.
     *
     * @param portEnv environment variables for the instance's port, added last
     */
    public static Instance launch(Launcher launcher, String name, String statusPath, Map<String, String> env,
                                  IntFunction<Map<String, String>> portEnv, Path logDir) throws IOException {
        int port = FreePorts.next();
        Map<String, String> all = new HashMap<>(launcher.environment(port));
        all.putAll(env);
        all.putAll(portEnv.apply(port));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(launcher.command(name, port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(all);
        Process process = builder.start();
        RUNNING.add(process);
        return new Instance(name, port, statusPath, log, process);
    }

    /** The path of the JVM running this test, so the apps run on the same JDK as the build. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * @param path a path of the instance's HTTP server
     * @return its address, for clients other than {@link #get(String)} (a browser)
     */
    public java.net.URI uri(String path) {
        return java.net.URI.create("http://127.0.0.1:" + port + path);
    }

    /** @return the port its HTTP server listens on */
    public int port() {
        return port;
    }

    /** @return the instance's name, also its participant id */
    public String name() {
        return name;
    }

    /** @return whether its process still runs (a paused one does) */
    public boolean alive() {
        return process.isAlive();
    }

    /** @return true when the process ended although the test did not stop it: it crashed or failed to start */
    public boolean crashed() {
        return !stopped && !process.isAlive();
    }

    /** Every status this instance answers is handed to {@code observer} first (the cluster checks safety there). */
    void observeStatuses(Consumer<JsonObject> observer) {
        this.statusObserver = observer;
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
                .timeout(REQUEST_TIMEOUT)
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

    /**
     * GET a path, following redirects (307 included, at most five, as the JDK's client does); the answer's
     * {@link HttpResponse#uri()} is where it ended and {@link HttpResponse#previousResponse()} the redirect. Empty when
     * the instance, or one it redirected to, does not answer.
     */
    public Optional<HttpResponse<String>> getFollowingRedirects(String path) {
        if (!process.isAlive() || paused) {
            return Optional.empty();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        try {
            return Optional.of(FOLLOWING.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The status endpoint's JSON; empty when the instance does not answer 200. */
    public Optional<JsonObject> status() {
        Optional<JsonObject> status = get(statusPath).filter(r -> r.statusCode() == 200).map(r -> json(r.body()));
        status.ifPresent(statusObserver);
        return status;
    }

    /** The status endpoint's answer as text, not checked (for failure messages); empty when it does not answer 200. */
    public Optional<String> statusText() {
        return get(statusPath).filter(r -> r.statusCode() == 200).map(HttpResponse::body);
    }

    /** Parses a JSON object answered by an instance. */
    public static JsonObject json(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    /** Graceful stop: SIGTERM, then wait for the JVM's shutdown (Baton releases its leases there). */
    public void terminate() throws InterruptedException {
        stopped = true;
        process.destroy();
        if (!process.waitFor(Waits.scaled(GRACEFUL_STOP).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not stop within " + Waits.scaled(GRACEFUL_STOP).toSeconds()
                    + " s of SIGTERM\n" + logTail());
        }
        RUNNING.remove(process);
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
        if (!kill.waitFor(Waits.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS)) {
            kill.destroyForcibly();
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " did not return");
        }
        if (kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Crash: SIGKILL, no shutdown hook runs, the lease is left to expire. Returns once the process is gone. */
    public void kill() throws InterruptedException {
        stopped = true;
        process.destroyForcibly();
        if (!process.waitFor(Waits.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " (pid " + process.pid() + ") still runs after SIGKILL");
        }
        RUNNING.remove(process);
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
        stopped = true;
        if (process.isAlive()) {
            if (paused) {
                try {
                    resume(); // a stopped process does not die of SIGKILL until it is continued on some systems
                } catch (IOException | IllegalStateException e) {
                    // best effort: SIGKILL follows
                }
            }
            process.destroyForcibly();
            if (!process.waitFor(Waits.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") still runs after SIGKILL");
            }
        }
        RUNNING.remove(process);
    }

    @Override
    public String toString() {
        return name + "@" + port;
    }
}
