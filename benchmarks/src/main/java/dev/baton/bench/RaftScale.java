package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.chaos.Backends;
import dev.baton.chaos.ChaosBackend;
import dev.baton.chaos.ChaosRun;
import dev.baton.chaos.Stores;
import dev.baton.spi.LeaseStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link ScaleBench} on the embedded Raft backend, which has no server: a group of three members on loopback in this
 * JVM (the chaos harness's configuration: JGroups over TCP, each member's log in a folder of its own, fsync on), one
 * of which is the participant's store. Its store calls are what it asks of the group: each is one command, a Raft log
 * entry committed on a majority, so backend requests = store calls. The other two members join first, so the threads
 * and heap added are the participant's member and Baton's only.
 */
final class RaftScale {
    private static final int MEMBERS = 3;

    private RaftScale() {}

    static ScaleBench.Result run(Path workDir, ScaleBench.Holding holding, int count, Duration window,
            Duration bound) throws Exception {
        Path dir = workDir.resolve("raft-scale-" + holding.name().toLowerCase(Locale.ROOT)).toAbsolutePath();
        ChaosRun.deleteRecursively(dir);
        ChaosBackend fixture = Backends.named("raft");
        fixture.start(dir, MEMBERS);
        Duration ttl = ElectionSettings.DEFAULTS.ttl();
        List<LeaseStore> others = new ArrayList<>();
        try {
            for (int i = 2; i <= MEMBERS; i++) {
                others.add(Stores.create(fixture.config(i, 0), ttl));
            }
            ScaleBench.Sampled before = ScaleBench.Sampled.now();
            CountingStore store = new CountingStore(Stores.create(fixture.config(1, 0), ttl));
            return ScaleBench.run("raft", store, holding, count, window, bound, before, null, () -> { });
        } finally {
            others.forEach(LeaseStore::close);
            fixture.close();
            ChaosRun.deleteRecursively(dir);
        }
    }
}
