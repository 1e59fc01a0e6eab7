package dev.baton.spi;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

    /**
     * @param instant when a tenure starts
     * @return the value of {@link #SINCE} for it: {@code instant.truncatedTo(MILLIS).toString()}, computed without
     *     the JDK's formatter (cheaper on a handover's path, where that code is rarely compiled)
     */
    public static String since(Instant instant) {
        return SinceFormat.of(Objects.requireNonNull(instant, "instant"));
    }

    /**
     * @param text a value of {@link #SINCE}
     * @return the instant it names, as {@link Instant#parse} reads it (read without the JDK's parser when it has the
     *     form {@link #since} writes: cheaper on a handover's path, where the new leader reads it before it leads);
     *     empty when it is not an ISO-8601 instant
     */
    public static Optional<Instant> parseSince(String text) {
        return SinceFormat.parse(Objects.requireNonNull(text, "text"));
    }

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
        return MetadataRules.check(metadata, false);
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
        List<String> problems = MetadataRules.check(metadata, allowReserved);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid leader metadata: " + String.join("; ", problems));
        }
        return sortedCopy(metadata);
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
        return MetadataCodec.encode(metadata);
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
        return MetadataCodec.decode(encoded);
    }
}
