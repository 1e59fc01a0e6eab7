package dev.baton.backend.zookeeper;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.curator.utils.PathUtils;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * {@code baton.backend=zookeeper}: leases as ZooKeeper nodes through Curator, ended by their ttl on ZooKeeper's
 * clock (not by sessions: see {@link ZooKeeperLeaseStore}).
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code baton.zookeeper.connect}</td><td>(required unless the application provides a
 *       {@code CuratorFramework})</td><td>connection string, e.g. {@code zk1:2181,zk2:2181,zk3:2181}</td></tr>
 *   <tr><td>{@code baton.zookeeper.root}</td><td>{@code /baton}</td><td>the node under which Baton keeps its
 *       nodes</td></tr>
 *   <tr><td>{@code baton.zookeeper.auth}</td><td>(none)</td><td>{@code user:password} for ZooKeeper's digest
 *       scheme; nodes are then created readable and writable by that identity only. Never logged.</td></tr>
 *   <tr><td>{@code baton.zookeeper.session-timeout}</td><td>the shortest ttl</td><td>requested session timeout
 *       (the server clamps it to [2, 20] ticks): how soon Curator notices a lost connection; leases do not depend
 *       on it</td></tr>
 *   <tr><td>{@code baton.zookeeper.call-timeout}</td><td>a third of the shortest ttl, at most 5s</td><td>the longest
 *       any store operation waits for ZooKeeper; at most half the shortest ttl</td></tr>
 * </table>
 *
 * <p>When the application owns a {@link CuratorFramework} (a CDI bean), it is used instead of
 * {@code connect}/{@code auth}/{@code session-timeout}, and it is not closed by Baton.
 */
public final class ZooKeeperLeaseStoreFactory implements LeaseStoreFactory {
    private static final System.Logger LOG = System.getLogger(ZooKeeperLeaseStoreFactory.class.getName());

    /** Connection string. */
    public static final String CONNECT_KEY = "baton.zookeeper.connect";
    /** Root node. */
    public static final String ROOT_KEY = "baton.zookeeper.root";
    /** Digest credentials {@code user:password}. */
    public static final String AUTH_KEY = "baton.zookeeper.auth";
    /** Requested session timeout. */
    public static final String SESSION_TIMEOUT_KEY = "baton.zookeeper.session-timeout";
    /** Bound on every store operation. */
    public static final String CALL_TIMEOUT_KEY = "baton.zookeeper.call-timeout";

    /** The default root node. */
    public static final String DEFAULT_ROOT = "/baton";

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public LeaseStore create(StoreContext context) {
        String root = root(context.config(ROOT_KEY).orElse(DEFAULT_ROOT));
        Duration shortest = context.shortestTtl();
        Duration callTimeout = context.callTimeout(CALL_TIMEOUT_KEY, Duration.ofSeconds(5));
        Duration sessionTimeout = context.duration(SESSION_TIMEOUT_KEY, shortest);
        Optional<CuratorFramework> own = context.client(CuratorFramework.class);
        if (own.isPresent()) {
            CuratorFramework c = own.get();
            if (c.getState() == CuratorFrameworkState.LATENT) {
                c.start();
            }
            return new ZooKeeperLeaseStore(c, false, root, callTimeout,
                    "zookeeper (application CuratorFramework, root " + root + ")");
        }
        String connect = context.required(CONNECT_KEY, "a ZooKeeper connection string such as zk1:2181,zk2:2181");
        Optional<String> auth = context.config(AUTH_KEY).filter(v -> !v.isBlank());
        return open(connect, root, auth, sessionTimeout, callTimeout);
    }

    /**
     * Opens a store with its own Curator client, which it closes. Connects in the background: a store opened before
     * ZooKeeper is reachable works once it is.
     *
     * @param connect the connection string
     * @param root the root node, e.g. {@code /baton}
     * @param auth optional digest credentials {@code user:password}
     * @param sessionTimeout the requested session timeout: how soon Curator notices a lost connection
     * @param callTimeout the bound on every operation
     * @return the store
     * @throws InvalidConfigurationException on a bad root or credentials
     */
    public static ZooKeeperLeaseStore open(String connect, String root, Optional<String> auth,
            Duration sessionTimeout, Duration callTimeout) {
        String checkedRoot = root(root);
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
                .connectionTimeoutMs(Math.toIntExact(Math.max(callTimeout.toMillis(), 1000)))
                // Give up retrying an operation once the caller has given up on it.
                .retryPolicy(new RetryUntilElapsed(Math.toIntExact(callTimeout.toMillis()), 50));
        if (auth.isPresent()) {
            String credentials = auth.get();
            if (credentials.indexOf(':') <= 0 || credentials.endsWith(":")) {
                throw new InvalidConfigurationException(AUTH_KEY, null,
                        "user:password for ZooKeeper's digest scheme (the value is not shown: it is a secret)");
            }
            b.authorization("digest", credentials.getBytes(StandardCharsets.UTF_8)).aclProvider(new CreatorOnly());
        }
        CuratorFramework client = b.build();
        client.start();
        LOG.log(Level.DEBUG, "ZooKeeper lease store connecting to {0}", connect);
        return new ZooKeeperLeaseStore(client, true, checkedRoot, callTimeout,
                "zookeeper (" + stripUserInfo(connect) + ", root " + checkedRoot
                        + (auth.isPresent() ? ", digest auth" : "") + ")");
    }

    static String root(String root) {
        String r = root.trim();
        try {
            PathUtils.validatePath(r);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(ROOT_KEY, root,
                    "an absolute ZooKeeper path such as /baton (" + e.getMessage() + ")");
        }
        if (r.length() > 1 && r.endsWith("/")) {
            throw new InvalidConfigurationException(ROOT_KEY, root, "an absolute ZooKeeper path without a trailing /");
        }
        return r;
    }

    /** Connection strings have no credentials, but a chroot suffix is kept; this only trims whitespace. */
    private static String stripUserInfo(String connect) {
        return connect.trim();
    }

    /** With digest auth: nodes Baton creates are accessible to the authenticated identity only. */
    private static final class CreatorOnly implements ACLProvider {
        @Override
        public List<ACL> getDefaultAcl() {
            return ZooDefs.Ids.CREATOR_ALL_ACL;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return ZooDefs.Ids.CREATOR_ALL_ACL;
        }
    }
}
