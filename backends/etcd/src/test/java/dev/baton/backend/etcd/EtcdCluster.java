package dev.baton.backend.etcd;

import dev.baton.tck.fixtures.Await;
import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import dev.baton.tck.fixtures.Timing;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One or more real etcd members (Debian's {@code etcd-server} binary) started by a test on free loopback ports, each
 * with a data directory under {@code target/etcd/}. Raft timing is tightened (50 ms heartbeat, 500 ms election
 * timeout) so etcd's minimum lease ttl is 1 s and elections are quick. Members run as root, as the tests do.
 */
public final class EtcdCluster implements AutoCloseable {
    public static final String ETCD = binary("etcd", "etcd-server");
    public static final String ETCDCTL = binary("etcdctl", "etcd-client");

    private final Path dir;
    private final int[] clientPorts;
    private final List<ServerProcess> members = new ArrayList<>();

    private EtcdCluster(Path dir, int[] clientPorts) {
        this.dir = dir;
        this.clientPorts = clientPorts;
    }

    /** Starts {@code n} members forming one cluster and waits until every one answers. */
    public static EtcdCluster start(int n) {
        Path dir = Path.of("target", "etcd", "c" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        int[] ports = FreePorts.next(2 * n);
        int[] client = IntStream.range(0, n).map(i -> ports[2 * i]).toArray();
        int[] peer = IntStream.range(0, n).map(i -> ports[2 * i + 1]).toArray();
        String initialCluster = IntStream.range(0, n).mapToObj(i -> "m" + i + "=http://127.0.0.1:" + peer[i])
                .collect(Collectors.joining(","));
        EtcdCluster cluster = new EtcdCluster(dir, client);
        try {
            for (int i = 0; i < n; i++) {
                Path data = dir.resolve("m" + i);
                Files.createDirectories(data);
                List<String> command = List.of(ETCD, "--name", "m" + i, "--data-dir", data.resolve("data").toString(),
                        "--listen-client-urls", "http://127.0.0.1:" + client[i],
                        "--advertise-client-urls", "http://127.0.0.1:" + client[i],
                        "--listen-peer-urls", "http://127.0.0.1:" + peer[i],
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer[i],
                        "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                        "--initial-cluster-token", dir.getFileName().toString(),
                        "--heartbeat-interval", "50", "--election-timeout", "500",
                        "--logger", "zap", "--log-level", "warn");
                // Members wait for each other, so readiness here is only "listening"; health is checked below.
                cluster.members.add(ServerProcess.builder("etcd-m" + i).command(command).workingDirectory(data)
                        .readiness(ServerProcess.tcpReady("127.0.0.1", client[i]))
                        .readinessTimeout(Duration.ofSeconds(60)).start());
            }
            for (int i = 0; i < n; i++) {
                cluster.awaitHealthy(i);
            }
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** @return every member's client URL, comma-separated */
    public String endpoints() {
        return IntStream.range(0, clientPorts.length).mapToObj(this::endpoint).collect(Collectors.joining(","));
    }

    String endpoint(int member) {
        return "http://127.0.0.1:" + clientPorts[member];
    }

    int clientPort(int member) {
        return clientPorts[member];
    }

    ServerProcess member(int i) {
        return members.get(i);
    }

    /** A jetcd client on every member, owned by the caller. */
    public Client client() {
        return Client.builder().endpoints(endpoints().split(",")).build();
    }

    /**
     * Waits until member {@code i} answers a health check (it has a leader and commits). Generous: a cluster starting
     * (or a member restarting, with a WAL to replay and fsyncs on a busy disk) only costs this when it is broken.
     */
    void awaitHealthy(int i) {
        Await.until("etcd member m" + i + " is healthy", () -> etcdctl(endpoint(i), "endpoint", "health").ok(),
                Duration.ofSeconds(60));
    }

    /**
     * Turns etcd authentication on with a {@code root} user (etcd's superuser) holding {@code password}.
     *
     * @param password the root password
     */
    void enableAuth(String password) {
        Result add = etcdctl(endpoints(), "user", "add", "root:" + password, "--interactive=false");
        if (!add.ok()) {
            throw new AssertionError("etcdctl user add root failed: " + add.output());
        }
        Result grant = etcdctl(endpoints(), "user", "grant-role", "root", "root");
        Result enable = etcdctl(endpoints(), "auth", "enable");
        if (!enable.ok()) {
            throw new AssertionError("etcdctl auth enable failed: " + enable.output() + " / " + grant.output());
        }
    }

    /** Stops member {@code i} (if it still runs), starts it again on the same data and ports, waits for health. */
    void restart(int i) {
        members.get(i).restart();
        awaitHealthy(i);
    }

    /**
     * @return the index of the member that is the raft leader now, waiting (generously) while an election is under
     *     way: with this cluster's short raft timeouts a busy machine can make members elect anew at any time
     */
    int leader() {
        return Await.untilPresent("an etcd member reports itself as the raft leader", this::currentLeader,
                Duration.ofSeconds(30));
    }

    private Optional<Integer> currentLeader() {
        for (int i = 0; i < clientPorts.length; i++) {
            if (!members.get(i).isAlive()) {
                continue;
            }
            Result status = etcdctl(endpoint(i), "endpoint", "status", "-w", "fields");
            if (!status.ok()) {
                continue;
            }
            String member = field(status.output(), "MemberID");
            String leader = field(status.output(), "Leader");
            if (member != null && member.equals(leader)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private static String field(String output, String name) {
        for (String line : output.split("\n")) {
            String t = line.trim();
            if (t.startsWith("\"" + name + "\"")) {
                return t.substring(t.indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    /** The outcome of an etcdctl run. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /**
     * Runs etcdctl (API v3) against {@code endpoints}; never throws for a non-zero exit. Its timeouts are scaled and
     * generous: set-up commands (user add, auth enable) run once and must not fail because the machine is busy.
     */
    static Result etcdctl(String endpoints, String... args) {
        List<String> command = new ArrayList<>(List.of(ETCDCTL, "--endpoints=" + endpoints,
                "--dial-timeout=" + Timing.scaled(Duration.ofSeconds(5)).toMillis() + "ms",
                "--command-timeout=" + Timing.scaled(Duration.ofSeconds(10)).toMillis() + "ms"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("ETCDCTL_API", "3");
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "etcdctl timed out: " + command);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        members.forEach(ServerProcess::kill);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.toString().endsWith(".log"))
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: target/ is cleaned by the build anyway
        }
    }

    private static String binary(String name, String debianPackage) {
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new IllegalStateException("the '" + name + "' binary is missing: install the Debian package "
                + debianPackage + " (apt-get install -y etcd-server etcd-client)");
    }
}
