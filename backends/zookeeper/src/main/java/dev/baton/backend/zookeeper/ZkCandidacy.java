package dev.baton.backend.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The data of a candidacy node: what a holder node and the lease's counter would hold if the lease were handed to
 * this candidate, so that the releasing leader can write both in its release transaction without asking anyone.
 * Encoded as {@code baton-candidacy/1}, the length of the holder node's data, then that data ({@link ZkLeaseData})
 * and the leader metadata ({@link dev.baton.spi.LeaderMetadata#encode}, ASCII), with no separator after the data.
 *
 * @param holderData the holder node's data for this candidate ({@link ZkLeaseData#encode()})
 * @param metadata the metadata the candidate acquires with, as the counter node would hold it
 */
record ZkCandidacy(byte[] holderData, byte[] metadata) {
    private static final String MAGIC = "baton-candidacy/1";

    byte[] encode() {
        byte[] head = (MAGIC + "\n" + holderData.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(head, head.length + holderData.length + metadata.length);
        System.arraycopy(holderData, 0, out, head.length, holderData.length);
        System.arraycopy(metadata, 0, out, head.length + holderData.length, metadata.length);
        return out;
    }

    /** @return the holder node's data, or null when it is not a lease record */
    ZkLeaseData lease() {
        return ZkLeaseData.decode(holderData);
    }

    /** @return whether both carry the same bytes */
    boolean sameAs(ZkCandidacy other) {
        return other != null && Arrays.equals(holderData, other.holderData) && Arrays.equals(metadata, other.metadata);
    }

    /** @return the candidacy, or null when the bytes are not one (another program wrote the node) */
    static ZkCandidacy decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int first = indexOf(bytes, 0);
        int second = first < 0 ? -1 : indexOf(bytes, first + 1);
        if (second < 0 || !new String(bytes, 0, first, StandardCharsets.US_ASCII).equals(MAGIC)) {
            return null;
        }
        try {
            int length = Integer.parseInt(new String(bytes, first + 1, second - first - 1, StandardCharsets.US_ASCII));
            int start = second + 1;
            if (length < 0 || start + length > bytes.length) {
                return null;
            }
            ZkCandidacy c = new ZkCandidacy(Arrays.copyOfRange(bytes, start, start + length),
                    Arrays.copyOfRange(bytes, start + length, bytes.length));
            return c.lease() == null ? null : c;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
