package dev.baton.chaos;

import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The file backend: a lease directory on this host; no server, so only process faults apply. */
final class FileBackend implements ChaosBackend {
    private Path leases;

    @Override
    public String name() {
        return "file";
    }

    @Override
    public void start(Path dir, int participants) {
        leases = dir.resolve("leases").toAbsolutePath();
        try {
            Files.createDirectories(leases);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + leases, e);
        }
    }

    @Override
    public Optional<ServerProcess> server() {
        return Optional.empty();
    }

    @Override
    public Map<String, String> config(int participant, int port) {
        return Map.of("baton.backend", "file", "baton.file.dir", leases.toString());
    }

    @Override
    public void close() {
        // nothing runs
    }
}
