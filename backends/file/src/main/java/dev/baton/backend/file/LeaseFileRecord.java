package dev.baton.backend.file;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The content of one lease file: a single line with a CRC-32, so a truncated, torn or foreign file is recognised
 * as such instead of being trusted.
 *
 * <pre>{@code
 * baton-lease/1 <name> <holder or -> <token> <expires-at-ms> <liveness-slot> <crc32>
 * baton-lease/2 <name> <holder or -> <token> <expires-at-ms> <liveness-slot> <metadata> <crc32>
 * }</pre>
 *
 * Names and holders are base64url (no padding) so they may contain any character. A free lease keeps its last
 * token (holder {@code -}, expiry 0) so tokens never go backwards after a release. The second form carries the
 * holder's leader metadata in {@link dev.baton.spi.LeaderMetadata#encode(java.util.Map) its stored form} (printable
 * ASCII without spaces); a record without metadata is written in the first form, exactly as versions before leader
 * metadata wrote every record, and both forms are read.
 *
 * @param name the lease name
 * @param holder the holder, or null when the lease is free
 * @param token the last token handed out for this name (0 when never)
 * @param expiresAtMillis when the lease expires, by the host's wall clock (0 when free)
 * @param livenessSlot the byte of the lock file the holder keeps locked while it lives (0 when free)
 * @param metadata the holder's leader metadata, encoded; empty when none (always for a free lease)
 */
record LeaseFileRecord(String name, String holder, long token, long expiresAtMillis, int livenessSlot,
        String metadata) {
    static final String MAGIC = "baton-lease/1";
    /** The form with leader metadata. */
    static final String MAGIC_METADATA = "baton-lease/2";

    /** A record without metadata. */
    LeaseFileRecord(String name, String holder, long token, long expiresAtMillis, int livenessSlot) {
        this(name, holder, token, expiresAtMillis, livenessSlot, "");
    }

    LeaseFileRecord {
        Objects.requireNonNull(metadata, "metadata");
        for (int i = 0; i < metadata.length(); i++) {
            char c = metadata.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("encoded metadata must be printable ASCII without spaces");
            }
        }
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    static LeaseFileRecord free(String name, long token) {
        return new LeaseFileRecord(name, null, token, 0, 0);
    }

    boolean isFree() {
        return holder == null;
    }

    /** @return true when held and its expiry has not passed at {@code nowMillis} */
    boolean heldAt(long nowMillis) {
        return holder != null && nowMillis < expiresAtMillis;
    }

    byte[] encode() {
        String body = (metadata.isEmpty() ? MAGIC : MAGIC_METADATA) + " " + b64(name) + " "
                + (holder == null ? "-" : b64(holder)) + " " + token + " " + expiresAtMillis + " " + livenessSlot
                + (metadata.isEmpty() ? "" : " " + metadata);
        byte[] bodyBytes = body.getBytes(StandardCharsets.US_ASCII);
        return (body + " " + Long.toHexString(crc(bodyBytes, bodyBytes.length)) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param bytes the file's content
     * @return the record
     * @throws CorruptLeaseFileException saying what is wrong (never the content itself, which may be anything)
     */
    static LeaseFileRecord decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new CorruptLeaseFileException("the file is empty (truncated)");
        }
        int end = bytes.length;
        if (bytes[end - 1] != '\n') {
            throw new CorruptLeaseFileException("the record does not end with a newline (truncated, " + end + " bytes)");
        }
        end--;
        int lastSpace = -1;
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == ' ') {
                lastSpace = i;
                break;
            }
        }
        if (lastSpace < 0) {
            throw new CorruptLeaseFileException("no checksum field");
        }
        String crcText = new String(bytes, lastSpace + 1, end - lastSpace - 1, StandardCharsets.US_ASCII);
        long expectedCrc;
        try {
            expectedCrc = Long.parseLong(crcText, 16);
        } catch (NumberFormatException e) {
            throw new CorruptLeaseFileException("the checksum field is not hexadecimal");
        }
        if (crc(bytes, lastSpace) != expectedCrc) {
            throw new CorruptLeaseFileException("the checksum does not match the content");
        }
        String[] f = new String(bytes, 0, lastSpace, StandardCharsets.US_ASCII).split(" ", -1);
        boolean withMetadata = f.length == 7 && MAGIC_METADATA.equals(f[0]);
        if (!withMetadata && (f.length != 6 || !MAGIC.equals(f[0]))) {
            throw new CorruptLeaseFileException("not a " + MAGIC + " or " + MAGIC_METADATA + " record");
        }
        try {
            String holder = f[2].equals("-") ? null : unb64(f[2]);
            long token = Long.parseLong(f[3]);
            long expires = Long.parseLong(f[4]);
            int slot = Integer.parseInt(f[5]);
            if (token < 0 || expires < 0 || slot < 0) {
                throw new CorruptLeaseFileException("negative token, expiry or slot");
            }
            return new LeaseFileRecord(unb64(f[1]), holder, token, expires, slot, withMetadata ? f[6] : "");
        } catch (IllegalArgumentException e) {
            throw new CorruptLeaseFileException("malformed field: " + e.getMessage());
        }
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    private static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(B64D.decode(s), StandardCharsets.UTF_8);
    }

    /** The lease file exists but does not hold a valid record. */
    static final class CorruptLeaseFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptLeaseFileException(String reason) {
            super(reason, null, false, false);
        }
    }
}
