package dev.baton.spi;

/**
 * Rules for lease names, shared by every backend and by {@link dev.baton.Leases}: any non-blank, well-formed UTF-16
 * string of at most {@link #MAX_LENGTH} characters without NUL. Names are compared exactly (no trimming, case folding
 * or Unicode normalization); backends encode them where their storage restricts characters.
 *
 * <p>Well-formed means no unpaired surrogate: every backend but memory stores names as UTF-8 (or a file name), and
 * Java's encoders silently replace an unpaired surrogate with {@code ?}, so <code>"x&#92;uD800"</code>,
 * <code>"x&#92;uDFFF"</code> and {@code "x?"} would share one stored lease. Such names are refused here, in one place,
 * rather than stored lossily.
 */
public final class LeaseNames {

    /** The longest lease name, in UTF-16 characters. Backends must store names of this length. */
    public static final int MAX_LENGTH = 200;

    private LeaseNames() {}

    /**
     * @param name a candidate lease name
     * @return {@code name}
     * @throws IllegalArgumentException when it is null, blank, longer than {@link #MAX_LENGTH}, contains the NUL
     *     character (which PostgreSQL text cannot store) or an unpaired surrogate (which no UTF-8 store can)
     */
    public static String requireValid(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("lease name must be a non-blank string, got '" + name + "'");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("lease name is " + name.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed: '" + name.substring(0, 40) + "...'");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("lease name must not contain the NUL character (\\u0000)");
        }
        int unpaired = unpairedSurrogate(name);
        if (unpaired >= 0) {
            throw new IllegalArgumentException(String.format("lease name must be well-formed UTF-16, but the character"
                    + " at index %d is an unpaired surrogate (\\u%04X); a surrogate must be half of a pair encoding"
                    + " one code point", unpaired, (int) name.charAt(unpaired)));
        }
        return name;
    }

    /** @return the index of the first surrogate that is not half of a high-low pair, or -1 (also for holder ids) */
    static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a pair: skip its low half
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
