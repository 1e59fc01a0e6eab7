package dev.baton.spi;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The text of {@link LeaderMetadata#SINCE}: an instant to the millisecond in ISO-8601 UTC, exactly as
 * {@code instant.truncatedTo(MILLIS).toString()} prints it, by plain arithmetic; and read back the same way. Written on
 * a graceful handover's path (the successor's acquire, the leader's handover transaction) and read there too (the new
 * leader's {@link dev.baton.LeaderInfo}, before it leads), where that code runs once per handover and so is rarely
 * compiled: {@code Instant.toString()} then costs about 40 µs against a few for this, {@code Instant.parse} about 75 µs
 * (JDK 25, interpreted).
 */
final class SinceFormat {

    private SinceFormat() {}

    static String of(Instant instant) {
        long millis;
        try {
            millis = instant.toEpochMilli();
        } catch (ArithmeticException e) {
            return instant.truncatedTo(ChronoUnit.MILLIS).toString();
        }
        long seconds = Math.floorDiv(millis, 1000);
        int milli = (int) Math.floorMod(millis, 1000);
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        // Civil date from days since 1970-01-01 (proleptic Gregorian, eras of 400 years from 0000-03-01).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153; // from March
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return instant.truncatedTo(ChronoUnit.MILLIS).toString(); // signs and wider years: the JDK's rules
        }
        char[] out = new char[milli == 0 ? 20 : 24];
        digits(out, 0, (int) year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        if (milli != 0) {
            out[19] = '.';
            digits(out, 20, milli, 3);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    /**
     * @return the instant {@code text} names: read by arithmetic when it has the form {@link #of} writes for years 0 to
     *     9999 ({@code yyyy-MM-ddTHH:mm:ss[.SSS]Z}, a real date and time), else by {@link Instant#parse} (other
     *     precisions, leap seconds, signed years); empty when neither reads it
     */
    static Optional<Instant> parse(String text) {
        int length = text.length();
        if ((length == 20 || length == 24) && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(length - 1) == 'Z'
                && (length == 20 || text.charAt(19) == '.')) {
            int year = number(text, 0, 4);
            int month = number(text, 5, 2);
            int day = number(text, 8, 2);
            int hour = number(text, 11, 2);
            int minute = number(text, 14, 2);
            int second = number(text, 17, 2);
            int milli = length == 24 ? number(text, 20, 3) : 0;
            if (year >= 0 && milli >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
                    && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60) {
                long seconds = epochDay(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
                return Optional.of(Instant.ofEpochSecond(seconds, milli * 1_000_000L));
            }
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** @return the decimal number of {@code width} ASCII digits at {@code at}, or -1 when one is not a digit */
    private static int number(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysIn(int year, int month) {
        if (month == 2) {
            boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days since 1970-01-01 of a civil date (the inverse of {@link #of}'s arithmetic). */
    private static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
