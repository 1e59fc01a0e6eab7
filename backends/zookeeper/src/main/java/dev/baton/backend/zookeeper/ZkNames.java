package dev.baton.backend.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Maps a lease name to a ZooKeeper node name. ZooKeeper forbids {@code /}, the names {@code .} and {@code ..} and
 * several character ranges, so only {@code [a-z0-9-]} are kept and every other UTF-8 byte becomes {@code _xx}
 * ({@code _} included, so the mapping is injective: distinct names never share a node). The longest lease name
 * (200 characters) maps to at most 1,800 characters, far below ZooKeeper's limits.
 */
final class ZkNames {
    private static final HexFormat HEX = HexFormat.of();

    private ZkNames() {}

    static String node(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                out.append((char) c);
            } else {
                out.append('_').append(HEX.toHexDigits((byte) c));
            }
        }
        return out.toString();
    }
}
