package dev.baton.spi;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LeaderMetadataTest {

    /** A valid map of exactly {@code entries} entries and {@code bytes} UTF-8 bytes (keys k00, k01, ...). */
    static Map<String, String> mapOf(int entries, int bytes) {
        Map<String, String> m = new LinkedHashMap<>();
        int left = bytes - 3 * entries; // keys are 3 bytes each
        for (int i = 0; i < entries; i++) {
            int share = left / (entries - i);
            m.put(String.format("k%02d", i), "v".repeat(share));
            left -= share;
        }
        return m;
    }

    private static String message(Map<String, String> m) {
        return assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.requireValid(m)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + part + "' missing from: " + message);
        }
    }

    @Nested
    @DisplayName("requireValid")
    class RequireValid {

        @Test
        @DisplayName("accepts the empty map and typical entries, and returns an unmodifiable copy sorted by key")
        void accepts() {
            assertEquals(Map.of(), LeaderMetadata.requireValid(Map.of()));
            Map<String, String> given = new LinkedHashMap<>();
            given.put("zone", "eu-west-ü-東京");
            given.put("url", "http://10.0.0.7:8080/app");
            given.put("version", "");
            Map<String, String> valid = LeaderMetadata.requireValid(given);
            assertEquals(List.of("url", "version", "zone"), new ArrayList<>(valid.keySet()));
            assertEquals(given, valid);
            assertThrows(UnsupportedOperationException.class, () -> valid.put("x", "y"));
            given.put("other", "later");
            assertEquals(3, valid.size(), "a copy, not a view");
        }

        @Test
        @DisplayName("accepts exactly 16 entries of 1024 bytes, refuses a 17th entry naming the count and the limit")
        void entryLimit() {
            Map<String, String> max = mapOf(LeaderMetadata.MAX_ENTRIES, LeaderMetadata.MAX_TOTAL_BYTES);
            assertEquals(max, LeaderMetadata.requireValid(max));
            Map<String, String> more = new HashMap<>(mapOf(16, 100));
            more.put("k16", "x");
            assertMentions(message(more), "17 entries", "at most 16");
        }

        @Test
        @DisplayName("refuses 1025 bytes in UTF-8, counted in bytes, not characters")
        void byteLimit() {
            assertMentions(message(mapOf(4, 1025)), "1025 bytes", "UTF-8", "at most 1024");
            // 300 three-byte characters are 900 bytes (300 chars): with a 3-byte key, fine.
            assertEquals(1, LeaderMetadata.requireValid(Map.of("k", "東".repeat(300))).size());
            // 2 * 200 three-byte characters = 1200 bytes, though only 400 characters.
            assertMentions(message(Map.of("a", "東".repeat(200), "b", "京".repeat(200))), "1202 bytes", "at most 1024");
            // A surrogate pair (one emoji) is 4 bytes.
            assertEquals(1, LeaderMetadata.requireValid(Map.of("e", "🎉".repeat(255))).size()); // 1 + 1020 bytes
            assertMentions(message(Map.of("ee", "🎉".repeat(256))), "1026 bytes");
        }

        @Test
        @DisplayName("a value of 512 characters is fine, 513 is refused naming the entry, its length and the limit")
        void valueLength() {
            assertEquals(1, LeaderMetadata.requireValid(Map.of("v", "x".repeat(512))).size());
            assertMentions(message(Map.of("note", "x".repeat(513))), "'note'", "513 characters", "at most 512");
        }

        @Test
        @DisplayName("keys: lower case letter first, then [a-z0-9_.-], at most 63 characters; each error names the key")
        void keys() {
            for (String ok : List.of("url", "a", "zone.name", "build_id", "git-sha", "x9", "a" + "b".repeat(62))) {
                assertEquals(1, LeaderMetadata.requireValid(Map.of(ok, "v")).size(), ok);
            }
            for (String bad : List.of("Url", "URL", "9lives", "_x", ".x", "-x", "has space", "ünï", "a/b", "a:b",
                    "", "a\u0000b", "a\uD800")) {
                String m = message(Map.of(bad, "v"));
                assertMentions(m, "must match [a-z][a-z0-9_.-]{0,62}", "at most 63 characters");
                assertTrue(m.contains("'" + bad.replace("\u0000", "\\u0000").replace("\uD800", "\\uD800") + "'"), m);
            }
            String longKey = "a".repeat(64);
            assertMentions(message(Map.of(longKey, "v")), "64 characters long", "at most 63");
        }

        @Test
        @DisplayName("keys starting with 'baton.' are reserved for Baton")
        void reserved() {
            assertMentions(message(Map.of("baton.since", "2026-01-01T00:00:00Z")), "'baton.since'", "reserved",
                    "'baton.'");
            assertMentions(message(Map.of("baton.anything", "v")), "'baton.anything'", "reserved");
            assertEquals(1, LeaderMetadata.requireValid(Map.of("batonx", "v")).size(), "only the dotted prefix");
            assertTrue(LeaderMetadata.isReserved("baton.since"));
            assertTrue(!LeaderMetadata.isReserved("baton"));
        }

        @Test
        @DisplayName("values: no NUL, no unpaired surrogate (naming its index), no null; surrogate pairs are fine")
        void values() {
            assertMentions(message(Map.of("v", "a\u0000b")), "'v'", "NUL");
            assertMentions(message(Map.of("v", "ab\uD800c")), "'v'", "unpaired surrogate", "index 2", "\\uD800");
            assertMentions(message(Map.of("v", "\uDFFF")), "index 0", "\\uDFFF");
            Map<String, String> nullValue = new HashMap<>();
            nullValue.put("v", null);
            assertMentions(message(nullValue), "'v'", "null");
            Map<String, String> nullKey = new HashMap<>();
            nullKey.put(null, "v");
            assertMentions(message(nullKey), "key is null");
            assertMentions(assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.requireValid(null))
                    .getMessage(), "null");
            assertEquals(1, LeaderMetadata.requireValid(Map.of("party", "🎉")).size());
        }

        @Test
        @DisplayName("reports every problem at once, in key order (problems() gives them as a list)")
        void allProblems() {
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("Zone", "x");
            bad.put("baton.x", "y");
            bad.put("note", "z".repeat(600));
            List<String> problems = LeaderMetadata.problems(bad);
            assertEquals(3, problems.size(), problems::toString);
            assertMentions(problems.get(0), "'Zone'");
            assertMentions(problems.get(1), "'baton.x'");
            assertMentions(problems.get(2), "'note'");
            String m = message(bad);
            assertMentions(m, "invalid leader metadata", "'Zone'", "'baton.x'", "'note'");
            assertEquals(List.of(), LeaderMetadata.problems(Map.of("url", "http://a")));
        }
    }

    @Nested
    @DisplayName("requireStorable")
    class RequireStorable {

        @Test
        @DisplayName("accepts the maximal map plus Baton's reserved entries, which requireValid refuses")
        void reservedOnTop() {
            Map<String, String> stored = new HashMap<>(mapOf(16, 1024));
            stored.put(LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z");
            assertEquals(17, LeaderMetadata.requireStorable(stored).size());
            assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.requireValid(stored));
        }

        @Test
        @DisplayName("bounds the reserved entries too: at most 4, of at most 128 bytes")
        void reservedBounds() {
            Map<String, String> five = new HashMap<>();
            for (int i = 0; i < 5; i++) {
                five.put("baton.r" + i, "x");
            }
            assertMentions(assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.requireStorable(five))
                    .getMessage(), "5 entries", "'baton.'", "at most 4");
            Map<String, String> big = Map.of("baton.since", "x".repeat(200));
            assertMentions(assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.requireStorable(big))
                    .getMessage(), "211 bytes", "at most 128");
        }

        @Test
        @DisplayName("the participant's own entries keep their limits")
        void ownLimits() {
            Map<String, String> tooMany = new HashMap<>(mapOf(17, 200));
            tooMany.put(LeaderMetadata.SINCE, "2026-12-05T18:00:00Z");
            assertMentions(assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.requireStorable(tooMany))
                    .getMessage(), "17 entries", "at most 16");
        }
    }

    @Nested
    @DisplayName("encode and decode")
    class Codec {

        @Test
        @DisplayName("round-trip unicode, '&=%+', spaces, empty values and slashes; the form is sorted printable ASCII")
        void roundTrip() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("zone", "eu-west-ü-東京");
            m.put("url", "http://a:8080/x?y=1&z=%20");
            m.put("tricky", "a&b=c%d+e f  g");
            m.put("empty", "");
            m.put("emoji", "🎉 party");
            m.put("baton.since", "2026-12-05T18:00:00Z");
            m.put("ctl", "tab\there\nnewline");
            String encoded = LeaderMetadata.encode(m);
            assertTrue(encoded.chars().allMatch(c -> c > 0x20 && c < 0x7f), encoded);
            assertTrue(encoded.startsWith("baton.since=2026-12-05T18%3A00%3A00Z&ctl="), encoded);
            assertEquals(m, LeaderMetadata.decode(encoded));
            assertEquals(List.of("baton.since", "ctl", "emoji", "empty", "tricky", "url", "zone"),
                    new ArrayList<>(LeaderMetadata.decode(encoded).keySet()), "decoded sorted by key");
        }

        @Test
        @DisplayName("the example of the design: baton.since and url")
        void example() {
            assertEquals("baton.since=2026-12-05T18%3A00%3A00Z&url=http%3A%2F%2Fa%3A8080",
                    LeaderMetadata.encode(Map.of("url", "http://a:8080", "baton.since", "2026-12-05T18:00:00Z")));
        }

        @Test
        @DisplayName("the empty map is the empty string; null and the empty string decode to the empty map")
        void empty() {
            assertEquals("", LeaderMetadata.encode(Map.of()));
            assertEquals(Map.of(), LeaderMetadata.decode(""));
            assertEquals(Map.of(), LeaderMetadata.decode(null));
        }

        @Test
        @DisplayName("the largest storable map encodes within MAX_ENCODED_LENGTH, even when every byte is escaped")
        void largest() {
            Map<String, String> m = new HashMap<>();
            // 16 entries of 3-byte keys and values of 3-byte characters: (1024 - 48) / 3 = 325 characters in all.
            int chars = (LeaderMetadata.MAX_TOTAL_BYTES - 48) / 3;
            for (int i = 0; i < 16; i++) {
                int share = chars / (16 - i);
                m.put(String.format("k%02d", i), "東".repeat(share));
                chars -= share;
            }
            m.put(LeaderMetadata.SINCE, "+10000-12-05T18:00:00.123Z");
            LeaderMetadata.requireStorable(m);
            String encoded = LeaderMetadata.encode(m);
            assertTrue(encoded.length() <= LeaderMetadata.MAX_ENCODED_LENGTH,
                    encoded.length() + " > " + LeaderMetadata.MAX_ENCODED_LENGTH);
            assertEquals(m, LeaderMetadata.decode(encoded));
            int bytes = m.entrySet().stream().mapToInt(e -> (e.getKey() + e.getValue()).getBytes(StandardCharsets.UTF_8)
                    .length).sum();
            assertTrue(bytes <= LeaderMetadata.MAX_TOTAL_BYTES + LeaderMetadata.MAX_RESERVED_BYTES);
        }

        @Test
        @DisplayName("garbage is an IllegalArgumentException saying what is wrong, never another exception")
        void garbage() {
            assertAll(
                    () -> assertMentions(assertThrows(IllegalArgumentException.class,
                            () -> LeaderMetadata.decode("novalue")).getMessage(), "no '='"),
                    () -> assertMentions(assertThrows(IllegalArgumentException.class,
                            () -> LeaderMetadata.decode("a=1&&b=2")).getMessage(), "entry 2", "no '='"),
                    () -> assertMentions(assertThrows(IllegalArgumentException.class,
                            () -> LeaderMetadata.decode("a=1&")).getMessage(), "no '='"),
                    () -> assertMentions(assertThrows(IllegalArgumentException.class,
                            () -> LeaderMetadata.decode("=1")).getMessage(), "empty key"),
                    () -> assertMentions(assertThrows(IllegalArgumentException.class,
                            () -> LeaderMetadata.decode("a=1&a=2")).getMessage(), "'a'", "twice"),
                    () -> assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.decode("a=%zz")),
                    () -> assertThrows(IllegalArgumentException.class, () -> LeaderMetadata.decode("a=%4")));
        }

        @Test
        @DisplayName("encode refuses null keys and values")
        void nulls() {
            Map<String, String> m = new HashMap<>();
            m.put("a", null);
            assertThrows(NullPointerException.class, () -> LeaderMetadata.encode(m));
            assertThrows(NullPointerException.class, () -> LeaderMetadata.encode(null));
        }
    }
}
