package dev.baton.backend.redis;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Redis key names for leases under one key prefix.
 *
 * <p>A lease named {@code n} lives in two keys sharing the hash tag {@code {<prefix><n'>}}, so both land in one slot
 * of a Redis Cluster and one script may touch both: {@code {<prefix><n'>}:lease} (a hash of holder and token,
 * expiring with {@code PX}) and {@code {<prefix><n'>}:token} (the last token handed out). {@code n'} is the name
 * itself when it consists only of {@code [A-Za-z0-9._-]} (readable keys for the usual group names), otherwise
 * {@code ~} followed by the unpadded base64url of its UTF-8 bytes. {@code ~} is outside both alphabets, so the two
 * forms never collide, and no encoded name contains a brace that could end the hash tag early.
 */
final class LeaseKeys {
    /** The default key prefix. */
    static final String DEFAULT_PREFIX = "baton:";
    /** The longest accepted prefix; long prefixes only waste memory in every key. */
    static final int MAX_PREFIX_LENGTH = 100;
    /** What a valid prefix looks like, for error messages. */
    static final String VALID_PREFIX = "a non-empty string of at most " + MAX_PREFIX_LENGTH
            + " characters without '{' or '}' (they would break the Redis Cluster hash tag), e.g. baton: or myapp:baton:";

    private static final Pattern READABLE = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String prefix;

    private LeaseKeys(String prefix) {
        this.prefix = prefix;
    }

    /**
     * @param prefix the configured key prefix
     * @return the key names under it
     * @throws IllegalArgumentException when the prefix is not {@link #isValidPrefix valid}
     */
    static LeaseKeys of(String prefix) {
        if (!isValidPrefix(prefix)) {
            throw new IllegalArgumentException("key prefix '" + prefix + "' is invalid; expected " + VALID_PREFIX);
        }
        return new LeaseKeys(prefix);
    }

    static boolean isValidPrefix(String prefix) {
        return prefix != null && !prefix.isEmpty() && prefix.length() <= MAX_PREFIX_LENGTH
                && prefix.indexOf('{') < 0 && prefix.indexOf('}') < 0;
    }

    String prefix() {
        return prefix;
    }

    /** @return the name as it appears inside keys */
    static String encode(String name) {
        if (READABLE.matcher(name).matches()) {
            return name;
        }
        return "~" + BASE64URL.encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private String tag(String name) {
        return "{" + prefix + encode(name) + "}";
    }

    /** @return the lease key and the token key of {@code name}, in the order the scripts expect them */
    String[] keys(String name) {
        String tag = tag(name);
        return new String[] {tag + ":lease", tag + ":token"};
    }

    /** @return the pub/sub channel on which releases under this prefix are announced (the message is the name) */
    String releaseChannel() {
        return prefix + "released";
    }
}
