package dev.baton.backend.file;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps a lease name to a file-name stem that is safe on every local file system: lower-case letters, digits and
 * {@code -} are kept (so {@code reports} stays readable as {@code reports.lease}); every other UTF-8 byte, upper-case
 * letters included (case-insensitive file systems), becomes {@code _xx}. A stem longer than {@link #MAX_STEM} is cut
 * and suffixed with a SHA-256 of the name; the record inside the file repeats the full name, so a collision is
 * detected rather than trusted.
 */
final class LeaseFileNames {
    /** Well below the 255-byte limit of common file systems, leaving room for suffixes. */
    static final int MAX_STEM = 160;

    private static final HexFormat HEX = HexFormat.of();

    private LeaseFileNames() {}

    static String stem(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                out.append((char) c);
            } else {
                out.append('_').append(HEX.toHexDigits((byte) c));
            }
        }
        if (out.length() <= MAX_STEM) {
            return out.toString();
        }
        return out.substring(0, MAX_STEM - 34) + "~" + HEX.formatHex(sha256(name), 0, 16);
    }

    private static byte[] sha256(String name) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
