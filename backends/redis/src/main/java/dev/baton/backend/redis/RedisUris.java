package dev.baton.backend.redis;

import io.lettuce.core.RedisURI;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Renders Redis URIs for logs and messages without their secrets. */
final class RedisUris {
    /** {@code scheme://user:password@} or {@code scheme://password@}: keep the user, hide the rest. */
    private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)(?:([^:@/]*):)?[^@/]*@");

    private RedisUris() {}

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
