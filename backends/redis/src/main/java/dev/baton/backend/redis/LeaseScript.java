package dev.baton.backend.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script and its SHA-1 digest, which {@code EVALSHA} names it by. The digest is computed here rather than
 * asked of the server so that the first call needs no {@code SCRIPT LOAD}: it is sent as {@code EVALSHA} and, when the
 * server answers {@code NOSCRIPT} (first use, restart, {@code SCRIPT FLUSH}, failover), sent again once as
 * {@code EVAL}, which also caches it.
 *
 * @param name a short name for error messages
 * @param body the Lua source
 * @param sha1 the lower-case hex SHA-1 of the UTF-8 source, as Redis computes it
 */
record LeaseScript(String name, String body, String sha1) {

    static LeaseScript of(String name, String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8));
            return new LeaseScript(name, body, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA-1, which every Java platform must provide", e);
        }
    }
}
