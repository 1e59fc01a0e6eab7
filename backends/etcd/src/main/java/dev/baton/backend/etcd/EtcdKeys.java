package dev.baton.backend.etcd;

import dev.baton.spi.LeaseNames;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/**
 * Maps lease names to etcd keys under one prefix. Names are percent-encoded: letters, digits, {@code . _ -} stay as
 * they are, every other UTF-8 byte (including {@code /} and {@code %}) becomes {@code %XX}. So a key never holds a
 * {@code /} after the prefix: no name can reach into a nested prefix or collide with another name, and two stores
 * whose prefixes differ never share a key.
 */
final class EtcdKeys {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String prefix;
    private final ByteSequence prefixBytes;

    /** @param prefix a prefix ending with {@code /}, validated by the factory */
    EtcdKeys(String prefix) {
        if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("key prefix must end with '/', got '" + prefix + "'");
        }
        this.prefix = prefix;
        this.prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    }

    /** @return the prefix, ending with {@code /} */
    String prefix() {
        return prefix;
    }

    /** @return the prefix as bytes, for the watch */
    ByteSequence prefixBytes() {
        return prefixBytes;
    }

    /**
     * @param name a lease name
     * @return its key
     * @throws IllegalArgumentException when the name is not valid ({@link LeaseNames#requireValid(String)})
     */
    ByteSequence key(String name) {
        return ByteSequence.from(prefix + encode(LeaseNames.requireValid(name)), StandardCharsets.UTF_8);
    }

    /** @return the name's encoded form, using only {@code [A-Za-z0-9._%-]} */
    static String encode(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(utf8.length + 8);
        for (byte b : utf8) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return sb.toString();
    }
}
