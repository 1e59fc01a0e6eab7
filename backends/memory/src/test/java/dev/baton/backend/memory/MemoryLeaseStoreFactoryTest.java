package dev.baton.backend.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.tck.fixtures.MapStoreContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryLeaseStoreFactoryTest {

    private static LeaseStoreFactory memoryFactory() {
        List<LeaseStoreFactory> found = ServiceLoader.load(LeaseStoreFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("memory"))
                .toList();
        assertEquals(1, found.size(), "ServiceLoader finds exactly one factory named 'memory'");
        return found.get(0);
    }

    @Test
    @DisplayName("ServiceLoader finds the factory by the name 'memory', and it says it is single-host")
    void discovered() {
        LeaseStoreFactory factory = memoryFactory();
        assertInstanceOf(MemoryLeaseStoreFactory.class, factory);
        assertTrue(factory.singleHost(), "the memory backend only coordinates one JVM");
    }

    @Test
    @DisplayName("stores created with one namespace share leases; another namespace is independent")
    void namespaces() {
        String ns = "factory-" + UUID.randomUUID();
        LeaseStoreFactory factory = memoryFactory();
        try (LeaseStore a = factory.create(new MapStoreContext(Map.of(MemoryLeaseStoreFactory.NAMESPACE_KEY, ns)));
                LeaseStore b = factory.create(new MapStoreContext(Map.of(MemoryLeaseStoreFactory.NAMESPACE_KEY, ns)));
                LeaseStore c = factory.create(new MapStoreContext(Map.of(MemoryLeaseStoreFactory.NAMESPACE_KEY, ns + "-other")))) {
            LeaseRecord held = a.tryAcquire("job", "a", Duration.ofSeconds(30)).orElseThrow();
            assertEquals("a", b.read("job").orElseThrow().holder(), "same namespace shares the lease");
            assertEquals(Optional.empty(), c.read("job"), "another namespace does not see it");
            assertTrue(a.release("job", "a", held.token()));
            assertTrue(a.describe().contains(ns), () -> "describe names the namespace: " + a.describe());
        }
    }

    @Test
    @DisplayName("without configuration the namespace is 'default'")
    void defaultNamespace() {
        try (LeaseStore s = memoryFactory().create(new MapStoreContext(Map.of()))) {
            assertTrue(s.describe().contains("'default'"), () -> s.describe());
        }
    }

    @Test
    @DisplayName("a blank namespace is rejected with an error naming the key")
    void blankNamespaceRejected() {
        LeaseStoreFactory factory = memoryFactory();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> factory.create(new MapStoreContext(Map.of(MemoryLeaseStoreFactory.NAMESPACE_KEY, "  "))));
        assertTrue(e.getMessage().contains(MemoryLeaseStoreFactory.NAMESPACE_KEY), e::getMessage);
        assertNotEquals("", e.getMessage());
    }
}
