package dev.baton.bench;

import dev.baton.chaos.Backends;
import dev.baton.chaos.ChaosBackend;
import dev.baton.chaos.ChaosRun;
import dev.baton.chaos.Stores;
import dev.baton.spi.LeaseStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** One backend with its server started by the benchmark (the chaos harness's fixtures), and stores on it. */
final class BackendUnderTest implements AutoCloseable {
    final String name;
    final ChaosBackend fixture;
    final Path dir;

    private BackendUnderTest(String name, ChaosBackend fixture, Path dir) {
        this.name = name;
        this.fixture = fixture;
        this.dir = dir;
    }

    static BackendUnderTest start(String name, Path workDir) {
        ChaosBackend fixture = Backends.named(name);
        Path dir = workDir.resolve(name).toAbsolutePath();
        ChaosRun.deleteRecursively(dir); // a server's data from the previous run
        fixture.start(dir, 1);
        return new BackendUnderTest(name, fixture, dir);
    }

    /** @return participant configuration reaching the server directly */
    Map<String, String> config() {
        return fixture.config(1, fixture.port().orElse(0));
    }

    /** @return the server's port, or 0 without a server */
    int port() {
        return fixture.port().orElse(0);
    }

    LeaseStore newStore(Duration shortestTtl) {
        return Stores.create(config(), shortestTtl);
    }

    @Override
    public void close() {
        fixture.close();
    }
}
