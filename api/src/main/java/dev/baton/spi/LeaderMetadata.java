package dev.baton.spi;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one validator and codec of leader metadata: the small map of strings a participant advertises with its lease
 * ({@code url}, {@code version}, {@code zone}, ...), which followers read as {@link dev.baton.LeaderInfo#metadata()}.
 * The engine, the CDI extension and every backend use this class, so the rules and the stored form are the same
 * everywhere.
 *
 * <p>The rules for a participant's own metadata ({@link #requireValid(Map)}):
 * <ul>
 *   <li>at most {@value #MAX_ENTRIES} entries;</li>
 *   <li>each key matches {@code [a-z][a-z0-9_.-]{0,62}} ({@link #KEY_PATTERN}): lower case, so that MicroProfile
 *       Config's environment-variable mapping finds it ({@code BATON_PARTICIPANT_METADATA_URL} is
 *       {@code baton.participant.metadata.url});</li>
 *   <li>keys starting with {@value #RESERVED_PREFIX} are reserved for Baton, which writes {@value #SINCE} itself;</li>
 *   <li>each value is well-formed UTF-16 (no unpaired surrogate, which a UTF-8 store would turn into {@code ?}), has
 *       no NUL character (which PostgreSQL text cannot store) and is at most {@value #MAX_VALUE_LENGTH} characters
 *       long;</li>
 *   <li>keys and values together are at most {@value #MAX_TOTAL_BYTES} bytes in UTF-8.</li>
 * </ul>
 * A store receives the participant's metadata plus Baton's reserved entries ({@link #requireStorable(Map)}): at most
 * {@value #MAX_RESERVED_ENTRIES} more entries of at most {@value #MAX_RESERVED_BYTES} bytes, so the largest map a
 * store must keep has {@value #MAX_ENTRIES} + {@value #MAX_RESERVED_ENTRIES} entries, and its encoded form is at most
 * {@value #MAX_ENCODED_LENGTH} characters.
 *
 * <p>The stored form ({@link #encode(Map)}) is {@code application/x-www-form-urlencoded} in UTF-8 with the keys
 * sorted, e.g. {@code baton.since=2026-12-05T18%3A00%3A00Z&url=http%3A%2F%2Fa%3A8080}: pure printable ASCII without
 * spaces, so it fits every backend (a text column, a Redis hash field, a ZooKeeper node, an Azure metadata header).
 * {@link #decode(String)} reads it back; a backend that cannot decode what it finds (a foreign or damaged value)
 * reports the lease with empty metadata and logs one warning: metadata must never break an election.
 *
 * <p>Thread safety: stateless; every method may be called from any thread.
 */
public final class LeaderMetadata {

    /** The most entries a participant may advertise. */
    public static final int MAX_ENTRIES = 16;

    /** The longest key, in characters. */
    public static final int MAX_KEY_LENGTH = 63;

    /** What a key looks like: a lower-case letter, then up to 62 lower-case letters, digits, {@code _ . -}. */
    public static final Pattern KEY_PATTERN = Pattern.compile("[a-z][a-z0-9_.-]{0,62}");

    /** The longest value, in UTF-16 characters. */
    public static final int MAX_VALUE_LENGTH = 512;

    /** The most bytes (UTF-8) of all keys and values of a participant's metadata together. */
    public static final int MAX_TOTAL_BYTES = 1024;

    /** Keys starting with this prefix are Baton's own; a participant cannot set them. */
    public static final String RESERVED_PREFIX = "baton.";

    /**
     * The reserved entry the engine adds on every acquire: the ISO-8601 instant (UTC, milliseconds) at which the
     * participant sent the request, by its own wall clock. Followers see it as {@link dev.baton.LeaderInfo#since()};
     * it is informational only and never used for a decision.
     */
    public static final String SINCE = "baton.since";

    /** The most reserved entries Baton adds on top of a participant's metadata. */
    public static final int MAX_RESERVED_ENTRIES = 4;

    /** The most bytes (UTF-8) of Baton's reserved entries together. */
    public static final int MAX_RESERVED_BYTES = 128;

    /**
     * The longest {@link #encode(Map) encoded form} of a map {@link #requireStorable(Map)} accepts: every byte of the
     * keys and values as a three-character escape, plus one {@code =} and one {@code &} per entry.
     */
    public static final int MAX_ENCODED_LENGTH =
            3 * (MAX_TOTAL_BYTES + MAX_RESERVED_BYTES) + 2 * (MAX_ENTRIES + MAX_RESERVED_ENTRIES);

    private LeaderMetadata() {}

    /**
     * @param key a metadata key
     * @return whether the key is reserved for Baton (starts with {@value #RESERVED_PREFIX})
     */
    public static boolean isReserved(String key) {
        return key != null && key.startsWith(RESERVED_PREFIX);
    }

    /**
     * Every problem of a participant's own metadata, each naming the entry, the rule and the limit, so that a
     * deployment can report them all at once.
     *
     * @param metadata a candidate map (null counts as a problem)
     * @return the problems, in key order; empty when the map is valid
     */
    public static List<String> problems(Map<String, String> metadata) {
        return check(metadata, false);
    }

    /**
     * Checks a participant's own metadata: {@code Baton.Builder.metadata(Map)} and the CDI
     * extension's {@code baton.participant.metadata.<key>} use it.
     *
     * @param metadata a candidate map
     * @return an unmodifiable copy sorted by key
     * @throws IllegalArgumentException naming each offending entry, the rule and the limit
     */
    public static Map<String, String> requireValid(Map<String, String> metadata) {
        return require(metadata, false);
    }

    /**
     * Checks a map a store is asked to keep: a participant's metadata plus Baton's reserved entries (at most
     * {@value #MAX_RESERVED_ENTRIES} more, of at most {@value #MAX_RESERVED_BYTES} bytes). Stores call it on
     * {@link LeaseStore#tryAcquire(String, String, java.time.Duration, Map)}, so that what they write always fits
     * {@link #MAX_ENCODED_LENGTH}.
     *
     * @param metadata the map to store
     * @return an unmodifiable copy sorted by key
     * @throws IllegalArgumentException naming each offending entry, the rule and the limit
     */
    public static Map<String, String> requireStorable(Map<String, String> metadata) {
        return require(metadata, true);
    }

    private static Map<String, String> require(Map<String, String> metadata, boolean allowReserved) {
        List<String> problems = check(metadata, allowReserved);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid leader metadata: " + String.join("; ", problems));
        }
        return sortedCopy(metadata);
    }

    private static List<String> check(Map<String, String> metadata, boolean allowReserved) {
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
    private static String shown(String key) {
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

    private static Map<String, String> sortedCopy(Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return Collections.emptySortedMap();
        }
        return Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
    }

    /**
     * Encodes a map for storage: {@code application/x-www-form-urlencoded} in UTF-8, keys sorted. The empty map
     * encodes to the empty string. Does not validate (stores call {@link #requireStorable(Map)} first).
     *
     * @param metadata the map; no null key or value
     * @return the encoded form: printable ASCII, no spaces
     * @throws NullPointerException when the map, a key or a value is null
     */
    public static String encode(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        if (metadata.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(Objects.requireNonNull(e.getValue(), "value"), StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /**
     * Decodes what {@link #encode(Map)} wrote. Lenient where it costs nothing: null and the empty string are the
     * empty map. Does not validate keys or values against the rules (a follower shows what the leader wrote).
     *
     * @param encoded the stored form, or null
     * @return an unmodifiable map sorted by key
     * @throws IllegalArgumentException when the text is not an encoded map (an entry without {@code =}, an empty
     *     key, a key twice, a broken {@code %} escape); a backend then reports empty metadata and logs a warning
     */
    public static Map<String, String> decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Collections.emptySortedMap();
        }
        TreeMap<String, String> map = new TreeMap<>();
        int start = 0;
        while (start <= encoded.length()) {
            int end = encoded.indexOf('&', start);
            if (end < 0) {
                end = encoded.length();
            }
            String pair = encoded.substring(start, end);
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not encoded leader metadata: entry " + (map.size() + 1)
                        + " has no '='");
            }
            String key;
            String value;
            try {
                key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not encoded leader metadata: entry " + (map.size() + 1) + ": "
                        + e.getMessage(), e);
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("not encoded leader metadata: entry " + (map.size() + 1)
                        + " has an empty key");
            }
            if (map.put(key, value) != null) {
                throw new IllegalArgumentException("not encoded leader metadata: key " + shown(key) + " appears twice");
            }
            start = end + 1;
        }
        return Collections.unmodifiableSortedMap(map);
    }
}
