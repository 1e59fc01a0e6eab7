package dev.baton.backend.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.baton.spi.LeaderMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The counter's metadata a handover writes ({@link HandoverMetadata}): the candidate's, with the handover's since. */
class HandoverMetadataTest {
    private static final Instant AT = Instant.parse("2026-12-06T11:30:15.123456Z");

    private static byte[] encoded(Map<String, String> m) {
        return LeaderMetadata.encode(m).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("baton.since becomes the handover's instant, to the millisecond; every other entry is kept as encoded")
    void sinceFilledIn() {
        // Keys on both sides of baton.since in the sorted form, and values that need escaping.
        Map<String, String> asked = Map.of("a-url", "http://b:8080/x?y=1&z", LeaderMetadata.SINCE,
                "2026-12-06T11:00:00Z", "zone", "eu west");
        Map<String, String> expected = new HashMap<>(asked);
        expected.put(LeaderMetadata.SINCE, "2026-12-06T11:30:15.123Z");
        byte[] written = HandoverMetadata.of(encoded(asked)).at(AT);
        assertArrayEquals(encoded(expected), written);
        assertEquals(expected, LeaderMetadata.decode(new String(written, StandardCharsets.US_ASCII)));
    }

    @Test
    @DisplayName("baton.since alone, first or last in the sorted form")
    void sinceAloneOrAtAnEnd() {
        Map<String, String> expected = Map.of(LeaderMetadata.SINCE, "2026-12-06T11:30:15.123Z");
        assertArrayEquals(encoded(expected),
                HandoverMetadata.of(encoded(Map.of(LeaderMetadata.SINCE, "x"))).at(AT));
        Map<String, String> last = Map.of("a", "1", LeaderMetadata.SINCE, "x");
        assertArrayEquals(encoded(Map.of("a", "1", LeaderMetadata.SINCE, "2026-12-06T11:30:15.123Z")),
                HandoverMetadata.of(encoded(last)).at(AT));
        Map<String, String> first = Map.of("z", "1", LeaderMetadata.SINCE, "x");
        assertArrayEquals(encoded(Map.of("z", "1", LeaderMetadata.SINCE, "2026-12-06T11:30:15.123Z")),
                HandoverMetadata.of(encoded(first)).at(AT));
    }

    @Test
    @DisplayName("metadata without baton.since is written as the candidate asked, empty included")
    void withoutSinceUnchanged() {
        byte[] asked = encoded(Map.of("url", "b"));
        assertArrayEquals(asked, HandoverMetadata.of(asked).at(AT));
        assertArrayEquals(new byte[0], HandoverMetadata.of(new byte[0]).at(AT));
    }

    @Test
    @DisplayName("bytes that are not encoded metadata: no handover metadata (the release then hands nothing over)")
    void undecodable() {
        assertNull(HandoverMetadata.of("no-equals-sign".getBytes(StandardCharsets.US_ASCII)));
    }
}
