package dev.baton.spi;

/**
 * The one rule for a holder id (a participant id), which the engine enforces before any store sees it: non-blank,
 * at most {@link #MAX_LENGTH} UTF-16 characters, no NUL character, well-formed UTF-16 (the same character rules as
 * {@link LeaseNames}). A store may rely on it, and must keep every valid holder exactly: two ids that differ in any
 * character, in case or in length are two holders (the TCK checks it).
 */
public final class HolderIds {

    /** The longest holder id, in UTF-16 characters. Backends must store ids of this length. */
    public static final int MAX_LENGTH = 200;

    private HolderIds() {}

    /**
     * @param holder a candidate holder id
     * @return the reason it is invalid, or null when it is valid
     */
    public static String problem(String holder) {
        if (holder == null || holder.isBlank()) {
            return "a holder id must be a non-blank string";
        }
        if (holder.length() > MAX_LENGTH) {
            return "a holder id is at most " + MAX_LENGTH + " characters long, this one has " + holder.length();
        }
        if (holder.indexOf('\0') >= 0) {
            return "a holder id must not contain the NUL character (\\u0000)";
        }
        int unpaired = LeaseNames.unpairedSurrogate(holder);
        if (unpaired >= 0) {
            return String.format("a holder id must be well-formed UTF-16; the character at index %d is an unpaired"
                    + " surrogate (\\u%04X)", unpaired, (int) holder.charAt(unpaired));
        }
        return null;
    }

    /**
     * @param holder a candidate holder id
     * @return {@code holder}
     * @throws IllegalArgumentException naming what is wrong when it is invalid
     */
    public static String requireValid(String holder) {
        String problem = problem(holder);
        if (problem != null) {
            throw new IllegalArgumentException(problem + ": '" + holder + "'");
        }
        return holder;
    }
}
