package dev.baton.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses configuration durations: ISO-8601 ({@code PT15S}) or the short form ({@code 15s}, {@code 500ms}). */
public final class Durations {

    /**
     * The longest duration any setting accepts, one day: every Baton duration is a lease length or bounded by one
     * ({@link dev.baton.ElectionSettings#MAX_TTL}), and the bound keeps all arithmetic on it far from overflow.
     */
    public static final Duration MAX = Duration.ofDays(1);

    /** What a valid duration looks like, for error messages. */
    public static final String VALID_FORMS =
            "a positive duration of at most one day, such as 500ms, 15s, 2m, 1h or ISO-8601 PT15S";

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /**
     * @param text the configured text
     * @return the duration, which is positive and at most {@link #MAX}
     * @throws IllegalArgumentException when the text is not a positive duration of at most {@link #MAX}
     */
    public static Duration parsePositive(String text) {
        String t = text.trim();
        Duration d;
        Matcher m = SHORT.matcher(t.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } catch (ArithmeticException | NumberFormatException e) { // beyond a long or a Duration
                throw new IllegalArgumentException("'" + text + "' is not " + VALID_FORMS, e);
            }
        } else {
            try {
                d = Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not " + VALID_FORMS, e);
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("'" + text + "' is not " + VALID_FORMS);
        }
        return d;
    }
}
