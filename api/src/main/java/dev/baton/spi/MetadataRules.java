package dev.baton.spi;

import static dev.baton.spi.LeaderMetadata.KEY_PATTERN;
import static dev.baton.spi.LeaderMetadata.MAX_ENTRIES;
import static dev.baton.spi.LeaderMetadata.MAX_KEY_LENGTH;
import static dev.baton.spi.LeaderMetadata.MAX_RESERVED_BYTES;
import static dev.baton.spi.LeaderMetadata.MAX_RESERVED_ENTRIES;
import static dev.baton.spi.LeaderMetadata.MAX_TOTAL_BYTES;
import static dev.baton.spi.LeaderMetadata.MAX_VALUE_LENGTH;
import static dev.baton.spi.LeaderMetadata.RESERVED_PREFIX;
import static dev.baton.spi.LeaderMetadata.isReserved;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rules of {@link LeaderMetadata}, as checks that return every problem instead of throwing at the first: a
 * deployment reports them all at once. Each message names the entry, the rule and the limit. Kept apart from the
 * public class so that its javadoc states the rules and this class only checks them.
 */
final class MetadataRules {

    private MetadataRules() {}

    /**
     * @param metadata a candidate map (null counts as a problem)
     * @param allowReserved whether keys starting with {@link LeaderMetadata#RESERVED_PREFIX} are allowed (in a map a
     *     store keeps, within their own limits) or refused (in a participant's own metadata)
     * @return the problems, in key order; empty when the map is valid
     */
    static List<String> check(Map<String, String> metadata, boolean allowReserved) {
        if (metadata == null) {
            return List.of("leader metadata must be a map, got null");
        }
        List<String> problems = new ArrayList<>();
        int own = 0;
        int reserved = 0;
        long ownBytes = 0;
        long reservedBytes = 0;
        // Sorted for a stable report; a null key cannot go into a TreeMap, so it is reported apart.
        SortedMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null) {
                problems.add("a leader metadata key is null");
            } else {
                sorted.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            String keyProblem = keyProblem(key, allowReserved);
            if (keyProblem != null) {
                problems.add(keyProblem);
            }
            String valueProblem = valueProblem(key, value);
            if (valueProblem != null) {
                problems.add(valueProblem);
            }
            long bytes = utf8Length(key) + (value == null ? 0 : utf8Length(value));
            if (isReserved(key)) {
                reserved++;
                reservedBytes += bytes;
            } else {
                own++;
                ownBytes += bytes;
            }
        }
        if (own > MAX_ENTRIES) {
            problems.add("leader metadata has " + own + " entries; at most " + MAX_ENTRIES + " are allowed");
        }
        if (ownBytes > MAX_TOTAL_BYTES) {
            problems.add("leader metadata is " + ownBytes + " bytes in UTF-8 (keys and values together); at most "
                    + MAX_TOTAL_BYTES + " are allowed");
        }
        if (allowReserved && reserved > MAX_RESERVED_ENTRIES) {
            problems.add("leader metadata has " + reserved + " entries with keys starting with '" + RESERVED_PREFIX
                    + "'; at most " + MAX_RESERVED_ENTRIES + " are allowed");
        }
        if (allowReserved && reservedBytes > MAX_RESERVED_BYTES) {
            problems.add("the leader metadata entries with keys starting with '" + RESERVED_PREFIX + "' are "
                    + reservedBytes + " bytes in UTF-8; at most " + MAX_RESERVED_BYTES + " are allowed");
        }
        return problems;
    }

    private static String keyProblem(String key, boolean allowReserved) {
        if (key.length() > MAX_KEY_LENGTH) {
            return "leader metadata key " + shown(key) + " is " + key.length() + " characters long; at most "
                    + MAX_KEY_LENGTH + " are allowed";
        }
        if (!KEY_PATTERN.matcher(key).matches()) {
            return "leader metadata key " + shown(key) + " must match " + KEY_PATTERN.pattern() + " (a lower-case"
                    + " letter, then lower-case letters, digits, '_', '.' or '-'; at most " + MAX_KEY_LENGTH
                    + " characters), so that its environment-variable form maps back to it";
        }
        if (!allowReserved && isReserved(key)) {
            return "leader metadata key " + shown(key) + " starts with '" + RESERVED_PREFIX + "', which is reserved"
                    + " for Baton";
        }
        return null;
    }

    private static String valueProblem(String key, String value) {
        if (value == null) {
            return "leader metadata entry " + shown(key) + " has no value (null)";
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            return "the value of leader metadata entry " + shown(key) + " is " + value.length()
                    + " characters long; at most " + MAX_VALUE_LENGTH + " are allowed";
        }
        if (value.indexOf('\0') >= 0) {
            return "the value of leader metadata entry " + shown(key) + " contains the NUL character (\\u0000),"
                    + " which is not allowed";
        }
        int unpaired = LeaseNames.unpairedSurrogate(value);
        if (unpaired >= 0) {
            return String.format("the value of leader metadata entry %s must be well-formed UTF-16, but the character"
                    + " at index %d is an unpaired surrogate (\\u%04X)", shown(key), unpaired,
                    (int) value.charAt(unpaired));
        }
        return null;
    }

    /** A key as it appears in a message: quoted, cut after 70 characters, control characters escaped. */
    static String shown(String key) {
        String cut = key.length() > 70 ? key.substring(0, 70) + "..." : key;
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('\'').toString();
    }

    /** @return the length in UTF-8 (an unpaired surrogate, refused anyway, counts as 3 bytes) */
    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
