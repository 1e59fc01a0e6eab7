package dev.baton.backend.zookeeper;

import java.nio.charset.StandardCharsets;

/**
 * The data of a lease node: {@code baton/1}, the ttl in milliseconds and the holder, one per line. The node's
 * {@code mtime} (set by the ZooKeeper leader's clock when the last write was committed) plus this ttl is when the
 * lease expires; the node's creation zxid is the token.
 *
 * @param ttlMillis the lease length the holder asked for
 * @param holder the holder
 */
record ZkLeaseData(long ttlMillis, String holder) {
    private static final String MAGIC = "baton/1";

    byte[] encode() {
        return (MAGIC + "\n" + ttlMillis + "\n" + holder).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @return the data, or null when the bytes are not a lease record (another program wrote the node)
     */
    static ZkLeaseData decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        int first = s.indexOf('\n');
        int second = first < 0 ? -1 : s.indexOf('\n', first + 1);
        if (second < 0 || !s.substring(0, first).equals(MAGIC)) {
            return null;
        }
        try {
            long ttl = Long.parseLong(s.substring(first + 1, second));
            return ttl > 0 ? new ZkLeaseData(ttl, s.substring(second + 1)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
