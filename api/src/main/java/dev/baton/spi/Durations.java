package dev.baton.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses configuration durations: ISO-8601 ({@code PT15S}) or the short form ({@code 15s}, {@code 500ms}). */
public final class Durations {

    /** What a valid duration looks like, for error messages. */
    public static final String VALID_FORMS =
            "a positive duration such as 500ms, 15s, 2m, 1h or ISO-8601 PT15S";

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /**
     * @param text the configured text
     * @return the duration, which is positive
     * @throws IllegalArgumentException when the text is not a positive duration
     */
    public static Duration parsePositive(String text) {
        String t = text.trim();
        Duration d;
        Matcher m = SHORT.matcher(t.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not " + VALID_FORMS, e);
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is not " + VALID_FORMS);
        }
        return d;
    }
}
