package dev.baton.backend.raft;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code baton.backend=raft}: the application's own instances are the lease store. Each instance is a member of a
 * static Raft group (jgroups-raft over JGroups TCP); leases are a replicated state machine, and a majority of the
 * members must be up to grant or renew.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code baton.raft.members}</td><td>(required)</td><td>the whole group, the same list on every member:
 *       {@code node-1@10.0.0.1:7800,node-2@10.0.0.2:7800,node-3@10.0.0.3:7800}. Three or five members; each
 *       {@code host:port} is where that member's transport binds and where the others reach it</td></tr>
 *   <tr><td>{@code baton.raft.node-id}</td><td>(required)</td><td>which member this instance is: one of the ids in
 *       {@code baton.raft.members}</td></tr>
 *   <tr><td>{@code baton.raft.data-dir}</td><td>(required)</td><td>a directory of this member's own, kept across
 *       restarts: the Raft log and its snapshots (created when missing)</td></tr>
 *   <tr><td>{@code baton.raft.call-timeout}</td><td>a third of the shortest ttl, at most 5 s</td><td>the bound of every
 *       store operation; at most half the shortest ttl</td></tr>
 *   <tr><td>{@code baton.raft.failure-detection-timeout}</td><td>4s</td><td>how long a silent member takes to be
 *       suspected and, if it led, replaced by a new Raft leader</td></tr>
 *   <tr><td>{@code baton.raft.cluster-name}</td><td>{@code baton}</td><td>JGroups cluster name; members of groups
 *       with other names ignore each other</td></tr>
 *   <tr><td>{@code baton.raft.fsync}</td><td>{@code true}</td><td>force every log write to disk before it counts;
 *       {@code false} survives a process crash but not a machine crash</td></tr>
 * </table>
 */
public final class RaftLeaseStoreFactory implements LeaseStoreFactory {

    /** The group: {@code id@host:port,...}. */
    public static final String MEMBERS = "baton.raft.members";
    /** This member's id. */
    public static final String NODE_ID = "baton.raft.node-id";
    /** This member's log directory. */
    public static final String DATA_DIR = "baton.raft.data-dir";
    /** Bound of every operation. */
    public static final String CALL_TIMEOUT = "baton.raft.call-timeout";
    /** How long until a silent member is suspected. */
    public static final String FAILURE_DETECTION_TIMEOUT = "baton.raft.failure-detection-timeout";
    /** JGroups cluster name. */
    public static final String CLUSTER_NAME = "baton.raft.cluster-name";
    /** Whether log writes are forced to disk. */
    public static final String FSYNC = "baton.raft.fsync";

    /** The default cluster name. */
    public static final String DEFAULT_CLUSTER_NAME = "baton";
    /** The default failure detection timeout. */
    public static final Duration DEFAULT_FAILURE_DETECTION = Duration.ofSeconds(4);

    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    public String name() {
        return "raft";
    }

    @Override
    public LeaseStore create(StoreContext context) {
        RaftNode.Config config = config(context);
        Duration callTimeout = context.callTimeout(CALL_TIMEOUT, Duration.ofSeconds(5));
        return new RaftLeaseStore(RaftNode.start(config), true, callTimeout);
    }

    /**
     * Reads and checks the member's settings.
     *
     * @param context the configuration
     * @return the settings
     * @throws InvalidConfigurationException naming the key, the value and what would be valid
     */
    static RaftNode.Config config(StoreContext context) {
        List<Member> members = Member.parseAll(MEMBERS, context.required(MEMBERS, Member.FORMS));
        String ids = String.join(", ", members.stream().map(Member::id).toList());
        String nodeId = context.required(NODE_ID, "the id of this member, one of " + ids).trim();
        if (members.stream().noneMatch(m -> m.id().equals(nodeId))) {
            throw new InvalidConfigurationException(NODE_ID, nodeId, "the id of this member, one of " + ids
                    + " (from " + MEMBERS + ")");
        }
        Path dataDir = dataDir(context.required(DATA_DIR,
                "a directory of this member's own, kept across restarts, for the Raft log"));
        String cluster = context.config(CLUSTER_NAME).map(String::trim).filter(v -> !v.isEmpty())
                .orElse(DEFAULT_CLUSTER_NAME);
        if (!CLUSTER.matcher(cluster).matches()) {
            throw new InvalidConfigurationException(CLUSTER_NAME, cluster,
                    "1 to 64 letters, digits, '.', '_' or '-', the same on every member");
        }
        boolean fsync = bool(context, FSYNC, true);
        Duration failureDetection = context.duration(FAILURE_DETECTION_TIMEOUT, DEFAULT_FAILURE_DETECTION);
        if (failureDetection.compareTo(Duration.ofMillis(400)) < 0
                || failureDetection.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new InvalidConfigurationException(FAILURE_DETECTION_TIMEOUT,
                    context.config(FAILURE_DETECTION_TIMEOUT).orElse(""), "a duration from 400ms to 5m");
        }
        Duration expiryRetry = context.shortestTtl().dividedBy(4);
        return new RaftNode.Config(nodeId, members, dataDir, cluster, fsync, failureDetection, expiryRetry);
    }

    private static Path dataDir(String raw) {
        Path dir;
        try {
            dir = Path.of(raw.trim());
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException(DATA_DIR, raw, "a directory path (" + e.getMessage() + ")");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException(DATA_DIR, raw, "a directory this process can create or write"
                    + " (" + e + ")");
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new InvalidConfigurationException(DATA_DIR, raw, "a writable directory");
        }
        return dir;
    }

    private static boolean bool(StoreContext context, String key, boolean defaultValue) {
        String raw = context.config(key).map(String::trim).orElse("");
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigurationException(key, raw, "true or false");
        };
    }
}
