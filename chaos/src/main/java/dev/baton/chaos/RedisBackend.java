package dev.baton.chaos;

import dev.baton.testfixtures.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code redis-server} with an append-only file synced on every write: the configuration a Redis used for
 * leases needs. Without persistence a killed server comes back empty and forgets the current holder, so a new
 * participant can lead while the old one still trusts its grant until its next renewal (a chaos run measured 27.6 ms
 * of overlap); the README lists this limit. Tokens keep increasing either way (they are seeded from the server clock).
 */
final class RedisBackend extends ServerBackend {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    protected ServerProcess launch() {
        return ServerProcess.builder("redis")
                .command(List.of(Binaries.find("redis-server", "redis-server"), "--port", Integer.toString(port),
                        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "yes",
                        "--appendfsync", "always",
                        "--daemonize", "no"))
                .workingDirectory(dir)
                // First start and restarts after a kill, on a busy machine: generous, scaled; only a failure waits.
                .readinessTimeout(Duration.ofSeconds(120))
                .readiness(ServerProcess.tcpReady("127.0.0.1", port))
                .stopTimeout(Duration.ofSeconds(5))
                .start();
    }

    @Override
    public Map<String, String> config(int participant, int clientPort) {
        return Map.of("baton.backend", "redis", "baton.redis.uri", "redis://127.0.0.1:" + clientPort);
    }
}
