package dev.baton.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The jars of an earlier commit's Baton, built by {@code bash benchmarks/run --baseline <commit>} in a temporary git
 * worktree, and the class path that runs the benchmarks on them: this JVM's own, with each of our jars replaced by
 * the baseline's build of the same artifact. Everything else (JMH, the benchmark classes, the clients, the other
 * modules) stays as it is, so the two class paths differ only in the code being compared.
 */
final class BaselineJars {
    private final String commit;
    private final String subject;
    /** The baseline's jars by Maven artifact id. */
    private final Map<String, Path> byArtifact;

    private BaselineJars(String commit, String subject, Map<String, Path> byArtifact) {
        this.commit = commit;
        this.subject = subject;
        this.byArtifact = byArtifact;
    }

    /**
     * @return the baseline named by {@code bench.baseline.commit} and {@code bench.baseline.jars} (path-separated),
     *     or empty when the run has none
     */
    static Optional<BaselineJars> fromSystemProperties() {
        String jars = System.getProperty("bench.baseline.jars", "").trim();
        if (jars.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Path> byArtifact = new LinkedHashMap<>();
        for (String jar : jars.split(File.pathSeparator)) {
            Path p = Path.of(jar);
            byArtifact.put(artifactId(p).orElseThrow(() -> new IllegalArgumentException(
                    "bench.baseline.jars: " + p + " is not a jar built by Maven (no pom.properties)")), p);
        }
        return Optional.of(new BaselineJars(System.getProperty("bench.baseline.commit", "baseline"),
                System.getProperty("bench.baseline.subject", ""), byArtifact));
    }

    /** @return the baseline commit's short hash */
    String commit() {
        return commit;
    }

    /** @return the first line of its commit message, or empty */
    String subject() {
        return subject;
    }

    /**
     * @param jar a jar path
     * @return true when it is one of the baseline's jars
     */
    boolean contains(Path jar) {
        return byArtifact.values().stream().anyMatch(b -> b.toAbsolutePath().normalize()
                .equals(jar.toAbsolutePath().normalize()));
    }

    /** @return the artifact ids of the swapped jars */
    List<String> artifacts() {
        return List.copyOf(byArtifact.keySet());
    }

    /**
     * @param classPath a class path holding this build's jars
     * @return the same class path with the baseline's jars in their place
     * @throws IllegalStateException when one of the baseline's artifacts is not on it (it would not be measured)
     */
    String swapInto(String classPath) {
        List<String> swapped = new ArrayList<>();
        List<String> missing = new ArrayList<>(byArtifact.keySet());
        for (String entry : classPath.split(File.pathSeparator)) {
            Optional<String> artifact = entry.endsWith(".jar") && Path.of(entry).getFileName().toString()
                    .startsWith("baton-") ? artifactId(Path.of(entry)) : Optional.empty();
            if (artifact.isPresent() && byArtifact.containsKey(artifact.get())) {
                swapped.add(byArtifact.get(artifact.get()).toString());
                missing.remove(artifact.get());
            } else {
                swapped.add(entry);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the baseline's " + missing + " replace nothing on the class path "
                    + Arrays.toString(classPath.split(File.pathSeparator)));
        }
        return String.join(File.pathSeparator, swapped);
    }

    /** @return the artifact id recorded by Maven in the jar's {@code META-INF/maven/.../pom.properties} */
    private static Optional<String> artifactId(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            for (JarEntry e : (Iterable<JarEntry>) f.stream()::iterator) {
                if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
                    Properties p = new Properties();
                    try (InputStream in = f.getInputStream(e)) {
                        p.load(in);
                    }
                    return Optional.ofNullable(p.getProperty("artifactId"));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
