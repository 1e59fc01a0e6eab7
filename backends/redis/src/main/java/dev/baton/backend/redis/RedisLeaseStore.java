package dev.baton.backend.redis;

import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Leases in Redis, through Lettuce. Each operation is one Lua script and one round trip (see {@link LeaseScripts}):
 * acquire grants when the lease is absent or already the caller's, with expiry decided by Redis ({@code PX});
 * renew and release succeed only for the same holder <em>and</em> token; every reply carries the token and the
 * remaining time ({@code PTTL}) so followers wake exactly when the lease can expire. A release is published on the
 * prefix's channel, and the store's single subscription wakes the followers of that name at once.
 *
 * <p>Without CDI:
 *
 * <pre>{@code
 * LeaseStore store = RedisLeaseStore.builder().uri("redis://localhost:6379").build();
 * try (Baton baton = Baton.builder().store(store).build()) { ... }
 * }</pre>
 *
 * <p>What Redis can guarantee: on one server, leases are exclusive and tokens strictly increase. With asynchronous
 * replication, a failover may lose a lease that was just granted, so two holders may overlap until the first one's
 * local deadline; fencing tokens still increase unless the new primary's clock is behind the old one's by more than
 * the failover took. After a restart without persistence every lease is gone (holders find out at their next
 * renewal) and new tokens continue from the server clock, so they stay larger than the old ones; the
 * {@linkplain RestartQuarantine restart quarantine} refuses every grant until the old holders' grants have run out, so
 * that no new leader overlaps them. There is no Redlock: it adds cost without making these guarantees stronger.
 *
 * <p>Leader metadata is a field of the lease hash, written by the acquire script with the grant and returned by every
 * reply carrying a lease; the renew script does not write it, and a release deletes it with the hash.
 *
 * <p>Threading: operations may be called from any thread; they share one connection and are pipelined by Lettuce.
 */
public final class RedisLeaseStore implements LeaseStore {
    private static final System.Logger LOG = System.getLogger(RedisLeaseStore.class.getName());
    /** Renewals the engine may hand {@link #renewAll} at once. */
    static final int RENEW_BATCH_LIMIT = 500;
    private final RedisEndpoint endpoint;
    private final LeaseKeys keys;
    private final Duration timeout;
    private final CommandLink link;
    private final ReleaseWatch watch;
    private final RestartQuarantine quarantine;
    private final AtomicBoolean warnedUnreadable = new AtomicBoolean();
    /** The run id of the last server whose quarantine was logged, so that it is logged once per restart. */
    private final AtomicReference<String> loggedQuarantine = new AtomicReference<>("");
    private volatile boolean closed;

    private RedisLeaseStore(RedisEndpoint endpoint, LeaseKeys keys, Duration timeout, RestartQuarantine quarantine) {
        this.endpoint = endpoint;
        this.keys = keys;
        this.timeout = timeout;
        this.quarantine = quarantine;
        this.link = new CommandLink(endpoint, timeout);
        this.watch = new ReleaseWatch(endpoint, keys.releaseChannel());
    }

    /** @return a builder; a URI or an application's client is required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /** @return true: metadata is a field of the lease hash, written with the grant */
    @Override
    public boolean supportsMetadata() {
        return true;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        String what = "acquire of lease '" + LeaseNames.requireValid(name) + "'";
        String px = millis(ttl);
        requireHolder(holder);
        String encoded = LeaderMetadata.encode(LeaderMetadata.requireStorable(metadata));
        checkOpen();
        watch.ensureSubscribed();
        List<Object> reply = link.call(LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, what, keys.keys(name),
                holder, px, Long.toString(LeaseScripts.TOKEN_RETENTION_MILLIS), encoded, quarantine.configValue());
        refuseIfQuarantined(reply, what, ttl);
        return Optional.of(record(name, reply, what));
    }

    /** @return when the acquire script refuses grants because Redis may have lost leases in a restart */
    public RestartQuarantine restartQuarantine() {
        return quarantine;
    }

