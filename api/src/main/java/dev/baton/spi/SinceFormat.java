package dev.baton.spi;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The text of {@link LeaderMetadata#SINCE}: an instant to the millisecond in ISO-8601 UTC, exactly as
 * {@code instant.truncatedTo(MILLIS).toString()} prints it, by plain arithmetic. Written on a graceful handover's path
 * (the successor's acquire, the leader's handover transaction), where that code runs once per handover and so is
 * rarely compiled: {@code Instant.toString()} then costs about 40 µs against a few for this (JDK 25, interpreted).
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

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
