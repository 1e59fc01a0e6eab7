package dev.baton.spi;

/**
 * Rules for lease names, shared by every backend and by {@link dev.baton.Leases}: any non-blank string of at most
 * {@link #MAX_LENGTH} characters without NUL. Names are compared exactly (no trimming, case folding or Unicode
 * normalization); backends encode them where their storage restricts characters.
 */
public final class LeaseNames {

    /** The longest lease name, in UTF-16 characters. Backends must store names of this length. */
    public static final int MAX_LENGTH = 200;

    private LeaseNames() {}

    /**
     * @param name a candidate lease name
     * @return {@code name}
     * @throws IllegalArgumentException when it is null, blank, longer than {@link #MAX_LENGTH} or contains the NUL
     *     character (which PostgreSQL text cannot store)
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
        return name;
    }
}