    /**
     * Turns the acquire script's refusals into a {@link LeaseStoreException}: the engine backs off and tries again,
     * as for any store failure, and a follower's first failure is logged with this message.
     */
    private void refuseIfQuarantined(List<Object> reply, String what, Duration ttl) {
        Object code = reply == null || reply.isEmpty() ? null : reply.get(0);
        if (Long.valueOf(LeaseScripts.INFO_REFUSED).equals(code)) {
            throw new LeaseStoreException(LogIds.INFO_REFUSED + ": Redis at " + endpoint.description() + " refused "
                    + what + ": the restart quarantine (" + RedisLeaseStoreFactory.QUARANTINE_KEY + "="
                    + quarantine.configValue() + ") needs INFO inside the acquire script, which failed: "
                    + (reply.size() > 1 ? reply.get(1) : "?") + "; allow INFO (it may be renamed or denied by an ACL"
                    + " or a managed service), or set " + RedisLeaseStoreFactory.QUARANTINE_KEY + "=off and run Redis"
                    + " with appendonly yes and appendfsync always");
        }
        if (!Long.valueOf(LeaseScripts.QUARANTINED).equals(code)) {
            return;
        }
        String message;
        try {
            long left = (Long) reply.get(1);
            String runId = (String) reply.get(2);
            long up = (Long) reply.get(3);
            Instant until = Instant.ofEpochMilli((Long) reply.get(4)).plusSeconds(left);
            long needed = (Long) reply.get(5);
            String why = quarantine == RestartQuarantine.ALWAYS
                    ? RedisLeaseStoreFactory.QUARANTINE_KEY + "=always refuses grants after every restart"
                    : "it keeps no append-only file (appendonly no), so if it restarted it lost every lease while"
                            + " their holders still trust them until their local deadlines";
            message = LogIds.RESTART_QUARANTINE + ": Redis at " + endpoint.description() + " (run id " + runId
                    + ") has been up for " + up + " s, less than the ttl (" + ttl.toMillis() + " ms) plus a second; "
                    + why + ". Restart quarantine: " + what + " refused, as every grant of this ttl, until about "
                    + until + " (" + left + " s from now; grants of this ttl need " + needed + " s of uptime). A new"
                    + " or restarted server waits this once. To avoid it run Redis with appendonly yes and appendfsync"
                    + " always"
                    + (quarantine == RestartQuarantine.ALWAYS ? " and " + RedisLeaseStoreFactory.QUARANTINE_KEY
                            + "=auto" : "") + ", or set " + RedisLeaseStoreFactory.QUARANTINE_KEY + "=off if two"
                    + " leaders may overlap after a Redis restart";
            if (!runId.equals(loggedQuarantine.getAndSet(runId))) {
                LOG.log(Level.WARNING, message + " (logged once per server start)");
            }
        } catch (RuntimeException e) {
            throw new LeaseStoreException("Redis at " + endpoint.description() + " answered " + what
                    + " with an unexpected restart-quarantine reply " + reply, e);
        }
        throw new LeaseStoreException(message);
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        return renewAll(List.of(new RenewRequest(name, holder, token, ttl))).get(0);
    }

    /** The engine may batch: {@link #renewAll} pipelines the scripts, one round trip for the lot. */
    @Override
    public int renewBatchLimit() {
        return RENEW_BATCH_LIMIT;
    }

