package dev.baton.backend.azureblob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.baton.spi.LeaderMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MetadataBodyTest {

    @Test
    @DisplayName("a grant's metadata is 'baton-metadata/1 <token> <encoded>' and reads back with its token")
    void roundTrip() {
        String encoded = LeaderMetadata.encode(Map.of("url", "http://a:8080/x?y=1&z", "zone", "eu ü &=%+"));
        byte[] content = MetadataBody.of(1796487703000000L, encoded);
        assertEquals("baton-metadata/1 1796487703000000 " + encoded, new String(content, StandardCharsets.US_ASCII));
        assertEquals(Optional.of(new MetadataBody(1796487703000000L, encoded)), MetadataBody.parse(content));
    }

    @Test
    @DisplayName("no metadata is no content, as versions before leader metadata wrote every blob")
    void emptyIsNone() {
        assertEquals(0, MetadataBody.of(5, "").length);
        assertEquals(Optional.empty(), MetadataBody.parse(new byte[0]));
        assertEquals(Optional.empty(), MetadataBody.parse(null));
    }

    @Test
    @DisplayName("content that is not a record is refused (the store then reports no metadata and warns once)")
    void foreignContent() {
        for (String odd : new String[] {"hello", "baton-metadata/1 x url=a", "baton-metadata/1 5",
                "baton-metadata/1 5 ", "baton-metadata/2 5 url=a", "baton-metadata/1 5 url=a extra"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> MetadataBody.parse(odd.getBytes(StandardCharsets.US_ASCII)), odd);
        }
    }
}
