package dev.baton.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link LeaderMetadata#since}: exactly what {@code instant.truncatedTo(MILLIS).toString()} prints; and
 * {@link LeaderMetadata#parseSince}: exactly what {@link Instant#parse} reads.
 */
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

    private static Optional<Instant> jdk(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static void readsAsJdk(String text) {
        assertEquals(jdk(text), LeaderMetadata.parseSince(text), () -> "for " + text);
    }

    @Test
    @DisplayName("read back: 200,000 random instants of years 0 to 9999 as written, each the JDK's reading")
    void readsWhatItWrites() {
        SplittableRandom random = new SplittableRandom(19);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int n = 0; n < 200_000; n++) {
            Instant i = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
            String text = LeaderMetadata.since(i);
            assertEquals(Optional.of(i.truncatedTo(ChronoUnit.MILLIS)), LeaderMetadata.parseSince(text),
                    () -> "for " + text);
            readsAsJdk(text);
        }
    }

    @Test
    @DisplayName("read back: impossible dates and times, other forms and other precisions read as the JDK reads them")
    void readsAsTheJdkDoes() {
        for (String s : new String[] {"2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
            "2000-02-29T00:00:00.000Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
            "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z", "2026-12-31T23:59:60Z",
            "2026-01-01t00:00:00z", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00.123456Z", "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+01:00", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00.12aZ", "2026-1a-01T00:00:00Z",
            "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59.123Z", "", "yesterday", "2026-01-01T00:00:00.000Z"}) {
            readsAsJdk(s);
        }
    }
}
