package dev.baton.backend.etcd;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.File;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * {@code baton.backend=etcd}. Configuration:
 *
 * <table>
 *   <caption>etcd settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code baton.etcd.endpoints}</td><td>(required without a client bean)</td><td>comma-separated
 *       {@code http://host:port} or {@code https://host:port} (or {@code host:port}); all members of the cluster
 *       you want the client to use</td></tr>
 *   <tr><td>{@code baton.etcd.user}, {@code baton.etcd.password}</td><td>none</td><td>etcd authentication; both or
 *       neither. The password is never logged</td></tr>
 *   <tr><td>{@code baton.etcd.key-prefix}</td><td>{@code /baton/}</td><td>every key lives under it; a missing
 *       trailing {@code /} is added</td></tr>
 *   <tr><td>{@code baton.etcd.call-timeout}</td><td>a third of the shortest ttl, at most 5 s</td><td>the bound of
 *       each store operation; must be under half the shortest ttl</td></tr>
 *   <tr><td>{@code baton.etcd.tls.ca-file}</td><td>the JVM's trust store</td><td>PEM file of the CA that signed the
 *       etcd server certificates; needs {@code https://} endpoints</td></tr>
 *   <tr><td>{@code baton.etcd.tls.cert-file}, {@code baton.etcd.tls.key-file}</td><td>none</td><td>PEM client
 *       certificate and PKCS#8 key, for etcd's {@code --client-cert-auth}</td></tr>
 * </table>
 *
 * <p>When the application provides an {@link Client} (a CDI bean), that client is used (and not closed by Baton);
 * endpoint, credential and TLS keys are then ignored. The client connects lazily: an application may start before
 * etcd and recovers by itself when etcd comes up.
 */
public final class EtcdLeaseStoreFactory implements LeaseStoreFactory {
    private static final System.Logger LOG = System.getLogger(EtcdLeaseStoreFactory.class.getName());

    /** Comma-separated endpoints. */
    public static final String ENDPOINTS = "baton.etcd.endpoints";
    /** etcd user name. */
    public static final String USER = "baton.etcd.user";
    /** etcd password (a secret). */
    public static final String PASSWORD = "baton.etcd.password";
    /** Key prefix. */
    public static final String KEY_PREFIX = "baton.etcd.key-prefix";
    /** Bound of every operation. */
    public static final String CALL_TIMEOUT = "baton.etcd.call-timeout";
    /** PEM CA file. */
    public static final String TLS_CA_FILE = "baton.etcd.tls.ca-file";
    /** PEM client certificate. */
    public static final String TLS_CERT_FILE = "baton.etcd.tls.cert-file";
    /** PEM PKCS#8 client key. */
    public static final String TLS_KEY_FILE = "baton.etcd.tls.key-file";
    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "/baton/";

    private static final Duration MAX_DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public LeaseStore create(StoreContext context) {
        String prefix = prefix(context);
        Duration callTimeout = callTimeout(context);
        Optional<Client> appClient = context.client(Client.class);
        if (appClient.isPresent()) {
            if (context.config(ENDPOINTS).filter(v -> !v.isBlank()).isPresent()) {
                LOG.log(Level.INFO, "Using the application''s jetcd Client bean; {0} is ignored", ENDPOINTS);
            }
            return new EtcdLeaseStore(appClient.get(), false, prefix, callTimeout,
                    "etcd (application client, prefix " + prefix + ")");
        }
        List<URI> endpoints = endpoints(context.required(ENDPOINTS, ENDPOINT_FORMS));
        boolean tls = endpoints.get(0).getScheme().equals("https");
        ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(URI[]::new));
        Optional<String> user = context.config(USER).filter(v -> !v.isBlank());
        Optional<String> password = context.config(PASSWORD).filter(v -> !v.isEmpty());
        if (user.isPresent() != password.isPresent()) {
            throw user.isPresent()
                    ? new InvalidConfigurationException(PASSWORD, null, "the password of etcd user '" + user.get()
                            + "' (set " + USER + " and " + PASSWORD + " together)")
                    : new InvalidConfigurationException(USER, null, "the etcd user name that goes with "
                            + PASSWORD + " (set both or neither)");
        }
        if (user.isPresent()) {
            builder.user(ByteSequence.from(user.get(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(password.get(), StandardCharsets.UTF_8));
        }
        configureTls(context, builder, tls);
        String description = "etcd " + endpointText(endpoints) + " (prefix " + prefix
                + user.map(u -> ", user " + u).orElse("") + ")";
        return new EtcdLeaseStore(builder.build(), true, prefix, callTimeout, description);
    }

    static final String ENDPOINT_FORMS =
            "comma-separated etcd client URLs such as http://10.0.0.1:2379,http://10.0.0.2:2379 (all http or all https)";

    static List<URI> endpoints(String raw) {
        List<URI> result = new ArrayList<>();
        for (String part : raw.split(",")) {
            String text = part.trim();
            if (text.isEmpty()) {
                continue;
            }
            String withScheme = text.contains("://") ? text : "http://" + text;
            URI uri;
            try {
                uri = new URI(withScheme);
            } catch (URISyntaxException e) {
                throw new InvalidConfigurationException(ENDPOINTS, raw, ENDPOINT_FORMS + " ('" + text + "' is not a URL)");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new InvalidConfigurationException(ENDPOINTS, raw, ENDPOINT_FORMS + " ('" + text
                        + "' must use http or https)");
            }
            if (uri.getHost() == null || uri.getPort() <= 0) {
                throw new InvalidConfigurationException(ENDPOINTS, raw, ENDPOINT_FORMS + " ('" + text
                        + "' needs a host and a port)");
            }
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
                throw new InvalidConfigurationException(ENDPOINTS, raw, ENDPOINT_FORMS + " ('" + text
                        + "' must not have a path)");
            }
            if (uri.getUserInfo() != null) {
                // Never echo it: it may hold a password.
                throw new InvalidConfigurationException(ENDPOINTS, null, ENDPOINT_FORMS
                        + " without user info; use " + USER + " and " + PASSWORD);
            }
            URI clean = URI.create(scheme + "://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
                    ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + uri.getPort());
            if (!result.isEmpty() && !result.get(0).getScheme().equals(scheme)) {
                throw new InvalidConfigurationException(ENDPOINTS, raw, ENDPOINT_FORMS + " (http and https mixed)");
            }
            result.add(clean);
        }
        if (result.isEmpty()) {
            throw new InvalidConfigurationException(ENDPOINTS, raw, ENDPOINT_FORMS);
        }
        return result;
    }

    static String prefix(StoreContext context) {
        String prefix = context.config(KEY_PREFIX).orElse(DEFAULT_PREFIX).trim();
        if (prefix.isEmpty()) {
            throw new InvalidConfigurationException(KEY_PREFIX, prefix, "a non-empty key prefix such as /baton/");
        }
        if (prefix.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidConfigurationException(KEY_PREFIX, prefix, "a key prefix without control characters");
        }
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    static Duration callTimeout(StoreContext context) {
        Duration shortest = context.shortestTtl();
        Duration byDefault = shortest.dividedBy(3);
        if (byDefault.compareTo(MAX_DEFAULT_CALL_TIMEOUT) > 0) {
            byDefault = MAX_DEFAULT_CALL_TIMEOUT;
        }
        Duration timeout = context.duration(CALL_TIMEOUT, byDefault);
        if (timeout.compareTo(shortest.dividedBy(2)) >= 0) {
            throw new InvalidConfigurationException(CALL_TIMEOUT, context.config(CALL_TIMEOUT).orElse(""),
                    "a duration under half the shortest lease ttl (" + shortest.toMillis()
                            + " ms), so a leader can retry a failed renewal before its deadline");
        }
        return timeout;
    }

    private static void configureTls(StoreContext context, ClientBuilder builder, boolean tls) {
        Optional<File> ca = file(context, TLS_CA_FILE);
        Optional<File> cert = file(context, TLS_CERT_FILE);
        Optional<File> key = file(context, TLS_KEY_FILE);
        if (!tls) {
            for (String k : List.of(TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE)) {
                if (context.config(k).filter(v -> !v.isBlank()).isPresent()) {
                    throw new InvalidConfigurationException(ENDPOINTS, context.config(ENDPOINTS).orElse(""),
                            "https:// endpoints, since " + k + " is set");
                }
            }
            return;
        }
        if (cert.isPresent() != key.isPresent()) {
            String missing = cert.isPresent() ? TLS_KEY_FILE : TLS_CERT_FILE;
            throw new InvalidConfigurationException(missing, null,
                    "a PEM file; " + TLS_CERT_FILE + " and " + TLS_KEY_FILE + " go together");
        }
        try {
            builder.sslContext(ssl -> {
                ca.ifPresent(ssl::trustManager); // else the JVM's default trust store
                if (cert.isPresent()) {
                    ssl.keyManager(cert.get(), key.get());
                }
            });
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(TLS_CA_FILE, ca.map(File::getPath).orElse(null),
                    "readable PEM files for the CA, client certificate and PKCS#8 key (" + e.getMessage() + ")");
        }
    }

    private static Optional<File> file(StoreContext context, String key) {
        Optional<String> path = context.config(key).filter(v -> !v.isBlank());
        if (path.isEmpty()) {
            return Optional.empty();
        }
        File f = new File(path.get().trim());
        if (!f.isFile() || !f.canRead()) {
            throw new InvalidConfigurationException(key, path.get(), "the path of a readable PEM file");
        }
        return Optional.of(f);
    }

    private static String endpointText(List<URI> endpoints) {
        return String.join(",", endpoints.stream().map(URI::toString).toList());
    }
}
