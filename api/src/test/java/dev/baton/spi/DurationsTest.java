package dev.baton.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    @DisplayName("short and ISO-8601 forms parse, up to one day")
    void valid() {
        assertEquals(Duration.ofMillis(500), Durations.parsePositive("500ms"));
        assertEquals(Duration.ofSeconds(15), Durations.parsePositive(" 15s "));
        assertEquals(Duration.ofSeconds(15), Durations.parsePositive("PT15S"));
        assertEquals(Durations.MAX, Durations.parsePositive("1d"));
        assertEquals(Durations.MAX, Durations.parsePositive("24h"));
    }

    @Test
    @DisplayName("zero, negative, longer than a day or beyond a long are refused with IllegalArgumentException")
    void invalid() {
        for (String text : new String[] {"0s", "-5s", "PT-1S", "25h", "400d", "PT1000000H",
            "9223372036854775807d", "99999999999999999999s", "15 parsecs"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Durations.parsePositive(text), text);
            assertTrue(e.getMessage().contains(Durations.VALID_FORMS), e.getMessage());
        }
    }
}
