package dev.baton.backend.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The value of a lease key: the holder's participant id in UTF-8 and, when the holder stored leader metadata, a NUL
 * byte and the metadata's stored form ({@link dev.baton.spi.LeaderMetadata#encode(java.util.Map)}, printable ASCII).
 *
 * <pre>{@code
 * <holder>                        no metadata: exactly what versions before leader metadata wrote
 * <holder> NUL <encoded metadata>
 * }</pre>
 *
 * A holder id never contains NUL ({@link dev.baton.spi.HolderIds}), and UTF-8 writes NUL only for NUL, so the first
 * NUL byte always ends the holder: a value written by an earlier version reads as its holder with no metadata.
 *
 * @param holder the holder's participant id
 * @param metadata the encoded metadata; empty when none
 */
record LeaseValue(String holder, String metadata) {
    private static final byte SEPARATOR = 0;

    LeaseValue {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** @return the bytes to store */
    ByteSequence bytes() {
        byte[] h = holder.getBytes(StandardCharsets.UTF_8);
        if (metadata.isEmpty()) {
            return ByteSequence.from(h);
        }
        byte[] m = metadata.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + 1 + m.length];
        System.arraycopy(h, 0, all, 0, h.length);
        all[h.length] = SEPARATOR;
        System.arraycopy(m, 0, all, h.length + 1, m.length);
        return ByteSequence.from(all);
    }

    /**
     * @param value a lease key's value, in either form
     * @return the holder and the (still encoded) metadata
     */
    static LeaseValue parse(ByteSequence value) {
        byte[] bytes = value.getBytes();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == SEPARATOR) {
                return new LeaseValue(new String(bytes, 0, i, StandardCharsets.UTF_8),
                        new String(bytes, i + 1, bytes.length - i - 1, StandardCharsets.UTF_8));
            }
        }
        return new LeaseValue(new String(bytes, StandardCharsets.UTF_8), "");
    }
}
