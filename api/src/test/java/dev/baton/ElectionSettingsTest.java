package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ElectionSettingsTest {

    @Test
    @DisplayName("a ttl from 100 ms to one day is accepted; outside, the message names the bound")
    void ttlBounds() {
        assertEquals(ElectionSettings.MIN_TTL, ElectionSettings.of(Duration.ofMillis(100)).ttl());
        assertEquals(ElectionSettings.MAX_TTL, ElectionSettings.of(Duration.ofDays(1)).ttl());
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> ElectionSettings.of(Duration.ofMillis(99)));
        assertTrue(shortOne.getMessage().contains("at least 100ms"), shortOne.getMessage());
        for (Duration tooLong : new Duration[] {Duration.ofDays(1).plusNanos(1), Duration.ofDays(365_000)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ElectionSettings.of(tooLong));
            assertTrue(e.getMessage().contains("at most one day"), e.getMessage());
        }
    }
}
