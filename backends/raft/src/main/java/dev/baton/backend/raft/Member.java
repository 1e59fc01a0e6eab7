package dev.baton.backend.raft;

import dev.baton.spi.InvalidConfigurationException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One member of the static Raft group, as configured in {@code baton.raft.members}: {@code id@host:port}, where
 * {@code id} is the member's Raft id and {@code host:port} the address its JGroups TCP transport binds and the others
 * dial.
 *
 * @param id the Raft id: letters, digits, {@code .}, {@code _} and {@code -}, at most 64 characters
 * @param host a host name or IP address ({@code [..]} around IPv6 in the configured text, not here)
 * @param port the TCP port
 */
record Member(String id, String host, int port) {

    /** What a valid member list looks like, for error messages. */
    static final String FORMS = "a comma-separated list of id@host:port such as"
            + " node-1@10.0.0.1:7800,node-2@10.0.0.2:7800,node-3@10.0.0.3:7800 (ids of letters, digits, '.', '_'"
            + " and '-', unique; each host:port once; IPv6 as id@[::1]:7800)";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENTRY = Pattern.compile("([^@\\s]+)@(\\[[0-9A-Fa-f:.%a-zA-Z]+\\]|[^:\\[\\]\\s]+):(\\d{1,5})");

    /** @return the socket address of this member's transport (resolved now) */
    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return id + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * @param key the configuration key, for messages
     * @param raw the configured list
     * @return the members in configured order
     * @throws InvalidConfigurationException naming the key, the value and the first problem
     */
    static List<Member> parseAll(String key, String raw) {
        List<Member> members = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (String part : raw.split(",")) {
            String text = part.trim();
            if (text.isEmpty()) {
                continue;
            }
            Matcher m = ENTRY.matcher(text);
            if (!m.matches()) {
                throw new InvalidConfigurationException(key, raw, FORMS + " ('" + text + "' is not id@host:port)");
            }
            String id = m.group(1);
            if (!ID.matcher(id).matches()) {
                throw new InvalidConfigurationException(key, raw, FORMS + " ('" + id + "' is not a valid id)");
            }
            String host = m.group(2);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new InvalidConfigurationException(key, raw, FORMS + " (port " + port + " of '" + text
                        + "' is not between 1 and 65535)");
            }
            if (!ids.add(id)) {
                throw new InvalidConfigurationException(key, raw, FORMS + " (id '" + id + "' appears twice)");
            }
            Member member = new Member(id, host, port);
            if (!addresses.add(host + "|" + port)) {
                throw new InvalidConfigurationException(key, raw, FORMS + " (address of '" + text
                        + "' appears twice)");
            }
            members.add(member);
        }
        if (members.isEmpty()) {
            throw new InvalidConfigurationException(key, raw, FORMS);
        }
        return List.copyOf(members);
    }
}
