package dev.baton.backend.azureblob;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Container and blob names for leases under one prefix.
 *
 * <p>A lease named {@code n} is the blob {@code <prefix><n'>}. {@code n'} is the name itself when it consists only of
 * {@code [A-Za-z0-9_-]} (readable blob names for the usual group names), otherwise {@code ~} followed by the unpadded
 * base64url of its UTF-8 bytes. {@code ~} is outside both alphabets, so the two forms never collide; no encoded name
 * contains a dot, a slash, a backslash or a percent sign, which the service or an HTTP layer would normalise ({@code
 * a/../b}, a trailing dot or slash) or decode. The longest lease name ({@link dev.baton.spi.LeaseNames#MAX_LENGTH}
 * characters of 3-byte UTF-8) encodes to 801 characters, within the service's 1,024 with any valid prefix.
 */
final class BlobNames {
    /** The default container. */
    static final String DEFAULT_CONTAINER = "baton";
    /** The default prefix of every lease blob. */
    static final String DEFAULT_PREFIX = "baton/";
    /** The longest accepted prefix: with it the longest encoded name still fits the service's 1,024 characters. */
    static final int MAX_PREFIX_LENGTH = 200;
    /** What a valid prefix looks like, for error messages. */
    static final String VALID_PREFIX = "empty, or at most " + MAX_PREFIX_LENGTH + " characters of letters, digits, '_'"
            + " and '-' in segments separated by single '/', e.g. baton/ or myapp/leases/";
    /** What a valid container name looks like (the service's rule), for error messages. */
    static final String VALID_CONTAINER = "a container name of 3 to 63 characters: lower-case letters, digits and"
            + " single hyphens, starting and ending with a letter or digit, e.g. baton";

    private static final Pattern READABLE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_-]+/)*[A-Za-z0-9_-]*");
    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String prefix;

    private BlobNames(String prefix) {
        this.prefix = prefix;
    }

    /**
     * @param prefix the configured prefix
     * @return the blob names under it
     * @throws IllegalArgumentException when the prefix is not {@link #isValidPrefix valid}
     */
    static BlobNames of(String prefix) {
        if (!isValidPrefix(prefix)) {
            throw new IllegalArgumentException("blob prefix '" + prefix + "' is invalid; expected " + VALID_PREFIX);
        }
        return new BlobNames(prefix);
    }

    static boolean isValidPrefix(String prefix) {
        return prefix != null && prefix.length() <= MAX_PREFIX_LENGTH && PREFIX.matcher(prefix).matches();
    }

    static boolean isValidContainer(String container) {
        return container != null && CONTAINER.matcher(container).matches();
    }

    String prefix() {
        return prefix;
    }

    /** @return the lease name as it appears in the blob name */
    static String encode(String name) {
        if (READABLE.matcher(name).matches()) {
            return name;
        }
        return "~" + BASE64URL.encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the name of the blob that holds lease {@code name} */
    String blob(String name) {
        return prefix + encode(name);
    }
}
