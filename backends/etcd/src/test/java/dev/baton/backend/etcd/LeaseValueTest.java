package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.spi.LeaderMetadata;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeaseValueTest {

    @Test
    @DisplayName("without metadata the value is the holder's UTF-8 bytes, exactly as earlier versions wrote it")
    void withoutMetadataAsBefore() {
        String holder = "host-1 ü 東京 🎉";
        ByteSequence bytes = new LeaseValue(holder, "").bytes();
        assertArrayEquals(holder.getBytes(StandardCharsets.UTF_8), bytes.getBytes());
        assertEquals(new LeaseValue(holder, ""), LeaseValue.parse(ByteSequence.from(holder, StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("with metadata: holder, NUL, the encoded map; it reads back exactly")
    void withMetadata() {
        String holder = "p1-ü";
        String encoded = LeaderMetadata.encode(Map.of("url", "http://a:8080/x?y=1&z", "zone", "eu ü&=%+",
                LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z"));
        ByteSequence bytes = new LeaseValue(holder, encoded).bytes();
        byte[] h = holder.getBytes(StandardCharsets.UTF_8);
        assertEquals(0, bytes.getBytes()[h.length], "NUL after the holder");
        LeaseValue back = LeaseValue.parse(bytes);
        assertEquals(holder, back.holder());
        assertEquals(encoded, back.metadata());
        assertEquals(Map.of("url", "http://a:8080/x?y=1&z", "zone", "eu ü&=%+", LeaderMetadata.SINCE,
                "2026-12-05T18:00:00.123Z"), LeaderMetadata.decode(back.metadata()));
    }

    @Test
    @DisplayName("the first NUL ends the holder; what follows is the metadata as stored, even if it is not a map")
    void firstNulEndsTheHolder() {
        byte[] odd = "h\0not a map\0x".getBytes(StandardCharsets.UTF_8);
        LeaseValue v = LeaseValue.parse(ByteSequence.from(odd));
        assertEquals("h", v.holder());
        assertEquals("not a map\0x", v.metadata());
    }
}
