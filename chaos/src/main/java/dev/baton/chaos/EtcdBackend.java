package dev.baton.chaos;

import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One etcd member (Debian's {@code etcd-server}) with tight raft timing (50 ms heartbeat, 500 ms election), so its
 * minimum lease ttl is well under the run's ttl. Its data survives a kill.
 */
final class EtcdBackend extends ServerBackend {

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    protected ServerProcess launch() {
        int peer = FreePorts.next();
        String client = "http://127.0.0.1:" + port;
        return ServerProcess.builder("etcd")
                .command(List.of(Binaries.find("etcd", "etcd-server"), "--name", "m0",
                        "--data-dir", dir.resolve("data").toString(),
                        "--listen-client-urls", client, "--advertise-client-urls", client,
                        "--listen-peer-urls", "http://127.0.0.1:" + peer,
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                        "--initial-cluster", "m0=http://127.0.0.1:" + peer,
                        "--heartbeat-interval", "50", "--election-timeout", "500",
                        "--logger", "zap", "--log-level", "warn"))
                .workingDirectory(dir)
                .environment("ETCDCTL_API", "3")
                // First start and restarts after a kill, on a busy machine: generous, scaled; only a failure waits.
                .readinessTimeout(Duration.ofSeconds(120))
                .readiness(ServerProcess.commandSucceeds(List.of(Binaries.find("etcdctl", "etcd-client"),
                        "--endpoints=" + client, "--command-timeout=1s", "endpoint", "health")))
                .start();
    }

    @Override
    public Map<String, String> config(int participant, int clientPort) {
        return Map.of("baton.backend", "etcd", "baton.etcd.endpoints", "http://127.0.0.1:" + clientPort);
    }
}