    /** Renews every lease in one round trip: the scripts are pipelined on the one connection. */
    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        List<String[]> args = new ArrayList<>(requests.size());
        for (RenewRequest r : requests) {
            LeaseNames.requireValid(r.name());
            requireHolder(r.holder());
            args.add(new String[] {r.holder(), Long.toString(r.token()), millis(r.ttl()),
                    Long.toString(LeaseScripts.TOKEN_RETENTION_MILLIS)});
        }
        if (requests.isEmpty()) {
            return List.of();
        }
        checkOpen();
        watch.ensureSubscribed();
        String first = "renewal of lease '" + requests.get(0).name() + "'"
                + (requests.size() > 1 ? " and " + (requests.size() - 1) + " more" : "");
        long end = link.deadline();
        StatefulRedisConnection<String, String> c = link.connection(end, first);
        List<CompletableFuture<List<Object>>> replies = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            replies.add(link.send(c, LeaseScripts.RENEW, ScriptOutputType.MULTI, keys.keys(requests.get(i).name()),
                    args.get(i)));
        }
        List<Optional<LeaseRecord>> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            String what = "renewal of lease '" + requests.get(i).name() + "'";
            List<Object> reply = link.await(replies.get(i), end, what, true);
            results.add(found(reply) ? Optional.of(record(requests.get(i).name(), reply, what)) : Optional.empty());
        }
        return results;
    }

    @Override
    public boolean release(String name, String holder, long token) {
        String what = "release of lease '" + LeaseNames.requireValid(name) + "'";
        requireHolder(holder);
        checkOpen();
        // Sent whole: a release must land even when its answer comes too late (a leader that stepped down on a slow
        // link releases after a renewal it gave up on, which may still extend the lease); releases are rare.
        Long released = link.callWhole(LeaseScripts.RELEASE, ScriptOutputType.INTEGER, what, keys.keys(name),
                holder, Long.toString(token), keys.releaseChannel(), name);
        return released != null && released == 1L;
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        String what = "read of lease '" + LeaseNames.requireValid(name) + "'";
        checkOpen();
        watch.ensureSubscribed();
        List<Object> reply = link.call(LeaseScripts.READ, ScriptOutputType.MULTI, what, keys.keys(name));
        return found(reply) ? Optional.of(record(name, reply, what)) : Optional.empty();
    }

    /**
     * Wakes {@code onChange} when the lease is released (and once after every (re)subscription, since releases sent
     * while disconnected are lost). Never blocks: when Redis is unreachable the subscription is retried at the store's
     * next operation; until then followers wake at expiry as usual.
     */
    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(onChange, "onChange");
        checkOpen();
        return Optional.of(watch.add(name, onChange));
    }

    /** @return the call timeout: every operation, including connecting and a script reload, ends within it */
    @Override
    public Duration maxCallTime() {
        return timeout;
    }

    @Override
    public String describe() {
        return "redis " + endpoint.description() + " (key prefix '" + keys.prefix() + "')";
    }

    /**
     * Connects now and checks the credentials with a {@code PING}, for a clear error at startup.
     *
     * @throws CredentialsRejectedException when Redis refuses the credentials
     * @throws LeaseStoreException when Redis cannot be reached in time
     */
    void connectNow() {
        checkOpen();
        long end = link.deadline();
        StatefulRedisConnection<String, String> c = link.connection(end, "connecting");
        link.await(c.async().ping().toCompletableFuture(), end, "PING", true);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watch.close();
        link.close();
        endpoint.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the Redis lease store for " + endpoint.description() + " is closed");
        }
    }

    private static void requireHolder(String holder) {
        if (holder == null || holder.isBlank()) {
            throw new IllegalArgumentException("holder must be a non-blank participant id, got '" + holder + "'");
        }
    }

    private static String millis(Duration ttl) {
        if (ttl == null || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms (Redis PX counts milliseconds), got " + ttl);
        }
        return Long.toString(ttl.toMillis());
    }

    /** Replies carrying a lease have five elements; "no such lease" is {@code {0}}. */
    private static boolean found(List<Object> reply) {
        return reply != null && reply.size() == 5;
    }

    private LeaseRecord record(String name, List<Object> reply, String what) {
        try {
            String holder = (String) reply.get(1);
            long token = Long.parseLong((String) reply.get(2));
            long pttl = (Long) reply.get(3);
            Map<String, String> metadata = metadataOf(name, (String) reply.get(4));
            return new LeaseRecord(name, holder, token, Duration.ofMillis(Math.max(0, pttl)), metadata);
        } catch (RuntimeException e) {
            throw new LeaseStoreException("Redis at " + endpoint.description() + " answered " + what
                    + " with an unexpected reply " + reply + "; is another program writing keys under the prefix '"
                    + keys.prefix() + "'?", e);
        }
    }

    /** The stored metadata; empty, with one warning per store, when it cannot be decoded: never an error. */
    private Map<String, String> metadataOf(String name, String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        try {
            return Map.copyOf(LeaderMetadata.decode(encoded));
        } catch (IllegalArgumentException e) {
            if (warnedUnreadable.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, LogIds.METADATA_UNREADABLE + ": Redis at {0}: lease ''{1}'': the leader metadata"
                        + " in its hash (field metadata) cannot be decoded ({2}); the lease is reported without"
                        + " metadata (elections are not affected); is another program writing keys under the prefix"
                        + " ''{3}''? Logged once", endpoint.description(), name.length() > 60
                                ? name.substring(0, 60) + "..." : name, e.getMessage(), keys.prefix());
            }
            return Map.of();
        }
    }

    /** Builds a {@link RedisLeaseStore}. */
    public static final class Builder {
        private RedisURI uri;
        private RedisClient client;
        private String keyPrefix = LeaseKeys.DEFAULT_PREFIX;
        private Duration timeout = Duration.ofSeconds(2);
        private RestartQuarantine quarantine = RestartQuarantine.AUTO;

        private Builder() {}

        /**
         * @param uri a Lettuce {@code RedisURI}: {@code redis://[user:password@]host[:port][/database]},
         *     {@code rediss://} for TLS, {@code redis-sentinel://host:26379[,host2:26379]#master}
         * @return this builder
         * @throws IllegalArgumentException when Lettuce cannot parse it (the message hides any password)
         */
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            Optional<String> problem = RedisUris.problem(uri);
            if (problem.isPresent()) {
                throw new IllegalArgumentException(
                        "'" + RedisUris.mask(uri) + "' is not a Redis URI: " + problem.get());
            }
            try {
                this.uri = RedisURI.create(uri.trim());
            } catch (RuntimeException e) {
                // Lettuce's message may quote the URI, password included: do not chain it.
                throw new IllegalArgumentException("'" + RedisUris.mask(uri) + "' is not a Redis URI");
            }
            return this;
        }

        /**
         * @param uri the server to connect to; copied, so later changes to it have no effect
         * @return this builder
         */
        public Builder uri(RedisURI uri) {
            this.uri = RedisURI.builder(Objects.requireNonNull(uri, "uri")).build();
            return this;
        }

        /**
         * @param client a client the application owns: its options and threads are used, and it is left running
         *     when the store closes; connects to the {@linkplain #uri URI} when one is given, else to the client's
         *     own default URI
         * @return this builder
         */
        public Builder client(RedisClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param keyPrefix the prefix of every key and of the release channel ({@code baton:} unless set); stores
         *     with different prefixes never see each other's leases
         * @return this builder
         * @throws IllegalArgumentException when it is empty, too long or contains a brace
         */
        public Builder keyPrefix(String keyPrefix) {
            LeaseKeys.of(keyPrefix);
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * @param timeout the longest any operation may take, connecting included (2 s unless set); keep it well
         *     below the shortest lease ttl
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 1) {
                throw new IllegalArgumentException("timeout must be at least 1 ms, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param quarantine when to refuse grants after Redis started ({@link RestartQuarantine#AUTO} unless set:
         *     for one ttl unless the server keeps an append-only file)
         * @return this builder
         */
        public Builder restartQuarantine(RestartQuarantine quarantine) {
            this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
            return this;
        }

        /**
         * @return a store; it connects at its first operation, so Redis need not be up yet
         * @throws IllegalStateException when neither a URI nor a client was given
         */
        public RedisLeaseStore build() {
            RedisEndpoint endpoint;
            if (client != null) {
                endpoint = RedisEndpoint.application(client, uri);
            } else if (uri != null) {
                endpoint = RedisEndpoint.own(RedisURI.builder(uri).build(), timeout);
            } else {
                throw new IllegalStateException("a Redis URI or a RedisClient is required: RedisLeaseStore.builder()"
                        + ".uri(\"redis://localhost:6379\")");
            }
            return new RedisLeaseStore(endpoint, LeaseKeys.of(keyPrefix), timeout, quarantine);
        }
    }
}
