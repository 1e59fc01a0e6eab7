package dev.baton.backend.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh directories for test servers, under {@code target/servers} (the build's {@code baton.test.work-dir}). */
final class TestDirs {
    private TestDirs() {}

    /** Deletes a server's data (its log stays for post-mortems). */
    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: target/ is cleaned by the next build anyway
        }
    }

    static Path fresh(String prefix) {
        Path root = Path.of(System.getProperty("baton.test.work-dir", "target/servers")).toAbsolutePath();
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
