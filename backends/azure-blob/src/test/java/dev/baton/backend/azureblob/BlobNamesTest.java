package dev.baton.backend.azureblob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Blob names, metadata and lease ids: pure functions, no emulator. */
class BlobNamesTest {

    @Test
    @DisplayName("group-like names stay readable; anything else is ~ and base64url, free of . / \\ and %")
    void encoding() {
        assertEquals("baton/reports", BlobNames.of("baton/").blob("reports"));
        assertEquals("Upper_case-1", BlobNames.encode("Upper_case-1"));
        for (String name : List.of(".", "..", "a/../b", "trailing.", "a b", "~x", "名前", "50%")) {
            String encoded = BlobNames.encode(name);
            assertTrue(encoded.startsWith("~"), encoded);
            assertTrue(encoded.substring(1).matches("[A-Za-z0-9_-]+"), encoded);
        }
        assertNotEquals(BlobNames.encode("a"), BlobNames.encode("~YQ"));
    }

    @Test
    @DisplayName("prefixes and container names follow the rules the messages state")
    void validation() {
        for (String ok : List.of("", "baton/", "app/leases/", "app-", "a_b")) {
            assertTrue(BlobNames.isValidPrefix(ok), ok);
        }
        for (String bad : List.of("/x", "a//b", "a/../b", "a/./", "x?", "a b/", "x".repeat(201))) {
            assertFalse(BlobNames.isValidPrefix(bad), bad);
        }
        for (String ok : List.of("baton", "abc", "my-leases-1", "a".repeat(63))) {
            assertTrue(BlobNames.isValidContainer(ok), ok);
        }
        for (String bad : List.of("ab", "Baton", "-abc", "abc-", "a--b", "a_b", "a".repeat(64))) {
            assertFalse(BlobNames.isValidContainer(bad), bad);
        }
    }

    @Test
    @DisplayName("metadata round-trips any holder; a blob without a token is not a Baton lease")
    void metadata() {
        String holder = "host 1/pid 2:名前+%x";
        LeaseMetadata held = LeaseMetadata.held(42, holder, 1_000_000, 2_000);
        Map<String, String> written = held.toMap();
        assertTrue(written.values().stream().allMatch(v -> v.chars().allMatch(c -> c > 32 && c < 127)), "ASCII");
        assertEquals(Optional.of(held), LeaseMetadata.parse(written));
        assertTrue(held.heldAt(999_000));
        assertFalse(held.heldAt(1_000_000), "expired at its expiry instant");
        assertTrue(held.heldBy(holder, 0));
        assertEquals(Optional.of(LeaseMetadata.free(7)), LeaseMetadata.parse(Map.of("BATON_TOKEN", "7")));
        assertEquals(Optional.empty(), LeaseMetadata.parse(Map.of("other", "x")));
        assertEquals(Optional.empty(), LeaseMetadata.parse(Map.of("baton_token", "7", "baton_holder", "a")));
    }

    @Test
    @DisplayName("a grant's blob lease id depends on holder and token only")
    void leaseIds() {
        assertEquals(AzureBlobLeaseStore.leaseId("a", 1), AzureBlobLeaseStore.leaseId("a", 1));
        assertNotEquals(AzureBlobLeaseStore.leaseId("a", 1), AzureBlobLeaseStore.leaseId("a", 2));
        assertNotEquals(AzureBlobLeaseStore.leaseId("a", 12), AzureBlobLeaseStore.leaseId("a1", 2));
    }
}
