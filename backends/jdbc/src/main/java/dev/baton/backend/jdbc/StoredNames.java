package dev.baton.backend.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Maps lease names to the text stored in {@code lease_name}, one to one. Nearly every name is stored as it is
 * (readable in the table); the few a database cannot store exactly are encoded: names containing NUL (PostgreSQL
 * text cannot hold it) or an unpaired surrogate (not encodable in UTF-8, a driver would replace it with {@code ?} and
 * two names would collide). An encoded name is {@link #PREFIX} followed by the base64url form of its UTF-16
 * code units; names that happen to start with the prefix are encoded too, so no plain name equals an encoded one.
 * 200 characters encode to at most 542, within the MariaDB column's 600.
 */
final class StoredNames {

    /** Marks an encoded name. */
    static final String PREFIX = "~b64~";

    private StoredNames() {}

    /**
     * @param name a valid lease name
     * @return the text to store
     */
    static String encode(String name) {
        if (storableAsIs(name)) {
            return name;
        }
        return PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(name.getBytes(StandardCharsets.UTF_16BE));
    }

    private static boolean storableAsIs(String name) {
        if (name.startsWith(PREFIX)) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
