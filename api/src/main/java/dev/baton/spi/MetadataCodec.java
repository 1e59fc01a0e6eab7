package dev.baton.spi;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The stored form of {@link LeaderMetadata}: {@code application/x-www-form-urlencoded} in UTF-8, keys sorted. Kept
 * apart from the rules: a follower decodes whatever the leader wrote, valid by today's rules or not.
 */
final class MetadataCodec {

    private MetadataCodec() {}

    /** As {@link LeaderMetadata#encode(Map)}. */
    static String encode(Map<String, String> metadata) {
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

    /** As {@link LeaderMetadata#decode(String)}. */
    static Map<String, String> decode(String encoded) {
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
                throw new IllegalArgumentException("not encoded leader metadata: key " + MetadataRules.shown(key)
                        + " appears twice");
            }
            start = end + 1;
        }
        return Collections.unmodifiableSortedMap(map);
    }
}
