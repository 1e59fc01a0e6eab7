package dev.baton.backend.memory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The shared state behind every {@link MemoryLeaseStore} of one namespace in this JVM: several stores (several
 * participants, several CDI containers) compete through it. Expiry is decided with the namespace's own clock.
 */
final class MemoryNamespace {
    private static final Map<String, MemoryNamespace> NAMESPACES = new ConcurrentHashMap<>();

    /** A lease as stored; {@code metadata} is an unmodifiable {@code Map.copyOf} map, handed out without copying. */
    record Entry(String holder, long token, long expiresAtNanos, Map<String, String> metadata) {}

    final String name;
    final LongSupplier clock;
    /** Guarded by {@code this}. */
    final Map<String, Entry> leases = new HashMap<>();
    /** The last token handed out per name, kept after release so tokens never go backwards. */
    final Map<String, Long> lastTokens = new HashMap<>();
    final Map<String, List<Runnable>> watchers = new ConcurrentHashMap<>();
    /**
     * Delivers watch callbacks in order on one thread, which ends after a second without work: a namespace lives as
     * long as the JVM (its tokens must never go backwards), its thread need not (test JVMs create many namespaces).
     */
    private final ExecutorService notifier = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "baton-memory-watch");
                t.setDaemon(true);
                return t;
            });

    private MemoryNamespace(String name, LongSupplier clock) {
        this.name = name;
        this.clock = clock;
    }

    /** The JVM-wide namespace of that name, on {@link System#nanoTime()}. */
    static MemoryNamespace shared(String name) {
        return NAMESPACES.computeIfAbsent(name, n -> new MemoryNamespace(n, System::nanoTime));
    }

    /** A private namespace on a given clock (tests drive expiry with a manual clock). */
    static MemoryNamespace isolated(String name, LongSupplier clock) {
        return new MemoryNamespace(name, clock);
    }

    void notifyWatchers(String leaseName) {
        List<Runnable> list = watchers.get(leaseName);
        if (list != null && !list.isEmpty()) {
            notifier.execute(() -> list.forEach(Runnable::run));
        }
    }

    AutoCloseable watch(String leaseName, Runnable onChange) {
        List<Runnable> list = watchers.computeIfAbsent(leaseName, n -> new CopyOnWriteArrayList<>());
        list.add(onChange);
        return () -> list.remove(onChange);
    }
}
