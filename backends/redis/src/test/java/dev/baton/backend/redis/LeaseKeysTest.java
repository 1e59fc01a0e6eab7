package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeaseKeysTest {
    private final LeaseKeys keys = LeaseKeys.of("baton:");

    @Test
    @DisplayName("plain group names stay readable inside the hash tag")
    void readable() {
        assertEquals(List.of("{baton:reports}:lease", "{baton:reports}:token"), List.of(keys.keys("reports")));
        assertEquals("Report_2024.v1-x", LeaseKeys.encode("Report_2024.v1-x"));
    }

    @Test
    @DisplayName("other names are base64url-encoded after '~', so braces cannot break the hash tag")
    void encoded() {
        String[] k = keys.keys("a}b{c");
        assertEquals("{baton:~YX1ie2M}:lease", k[0]);
        for (String name : List.of("a}b{c", "{", "}", "{x}", "名前", "a b", "a:b", "*", "~x")) {
            String encoded = LeaseKeys.encode(name);
            assertFalse(encoded.contains("{") || encoded.contains("}"), encoded);
            assertTrue(encoded.startsWith("~"), encoded);
        }
    }

    @Test
    @DisplayName("both keys of a lease share one Redis Cluster slot, whatever the name")
    void sameSlot() {
        for (String name : List.of("reports", "a}b{c", "{", "x".repeat(200), "名前")) {
            String[] k = keys.keys(name);
            assertEquals(SlotHash.getSlot(k[0]), SlotHash.getSlot(k[1]), name);
        }
    }

    @Test
    @DisplayName("distinct names never share keys; readable and encoded forms cannot collide")
    void noCollisions() {
        Set<String> seen = new HashSet<>();
        for (String name : List.of("a", "A", "a ", " a", "a/", "~YQ", "YQ", "a.b", "a:b", "a%3Ab")) {
            assertTrue(seen.add(keys.keys(name)[0]), name);
        }
        assertNotEquals(keys.keys("~YQ")[0], keys.keys("a")[0]);
    }

    @Test
    @DisplayName("prefixes with braces, empty or too long are refused with what would be valid")
    void prefixes() {
        for (String bad : List.of("", "{baton}:", "a}", "p".repeat(LeaseKeys.MAX_PREFIX_LENGTH + 1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeaseKeys.of(bad));
            assertTrue(e.getMessage().contains("without '{' or '}'"), e.getMessage());
        }
        assertEquals("app:baton:released", LeaseKeys.of("app:baton:").releaseChannel());
    }
}
