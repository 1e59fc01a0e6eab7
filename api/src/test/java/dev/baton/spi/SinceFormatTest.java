package dev.baton.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link LeaderMetadata#since}: exactly what {@code instant.truncatedTo(MILLIS).toString()} prints. */
class SinceFormatTest {

    private static void same(Instant i) {
        assertEquals(i.truncatedTo(ChronoUnit.MILLIS).toString(), LeaderMetadata.since(i), () -> "for " + i);
    }

    @Test
    @DisplayName("the JDK's text for 200,000 random instants of years 0 to 9999, to the nanosecond")
    void randomInstants() {
        SplittableRandom random = new SplittableRandom(18);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int n = 0; n < 200_000; n++) {
            same(Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000)));
        }
    }

    @Test
    @DisplayName("edges: whole seconds, the epoch, leap days, century years, the first and last instants of the range")
    void edges() {
        for (String s : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.001Z",
            "1900-03-01T00:00:00Z", "2100-02-28T23:59:59.5Z", "2024-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z", "0000-02-29T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-12-06T10:45:00.010Z"}) {
            same(Instant.parse(s));
        }
    }

    @Test
    @DisplayName("years outside 0 to 9999, and instants beyond milliseconds' range: the JDK's own text")
    void outsideTheRange() {
        same(Instant.parse("+10000-01-01T00:00:00Z"));
        same(Instant.parse("-0001-12-31T23:59:59.123Z"));
        same(Instant.MAX);
        same(Instant.MIN);
    }
}
