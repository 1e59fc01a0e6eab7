package dev.baton.backend.redis;

import io.lettuce.core.RedisURI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks Redis URIs strictly and renders them for logs and messages without their secrets. Lettuce parses leniently
 * ({@code redis://host:notaport} is accepted and connects to a default port), so a typo would otherwise surface as a
 * connection to the wrong server, or none, long after deployment.
 */
final class RedisUris {
    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis+ssl", "redis+tls", "redis-socket",
            "redis+socket", "redis-sentinel", "rediss-sentinel");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._~%-]+|\\[[0-9A-Fa-f:.%a-zA-Z]+]");
    private static final Pattern DATABASE = Pattern.compile("/?|/\\d{1,9}");
    /** {@code scheme://user:password@} or {@code scheme://password@}: keep the user, hide the rest. */
    private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)(?:([^:@/]*):)?[^@/]*@");

    private RedisUris() {}

    /**
     * @param raw a URI as configured
     * @return what is wrong with it, in words that never contain the password, or empty when it is well formed: a
     *     known scheme, then (except for {@code redis-socket}) one or more {@code host[:port]} with ports from 1 to
     *     65535, and an optional numeric database
     */
    static Optional<String> problem(String raw) {
        String t = raw.trim();
        int schemeEnd = t.indexOf("://");
        if (schemeEnd <= 0) {
            return Optional.of("it has no scheme://");
        }
        String scheme = t.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            return Optional.of("unknown scheme '" + scheme + "', expected one of " + new TreeSet<>(SCHEMES));
        }
        String rest = t.substring(schemeEnd + 3);
        if (scheme.endsWith("socket")) {
            return rest.isEmpty() ? Optional.of("it names no socket path") : Optional.empty();
        }
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(rest.lastIndexOf('@', end - 1) + 1, end);
        if (authority.isEmpty()) {
            return Optional.of("it names no host");
        }
        String[] addresses = authority.split(",", -1);
        if (addresses.length > 1 && !scheme.endsWith("-sentinel")) {
            return Optional.of("several hosts are only allowed for redis-sentinel:// and rediss-sentinel://");
        }
        for (String address : addresses) {
            Optional<String> bad = addressProblem(address);
            if (bad.isPresent()) {
                return bad;
            }
        }
        String path = rest.substring(end).split("[?#]", 2)[0];
        if (!DATABASE.matcher(path).matches()) {
            return Optional.of("the database '" + path.substring(1) + "' is not a number");
        }
        return Optional.empty();
    }

    private static Optional<String> addressProblem(String address) {
        int colon = address.startsWith("[") ? address.indexOf(':', Math.max(address.indexOf(']'), 0))
                : address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        if (!HOST.matcher(host).matches()) {
            return Optional.of(host.isEmpty() ? "an address has no host" : "'" + host + "' is not a host name");
        }
        if (colon >= 0) {
            String port = address.substring(colon + 1);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                return Optional.of("the port '" + port + "' of " + host + " is not a number from 1 to 65535");
            }
        }
        return Optional.empty();
    }

    /**
     * @param raw a URI as configured, possibly unparseable
     * @return the text with any password replaced by {@code ***}
     */
    static String mask(String raw) {
        var m = USERINFO.matcher(raw.trim());
        if (!m.find()) {
            return raw.trim();
        }
        String user = m.group(2);
        return m.group(1) + (user == null || user.isEmpty() ? "" : user + ":") + "***@" + raw.trim().substring(m.end());
    }

    /**
     * @param uri a parsed URI
     * @return scheme, user (never the password), address(es), database and Sentinel master, e.g.
     *     {@code rediss://app@cache.example:6380/2}
     */
    // getUsername() is deprecated in favour of a credentials provider, which may do I/O (token services); the user
    // name parsed from the URI is all a description needs.
    @SuppressWarnings("deprecation")
    static String describe(RedisURI uri) {
        StringBuilder b = new StringBuilder();
        boolean sentinel = !uri.getSentinels().isEmpty();
        if (uri.getSocket() != null) {
            b.append("redis-socket://").append(uri.getSocket());
        } else {
            b.append(sentinel ? (uri.isSsl() ? "rediss-sentinel://" : "redis-sentinel://")
                    : (uri.isSsl() ? "rediss://" : "redis://"));
            if (uri.getUsername() != null && !uri.getUsername().isEmpty()) {
                b.append(uri.getUsername()).append('@');
            }
            if (sentinel) {
                b.append(uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort())
                        .collect(Collectors.joining(",")));
            } else {
                b.append(uri.getHost()).append(':').append(uri.getPort());
            }
        }
        b.append('/').append(uri.getDatabase());
        if (sentinel) {
            b.append('#').append(uri.getSentinelMasterId());
        }
        return b.toString();
    }
}
