package dev.baton.chaos;

import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A standalone ZooKeeper server in its own JVM ({@code ZooKeeperServerMain} from the ZooKeeper jar the backend
 * brings), tick time 200 ms so sessions as short as the run's ttl are allowed, and sessions up to 30 s so the
 * default ttl (15 s) is not clamped either (the server's default cap is 20 ticks). Its data survives a kill.
 */
final class ZookeeperBackend extends ServerBackend {

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    protected ServerProcess launch() {
        Path config = dir.resolve("zoo.cfg");
        try {
            Files.writeString(config, String.join("\n", "tickTime=200", "minSessionTimeout=400",
                    "maxSessionTimeout=30000", "maxClientCnxns=100", "clientPortAddress=127.0.0.1",
                    "clientPort=" + port, "dataDir=" + dir.resolve("data")) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return ServerProcess.builder("zookeeper")
                .command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m", "-XX:+UseSerialGC", "-Dzookeeper.admin.enableServer=false",
                        "-Dzookeeper.4lw.commands.whitelist=*",
                        "-cp", System.getProperty("java.class.path"),
                        "org.apache.zookeeper.server.ZooKeeperServerMain",
                        config.toString()))
                .workingDirectory(dir)
                // First start and restarts after a kill, on a busy machine: generous, scaled; only a failure waits.
                .readinessTimeout(Duration.ofSeconds(120))
                .readiness(ServerProcess.tcpReady("127.0.0.1", port))
                .start();
    }

    @Override
    public Map<String, String> config(int participant, int clientPort) {
        return Map.of("baton.backend", "zookeeper", "baton.zookeeper.connect", "127.0.0.1:" + clientPort);
    }
}
