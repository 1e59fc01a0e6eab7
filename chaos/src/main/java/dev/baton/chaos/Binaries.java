package dev.baton.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Finds server executables from Debian packages; a missing one fails naming the package CI must install. */
final class Binaries {

    private Binaries() {}

    /**
     * @param name the executable, e.g. {@code redis-server}
     * @param debianPackage the package that ships it
     * @return its path, from {@code /usr/bin}, {@code /usr/sbin}, {@code /usr/local/bin} or {@code PATH}
     */
    static String find(String name, String debianPackage) {
        String path = "/usr/bin:/usr/sbin:/usr/local/bin:" + System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw missing(name, debianPackage);
    }

    /** @return the newest {@code /usr/lib/postgresql/<version>/bin} */
    static Path postgresBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow(() -> missing("initdb", "postgresql"));
        } catch (IOException | NumberFormatException e) {
            throw missing("initdb", "postgresql");
        }
    }

    private static IllegalStateException missing(String name, String debianPackage) {
        return new IllegalStateException(name + " is not installed: install the Debian package " + debianPackage
                + " (apt-get install -y " + debianPackage + "); the chaos run starts its own server");
    }
}
