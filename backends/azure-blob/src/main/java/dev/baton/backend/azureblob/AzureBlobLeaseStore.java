package dev.baton.backend.azureblob;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobDownloadHeaders;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobLeaseRequestConditions;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.LeaseStateType;
import com.azure.storage.blob.options.BlobAcquireLeaseOptions;
import com.azure.storage.blob.options.BlobBreakLeaseOptions;
import com.azure.storage.blob.options.BlobReleaseLeaseOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.baton.spi.HolderIds;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Leases in Azure Blob Storage, through the Azure SDK: one blob per lease, whose metadata records the last fencing
 * token, the holder and when its lease expires on the service's clock ({@link LeaseMetadata}), and whose content is
 * the holder's leader metadata ({@link MetadataBody}; empty when none).
 *
 * <p>The algorithm:
 * <ol>
 *   <li><b>Every decision is made on one read and committed only if nothing changed since.</b> An operation reads
 *       the blob's properties ({@code HEAD}: metadata, ETag, lease state, and the response's {@code Date}), decides,
 *       and writes with {@code If-Match: <that ETag>}; a write that finds another ETag changed nothing, and the
 *       operation reads again.</li>
 *   <li><b>Expiry is decided on the service's clock.</b> A grant written after a read whose {@code Date} was
 *       {@code D} expires at {@code D + 1 s + ttl}; a lease is expired for a reader whose response's {@code Date} is
 *       at or past that. {@code Date} has whole seconds and is never ahead of the service's clock, so the service
 *       read less than {@code D + 1 s} when the request was sent: the lease lasts at least the ttl from the moment
 *       the engine started the call, which is what it trusts (its {@code t0}). A follower may wait up to a second
 *       beyond the ttl; the holder gets the whole ttl.</li>
 *   <li><b>The holder's write fence is an infinite blob lease</b> whose id is derived from the holder and its token.
 *       Every write of a holder carries that lease id, so while the blob is leased no one else's write lands and the
 *       blob cannot be deleted by mistake. Taking over an expired lease breaks the old holder's blob lease (with
 *       {@code If-Match}, period 0), acquires a new one and writes the new holder, each step conditional on the same
 *       read. Azure's 15-60 s leases are not used for expiry: Baton's ttls range from 100 ms to a day, a fixed
 *       lease's remaining time cannot be read (so followers could not sleep until it ends), and its length cannot
 *       change on renewal.</li>
 *   <li><b>Tokens</b> are {@code max(last + 1, D * 1,000,000)}: the counter makes them strictly increase while the
 *       blob lives, and the service clock (the {@code Date} in microsecond units) makes them keep increasing after
 *       the blob was deleted: a new blob starts above {@code (D' + 1) * 1,000,000 - 1}, {@code D'} the {@code Date}
 *       that found it missing, and a token is only handed out below {@code (D + 1) * 1,000,000}, so a recreated blob
 *       waits (at most a second) until the service's clock has left the second it was created in: inside
 *       {@code tryAcquire}; {@link #tryAcquireWithoutWaiting} (the engine's elections) answers empty at once instead
 *       and sends nothing more for that name until then, so the engine's lease threads, which renew every leader,
 *       never sleep in a new group's first grant.</li>
 *   <li><b>Renew and release</b> succeed only for the same holder and token on an unexpired lease; release keeps the
 *       token in the blob, clears the holder and gives the blob lease back.</li>
 *   <li><b>No notifications:</b> the service cannot announce a release ({@link #watch} is empty). A follower sleeps
 *       until the lease can expire ({@link ServiceClock} turns the service's whole-second {@code Date} into a local
 *       wake-up time), so a graceful handover takes up to the remaining time of the lease the followers last saw.</li>
 *   <li><b>Leader metadata</b> is the blob's content ({@link MetadataBody}, tied to the grant's token), written by the
 *       grant's own conditional write: a Put Blob carrying both the new blob metadata and the content, under the
 *       holder's blob lease and {@code If-Match}. Renewals are Set Blob Metadata, which leaves the content alone, so
 *       they send no leader metadata; they answer with the metadata this store wrote (a {@code HEAD} tells the
 *       content's length has not changed), or read the content with the blob ({@code GET} instead of {@code HEAD},
 *       no extra request) when the store has no record of it. A release empties the content in its own write.
 *       Acquires and reads fetch the blob with its content ({@code GET}), so followers learn the metadata with the
 *       holder.</li>
 * </ol>
 *
 * <p>Every operation, its up to five requests included, ends within {@link #maxCallTime()} or throws.
 *
 * <p>Threading: operations may be called from any thread; they share the SDK client.
 */
public final class AzureBlobLeaseStore implements LeaseStore {
    private static final System.Logger LOG = System.getLogger(AzureBlobLeaseStore.class.getName());
    private static final long MICROS_PER_SECOND = 1_000_000L;
    /** How often a follower asks while the service's clock may be just reaching a lease's expiry. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Attempts of an operation whose conditional writes keep meeting concurrent changes. */
    private static final int ATTEMPTS = 3;
    private static final int INFINITE = -1;

    private final BlobContainerClient container;
    private final BlobNames names;
    private final Duration timeout;
    private final boolean createContainer;
    private final String description;
    private final ServiceClock clock = new ServiceClock();
    /** The leader metadata of the grants this store made or renewed, by lease name: renewals answer with it. */
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    /**
     * Names whose blob this store made in a second of the service's clock that had not passed when its grant was
     * deferred ({@link #tryAcquireWithoutWaiting}), with the {@link System#nanoTime()} at which it surely has: until
     * then an acquire without waiting answers empty without a request. Removed by the next acquire after it.
     */
    private final Map<String, Long> firstGrantNotBefore = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedUnreadableMetadata = new AtomicBoolean();
    private volatile boolean closed;

    /** A grant's metadata as this store wrote or read it, and the length of the blob's content then. */
    private record Kept(String holder, long token, Map<String, String> metadata, long contentLength) {
        boolean matches(String holder, long token) {
            return this.token == token && this.holder.equals(holder);
        }
    }

    private AzureBlobLeaseStore(BlobServiceClient service, String containerName, BlobNames names, Duration timeout,
            boolean createContainer) {
        this.container = service.getBlobContainerClient(containerName);
        this.names = names;
        this.timeout = timeout;
        this.createContainer = createContainer;
        this.description = "azure-blob " + withoutQuery(service.getAccountUrl()) + " container '" + containerName
                + "' (prefix '" + names.prefix() + "')";
    }

    /** @return a builder; a connection string, an endpoint with credentials or an application's client is required */
    public static Builder builder() {
        return new Builder();
    }

    // ---- operations --------------------------------------------------------------------------------------------

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /** @return true: leader metadata is kept in the lease blob's content, written by the grant's own Put Blob */
    @Override
    public boolean supportsMetadata() {
        return true;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        return acquire(start("acquire of lease", name, holder, ttl), name, holder, ttl, metadata, false);
    }

    /**
     * As {@link #tryAcquire}, except that a new blob's first grant is not waited for: when the service's clock has not
     * yet left the second the blob was made in, the answer is empty at once (the lease is free; the caller asks again
     * soon), and until that second has surely passed, asking again answers empty without a request.
     */
    @Override
    public Optional<LeaseRecord> tryAcquireWithoutWaiting(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        Call call = start("acquire of lease", name, holder, ttl);
        Long notBefore = firstGrantNotBefore.get(name);
        if (notBefore != null) {
            if (System.nanoTime() - notBefore < 0) {
                LeaderMetadata.requireStorable(metadata); // the same errors as an acquire that sends
                return Optional.empty();
            }
            firstGrantNotBefore.remove(name, notBefore);
        }
        return acquire(call, name, holder, ttl, metadata, true);
    }

    private Optional<LeaseRecord> acquire(Call call, String name, String holder, Duration ttl,
            Map<String, String> metadata, boolean deferFirstGrant) {
        Map<String, String> stored = Map.copyOf(LeaderMetadata.requireStorable(metadata));
        String encoded = LeaderMetadata.encode(stored);
        BlobClient blob = blob(name);
        for (int races = 0; races < ATTEMPTS; ) {
            Snapshot s = download(call, blob);
            if (!s.exists()) {
                createFree(call, blob, s);
                continue;
            }
            LeaseMetadata m = s.lease(call);
            if (m.heldAt(s.dateMillis())) {
                if (!m.holder().orElseThrow().equals(holder)) {
                    return Optional.of(seenHeld(name, m, metadataOf(name, m, s.content())));
                }
                // Its own unexpired grant (e.g. after an answer that was lost): confirmed, token unchanged, with
                // this metadata.
                byte[] content = MetadataBody.of(m.token(), encoded);
                if (commit(call, blob, s, leaseId(holder, m.token()),
                        LeaseMetadata.held(m.token(), holder, expiry(s, ttl), ttl.toMillis()), changed(s, content),
                        true)) {
                    return Optional.of(granted(name, holder, m.token(), ttl, stored, content.length));
                }
                races++;
                continue;
            }
            if (m.token() == Long.MAX_VALUE) {
                throw new LeaseStoreException(call.what + ": the blob '" + s.blobName() + "' records the largest"
                        + " possible token; was its metadata edited?");
            }
            long thisSecond = s.dateSeconds() * MICROS_PER_SECOND;
            long next = Math.max(m.token() + 1, thisSecond);
            // A token ahead of the service's clock by more than a second means that clock was set back (or the
            // metadata edited): keep counting, so tokens still strictly increase in this blob.
            if (next >= thisSecond + MICROS_PER_SECOND && next < thisSecond + 2 * MICROS_PER_SECOND) {
                // The blob was (re)made in this second of the service's clock: wait until it has passed.
                long passed = clock.surelyReached((s.dateSeconds() + 1) * 1000, System.nanoTime());
                if (deferFirstGrant) {
                    firstGrantNotBefore.put(name, passed);
                    return Optional.empty();
                }
                if (!call.sleepUntil(passed)) {
                    throw new LeaseStoreException(call.what + ": the lease's blob was made in the current second of"
                            + " the service's clock, and its first token must wait for the next one, later than this"
                            + " call's timeout (" + timeout.toMillis() + " ms) allows; a retry succeeds");
                }
                continue;
            }
            byte[] content = MetadataBody.of(next, encoded);
            if (commit(call, blob, s, leaseId(holder, next),
                    LeaseMetadata.held(next, holder, expiry(s, ttl), ttl.toMillis()), changed(s, content), false)) {
                return Optional.of(granted(name, holder, next, ttl, stored, content.length));
            }
            races++;
        }
        // Lost every race for a lease that kept changing: report its holder, or empty (the caller retries). Never
        // the caller's own grant seen by a read: its remaining time is a follower's estimate, not a bound to trust.
        return read(call, blob, name).filter(r -> !r.heldBy(holder));
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        Call call = start("renewal of lease", name, holder, ttl);
        BlobClient blob = blob(name);
        Kept known = kept.get(name);
        for (int races = 0; races < ATTEMPTS; races++) {
            // With a record of the grant's metadata a HEAD does; without, a GET brings the content along.
            boolean remembered = known != null && known.matches(holder, token);
            Snapshot s = remembered ? snapshot(call, blob) : download(call, blob);
            if (!s.exists()) {
                forget(name, holder, token);
                return Optional.empty();
            }
            LeaseMetadata m = s.lease(call);
            if (!m.heldBy(holder, s.dateMillis()) || m.token() != token) {
                forget(name, holder, token);
                return Optional.empty();
            }
            Map<String, String> metadata;
            if (!remembered) {
                metadata = metadataOf(name, m, s.content());
            } else if (s.contentLength() == known.contentLength()) {
                metadata = known.metadata();
            } else {
                known = null; // the content changed under this grant (not by this store): read it
                continue;
            }
            if (commit(call, blob, s, leaseId(holder, token),
                    LeaseMetadata.held(token, holder, expiry(s, ttl), ttl.toMillis()), null, true)) {
                return Optional.of(granted(name, holder, token, ttl, metadata, s.contentLength()));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean release(String name, String holder, long token) {
        Call call = start("release of lease", name, holder, null);
        BlobClient blob = blob(name);
        for (int races = 0; races < ATTEMPTS; races++) {
            Snapshot s = snapshot(call, blob);
            if (!s.exists()) {
                forget(name, holder, token);
                return false;
            }
            LeaseMetadata m = s.lease(call);
            if (!m.heldBy(holder, s.dateMillis()) || m.token() != token) {
                forget(name, holder, token);
                return false;
            }
            // The release's one write also empties the content, the grant's leader metadata.
            if (commit(call, blob, s, leaseId(holder, token), LeaseMetadata.free(token),
                    s.contentLength() == 0 ? null : new byte[0], true)) {
                forget(name, holder, token);
                giveBackBlobLease(call, blob, leaseId(holder, token));
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        Call call = start("read of lease", name, null, null);
        return read(call, blob(name), name);
    }

    private Optional<LeaseRecord> read(Call call, BlobClient blob, String name) {
        Snapshot s = download(call, blob);
        if (!s.exists()) {
            return Optional.empty();
        }
        LeaseMetadata m = s.lease(call);
        return m.heldAt(s.dateMillis()) ? Optional.of(seenHeld(name, m, metadataOf(name, m, s.content())))
                : Optional.empty();
    }

    /** @return the call timeout: every operation, all its requests included, ends within it */
    @Override
    public Duration maxCallTime() {
        return timeout;
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * Checks at startup that the service accepts the credentials and that the container exists (creating it when
     * allowed), for a clear error at deployment.
     *
     * @throws CredentialsRejectedException when the service refuses the credentials
     * @throws IllegalStateException when the container does not exist and may not be created
     * @throws LeaseStoreException when the service cannot be reached in time
     */
    void connectNow() {
        Call call = new Call("connecting");
        BlobClient probe = container.getBlobClient(names.prefix() + "~");
        try {
            call.request(() -> probe.getPropertiesWithResponse(null, call.left(), Context.NONE));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw call.failed(e);
            }
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                if (!createContainer) {
                    throw new IllegalStateException(description + " does not exist");
                }
                ensureContainer(call);
            }
        }
    }

    /** Nothing to release: the SDK's clients hold no connections of their own beyond the HTTP client's pool. */
    @Override
    public void close() {
        closed = true;
    }

    // ---- the steps -------------------------------------------------------------------------------------------

    /**
     * What one {@code HEAD} (or {@code GET}) of a lease blob saw, and the service's clock when it answered.
     *
     * @param contentLength the length of the blob's content (the leader metadata, {@link MetadataBody})
     * @param content the content when it was fetched ({@code GET}), else null
     */
    private record Snapshot(boolean exists, Map<String, String> metadata, String etag, LeaseStateType leaseState,
            long dateSeconds, String blobName, long contentLength, byte[] content) {
        long dateMillis() {
            return dateSeconds * 1000;
        }

        /** @return the lease the blob records; fails when the blob is not a Baton lease */
        LeaseMetadata lease(Call call) {
            return LeaseMetadata.parse(metadata).orElseThrow(() -> new LeaseStoreException(call.what + ": the blob '"
                    + blobName + "' exists but is not a Baton lease (its metadata has no " + LeaseMetadata.TOKEN
                    + "); is another program writing blobs under the prefix?"));
        }

        boolean leased() {
            return leaseState == LeaseStateType.LEASED || leaseState == LeaseStateType.BREAKING;
        }
    }

    private Snapshot snapshot(Call call, BlobClient blob) {
        try {
            Response<BlobProperties> r = call.request(
                    () -> blob.getPropertiesWithResponse(null, call.left(), Context.NONE));
            BlobProperties p = r.getValue();
            return new Snapshot(true, p.getMetadata(), p.getETag(), p.getLeaseState(), call.date(r.getHeaders()),
                    blob.getBlobName(), p.getBlobSize(), null);
        } catch (BlobStorageException e) {
            return missing(call, blob, e);
        }
    }

    /** A snapshot with the blob's content: one {@code GET} instead of a {@code HEAD}, no extra request. */
    private Snapshot download(Call call, BlobClient blob) {
        try {
            BlobDownloadContentResponse r = call.request(
                    () -> blob.downloadContentWithResponse(null, null, call.left(), Context.NONE));
            BlobDownloadHeaders h = r.getDeserializedHeaders();
            byte[] content = r.getValue() == null ? new byte[0] : r.getValue().toBytes();
            return new Snapshot(true, h.getMetadata(), h.getETag(), h.getLeaseState(), call.date(r.getHeaders()),
                    blob.getBlobName(), content.length, content);
        } catch (BlobStorageException e) {
            return missing(call, blob, e);
        }
    }

    private Snapshot missing(Call call, BlobClient blob, BlobStorageException e) {
        if (e.getStatusCode() == 404) { // the blob, or its container, does not exist
            return new Snapshot(false, Map.of(), null, null, call.date(e.getResponse().getHeaders()),
                    blob.getBlobName(), 0, new byte[0]);
        }
        throw call.failed(e);
    }

    /**
     * Makes a free lease blob whose first token will exceed every token handed out before {@code absent}'s read,
     * creating the container first when it is missing and that is allowed. A blob someone else made meanwhile is
     * fine: the caller reads again.
     */
    private void createFree(Call call, BlobClient blob, Snapshot absent) {
        long floor = (absent.dateSeconds() + 1) * MICROS_PER_SECOND - 1;
        BlockBlobSimpleUploadOptions upload = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                .setMetadata(LeaseMetadata.free(floor).toMap())
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        for (int attempt = 0; ; attempt++) {
            try {
                call.request(() -> blob.getBlockBlobClient().uploadWithResponse(upload, call.left(), Context.NONE));
                return;
            } catch (BlobStorageException e) {
                if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode()) && attempt == 0) {
                    if (!createContainer) {
                        throw new LeaseStoreException(call.what + ": " + description + " does not exist, and"
                                + " baton.azure-blob.create-container is false");
                    }
                    ensureContainer(call);
                } else if (isRace(e)) {
                    return;
                } else {
                    throw call.failed(e);
                }
            }
        }
    }

    private void ensureContainer(Call call) {
        try {
            call.request(() -> container.createIfNotExistsWithResponse(null, call.left(), Context.NONE));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409) { // created by someone else meanwhile
                throw call.failed(e);
            }
        }
    }

    /**
     * Writes {@code lease} as its holder, provided the blob is still as {@code s} saw it: under the holder's blob
     * lease, taking that lease first (breaking any other) when the blob is not already leased with its id.
     *
     * @param id the holder's blob lease id ({@link #leaseId})
     * @param content the blob's new content (leader metadata) written in the same request (a Put Blob), or null to
     *     keep the content (a Set Blob Metadata)
     * @param mayBeLeasedAlready true when {@code s} showed the same holder and token, whose blob lease the blob may
     *     already carry (a renewal, a confirmation, a release), so the write is tried under it first
     * @return true when written; false when the blob changed since {@code s} (a concurrent writer won)
     */
    private boolean commit(Call call, BlobClient blob, Snapshot s, String id, LeaseMetadata lease, byte[] content,
            boolean mayBeLeasedAlready) {
        String etag = s.etag();
        try {
            if (s.leased()) {
                if (mayBeLeasedAlready) {
                    try {
                        write(call, blob, lease, content, id, etag);
                        return true;
                    } catch (BlobStorageException e) {
                        if (!isLeaseMismatch(e)) {
                            throw e;
                        }
                        // Leased with another id (a taker that stopped half way): ours to take back, from this read.
                    }
                }
                String broken = etag;
                Response<Integer> r = call.request(() -> leaseClient(blob, null).breakLeaseWithResponse(
                        new BlobBreakLeaseOptions().setBreakPeriod(Duration.ZERO)
                                .setRequestConditions(new BlobLeaseRequestConditions().setIfMatch(broken)),
                        call.left(), Context.NONE));
                etag = etagOf(r.getHeaders(), etag);
            }
            String acquiredFrom = etag;
            Response<String> r = call.request(() -> leaseClient(blob, id).acquireLeaseWithResponse(
                    new BlobAcquireLeaseOptions(INFINITE)
                            .setRequestConditions(new BlobLeaseRequestConditions().setIfMatch(acquiredFrom)),
                    call.left(), Context.NONE));
            write(call, blob, lease, content, id, etagOf(r.getHeaders(), etag));
            return true;
        } catch (BlobStorageException e) {
            if (isRace(e)) {
                return false;
            }
            throw call.failed(e);
        }
    }

    /**
     * The one conditional write of an operation, under the holder's blob lease: Set Blob Metadata when the content
     * stays, else a Put Blob that replaces metadata and content together.
     */
    private void write(Call call, BlobClient blob, LeaseMetadata lease, byte[] content, String id, String etag) {
        BlobRequestConditions conditions = new BlobRequestConditions().setLeaseId(id).setIfMatch(etag);
        if (content == null) {
            call.request(() -> blob.setMetadataWithResponse(lease.toMap(), conditions, call.left(), Context.NONE));
            return;
        }
        BlockBlobSimpleUploadOptions upload = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                .setMetadata(lease.toMap())
                .setRequestConditions(conditions);
        call.request(() -> blob.getBlockBlobClient().uploadWithResponse(upload, call.left(), Context.NONE));
    }

    /** @return {@code content} when the blob's content (fetched in {@code s}) differs from it, else null (keep it) */
    private static byte[] changed(Snapshot s, byte[] content) {
        return s.content() != null && Arrays.equals(s.content(), content) ? null : content;
    }

    /**
     * Gives the blob lease of a released grant back, so the next holder need not break it. Best effort: the release
     * itself is already written, and a lease left behind is broken by the next holder.
     */
    private void giveBackBlobLease(Call call, BlobClient blob, String id) {
        try {
            call.request(() -> leaseClient(blob, id).releaseLeaseWithResponse(new BlobReleaseLeaseOptions(),
                    call.left(), Context.NONE));
        } catch (RuntimeException e) {
            // left for the next holder to break
        }
    }

    private static BlobLeaseClient leaseClient(BlobClient blob, String id) {
        BlobLeaseClientBuilder b = new BlobLeaseClientBuilder().blobClient(blob);
        return (id == null ? b : b.leaseId(id)).buildClient();
    }

    /**
     * The blob lease id of a grant: derived from holder and token, so that any client of that holder (after a
     * restart, too) can renew or release it, and a new grant never shares its predecessor's.
     */
    static String leaseId(String holder, long token) {
        return UUID.nameUUIDFromBytes(("baton\0" + holder + "\0" + token).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * When a grant written after read {@code s} expires: {@code D + 1 s + ttl}. The service's clock was below
     * {@code D + 1 s} when the read was sent, so no reader can see the lease expired before a full ttl after the
     * engine sent its request.
     */
    private static long expiry(Snapshot s, Duration ttl) {
        return s.dateMillis() + 1000 + ttl.toMillis();
    }

    /** The caller's grant or renewal; remembers its metadata, so that its renewals can answer with it. */
    private LeaseRecord granted(String name, String holder, long token, Duration ttl, Map<String, String> metadata,
            long contentLength) {
        kept.put(name, new Kept(holder, token, metadata, contentLength));
        return new LeaseRecord(name, holder, token, ttl, metadata);
    }

    private void forget(String name, String holder, long token) {
        kept.computeIfPresent(name, (n, k) -> k.matches(holder, token) ? null : k);
    }

    /**
     * The leader metadata of the grant {@code m} records, from the blob's content: empty when the content is empty
     * or was written for an earlier grant (another token: a version before leader metadata took the lease over);
     * empty, with one warning per store, when it cannot be decoded (another program wrote it): metadata never
     * breaks an election.
     */
    private Map<String, String> metadataOf(String name, LeaseMetadata m, byte[] content) {
        try {
            Optional<MetadataBody> body = MetadataBody.parse(content);
            if (body.isEmpty() || body.get().token() != m.token()) {
                return Map.of();
            }
            return Map.copyOf(LeaderMetadata.decode(body.get().metadata()));
        } catch (IllegalArgumentException e) {
            if (warnedUnreadableMetadata.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, LogIds.METADATA_UNREADABLE + ": lease ''{0}'': the leader"
                        + " metadata in its blob''s content cannot be decoded ({1}); the lease is reported without"
                        + " metadata (elections are not affected). Check for other programs writing blobs under the"
                        + " prefix ({2}). Logged once per store.", name, e.getMessage(), description);
            }
            return Map.of();
        }
    }

    /**
     * Another's lease (or its own, read by a follower): the time until the service's clock surely reaches the first
     * whole second at which a read sees the lease expired, bounded by the grant's ttl. While the service may be
     * reaching it already, followers ask again every {@link #POLL_NANOS} instead of waiting for certainty.
     */
    private LeaseRecord seenHeld(String name, LeaseMetadata m, Map<String, String> metadata) {
        long expiredAt = Math.floorDiv(m.expiresMillis() + 999, 1000) * 1000; // the first Date that shows it expired
        long now = System.nanoTime();
        long sure = clock.surelyReached(expiredAt, now) - now;
        long early = Math.max(0, clock.mayHaveReached(expiredAt, now) - now);
        long wait = Math.min(sure, early + POLL_NANOS);
        long bounded = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(wait, TimeUnit.MILLISECONDS.toNanos(m.ttlMillis())));
        return new LeaseRecord(name, m.holder().orElseThrow(), m.token(), Duration.ofNanos(bounded), metadata);
    }

    private BlobClient blob(String name) {
        return container.getBlobClient(names.blob(name));
    }

    private Call start(String operation, String name, String holder, Duration ttl) {
        LeaseNames.requireValid(name);
        if (holder != null) {
            HolderIds.requireValid(holder); // well-formed UTF-16, so its percent-encoded UTF-8 in the metadata is exact
        }
        if (ttl != null && ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, got " + ttl);
        }
        if (closed) {
            throw new IllegalStateException("the Azure Blob lease store for " + description + " is closed");
        }
        return new Call(operation + " '" + name + "'");
    }

    private static boolean isRace(BlobStorageException e) {
        // 412: an If-Match or lease condition failed; 409: a lease or blob conflict; 404: deleted meanwhile.
        return e.getStatusCode() == 412 || e.getStatusCode() == 409 || e.getStatusCode() == 404;
    }

    private static boolean isLeaseMismatch(BlobStorageException e) {
        BlobErrorCode code = e.getErrorCode();
        return e.getStatusCode() == 412 && code != null && !BlobErrorCode.CONDITION_NOT_MET.equals(code);
    }

    private static String etagOf(HttpHeaders headers, String otherwise) {
        String etag = headers == null ? null : headers.getValue(HttpHeaderName.ETAG);
        return etag == null || etag.isEmpty() ? otherwise : etag;
    }

    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** One operation: its deadline, and what it is called in messages. */
    private final class Call {
        final String what;
        final long deadline;
        private long sentNanos;

        Call(String what) {
            this.what = what;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        /** @return the time this operation has left, for the SDK's timeout; fails when none is left */
        Duration left() {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new LeaseStoreException(what + ": " + description + " did not answer within "
                        + timeout.toMillis() + " ms");
            }
            return Duration.ofNanos(left);
        }

        /** Sends one request, remembering when, so the response's {@code Date} can be placed on the local clock. */
        <T> T request(java.util.function.Supplier<T> send) {
            sentNanos = System.nanoTime();
            try {
                return send.get();
            } catch (BlobStorageException e) {
                date(e.getResponse() == null ? null : e.getResponse().getHeaders(), false);
                throw e;
            } catch (LeaseStoreException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }

        /** @return the {@code Date} of the last response in seconds; fails when it has none */
        long date(HttpHeaders headers) {
            return date(headers, true);
        }

        private long date(HttpHeaders headers, boolean required) {
            long received = System.nanoTime();
            String date = headers == null ? null : headers.getValue(HttpHeaderName.DATE);
            if (date != null) {
                try {
                    long seconds = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
                    clock.observe(sentNanos, received, seconds);
                    return seconds;
                } catch (DateTimeParseException e) {
                    // reported below when it matters
                }
            }
            if (!required) {
                return -1;
            }
            throw new LeaseStoreException(what + ": " + description + " answered without a valid Date header ('"
                    + date + "'); Baton decides expiry on the service's clock and needs it");
        }

        /**
         * Sleeps until {@code nanoTime}, if this operation has time for that.
         *
         * @return true when it slept until then; false when the deadline came first (it slept until just before it)
         */
        boolean sleepUntil(long nanoTime) {
            long end = Math.min(nanoTime, deadline - TimeUnit.MILLISECONDS.toNanos(1));
            for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new LeaseStoreException(what + ": interrupted");
                }
            }
            return end == nanoTime;
        }

        /** @return the failure of this operation, naming the service's answer but never the request's credentials */
        LeaseStoreException failed(RuntimeException e) {
            if (e instanceof BlobStorageException b) {
                String code = b.getErrorCode() == null ? "" : " " + b.getErrorCode();
                if (b.getStatusCode() == 403) {
                    return new CredentialsRejectedException(what + ": " + description
                            + " refused the credentials (" + b.getStatusCode() + code + ")");
                }
                return new LeaseStoreException(what + ": " + description + " answered " + b.getStatusCode() + code);
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (cause instanceof java.util.concurrent.TimeoutException || deadline - System.nanoTime() <= 0) {
                return new LeaseStoreException(what + ": " + description + " did not answer within "
                        + timeout.toMillis() + " ms");
            }
            // The transport's message (connection refused, reset, ...) names hosts and ports, never credentials.
            return new LeaseStoreException(what + ": " + description + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
    }

    /** Builds an {@link AzureBlobLeaseStore}. */
    public static final class Builder {
        private String connectionString;
        private String endpoint;
        private StorageSharedKeyCredential sharedKey;
        private String sasToken;
        private TokenCredential tokenCredential;
        private BlobServiceClient serviceClient;
        private String container = BlobNames.DEFAULT_CONTAINER;
        private String prefix = BlobNames.DEFAULT_PREFIX;
        private boolean createContainer = true;
        private Duration timeout = Duration.ofSeconds(2);

        private Builder() {}

        /**
         * @param connectionString a storage account connection string (account key or SAS), as the portal shows it;
         *     for Azurite one with {@code BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1} and its well-known
         *     key
         * @return this builder
         */
        public Builder connectionString(String connectionString) {
            this.connectionString = Objects.requireNonNull(connectionString, "connectionString");
            return this;
        }

        /**
         * @param endpoint the blob service endpoint, e.g. {@code https://myaccount.blob.core.windows.net}; use with
         *     {@link #sharedKey}, {@link #sasToken} or {@link #credential}
         * @return this builder
         */
        public Builder endpoint(String endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * @param accountName the storage account
         * @param accountKey one of its access keys (base64)
         * @return this builder
         */
        public Builder sharedKey(String accountName, String accountKey) {
            this.sharedKey = new StorageSharedKeyCredential(Objects.requireNonNull(accountName, "accountName"),
                    Objects.requireNonNull(accountKey, "accountKey"));
            return this;
        }

        /**
         * @param sasToken a shared access signature granting read, write and create on the container's blobs (and
         *     create on the container when {@link #createContainer} is on), with or without the leading {@code ?}
         * @return this builder
         */
        public Builder sasToken(String sasToken) {
            this.sasToken = Objects.requireNonNull(sasToken, "sasToken");
            return this;
        }

        /**
         * @param credential an Azure AD credential, e.g. azure-identity's {@code DefaultAzureCredential} or
         *     {@code ManagedIdentityCredential}; needs an https endpoint and a data role such as Storage Blob Data
         *     Contributor
         * @return this builder
         */
        public Builder credential(TokenCredential credential) {
            this.tokenCredential = Objects.requireNonNull(credential, "credential");
            return this;
        }

        /**
         * @param client a client the application owns; used as it is (its HTTP client, retry policy and
         *     credentials). Its retries should stay within {@link #timeout}, which bounds every operation anyway
         * @return this builder
         */
        public Builder serviceClient(BlobServiceClient client) {
            this.serviceClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param container the container of the lease blobs ({@code baton} unless set)
         * @return this builder
         * @throws IllegalArgumentException when it is not a valid container name
         */
        public Builder container(String container) {
            if (!BlobNames.isValidContainer(container)) {
                throw new IllegalArgumentException("container '" + container + "' is invalid; expected "
                        + BlobNames.VALID_CONTAINER);
            }
            this.container = container;
            return this;
        }

        /**
         * @param prefix the prefix of every lease blob's name ({@code baton/} unless set)
         * @return this builder
         * @throws IllegalArgumentException when it is not a valid prefix
         */
        public Builder prefix(String prefix) {
            BlobNames.of(prefix);
            this.prefix = prefix;
            return this;
        }

        /**
         * @param create whether a missing container is created (true unless set)
         * @return this builder
         */
        public Builder createContainer(boolean create) {
            this.createContainer = create;
            return this;
        }

        /**
         * @param timeout the longest any operation may take, all its requests included (2 s unless set); keep it
         *     well below the shortest lease ttl
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
         * @return a store; it does not contact the service (the factory checks the connection at startup)
         * @throws IllegalStateException when no way to reach the service was given, or an ambiguous one
         * @throws IllegalArgumentException when the SDK refuses the connection settings (the message names no secret)
         */
        public AzureBlobLeaseStore build() {
            return new AzureBlobLeaseStore(serviceClient(), container, BlobNames.of(prefix), timeout,
                    createContainer);
        }

        private BlobServiceClient serviceClient() {
            int credentials = (sharedKey != null ? 1 : 0) + (sasToken != null ? 1 : 0)
                    + (tokenCredential != null ? 1 : 0);
            if (serviceClient != null) {
                if (connectionString != null || endpoint != null || credentials > 0) {
                    throw new IllegalStateException("an application's BlobServiceClient is used as it is: give no"
                            + " connection string, endpoint or credential with it");
                }
                return serviceClient;
            }
            BlobServiceClientBuilder b = new BlobServiceClientBuilder()
                    // The JDK's HttpClient: no Netty on the class path. Every wait is bounded by the call timeout.
                    .httpClient(new JdkHttpClientBuilder().connectionTimeout(timeout).responseTimeout(timeout)
                            .readTimeout(timeout).writeTimeout(timeout).build())
                    // A few quick retries (a pooled connection the server had closed); the operation's deadline bounds
                    // them (the SDK's own per-try timeout counts whole seconds), and every decision re-reads, so a
                    // retried write that had landed is recognised.
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 3,
                            Duration.ofSeconds(Math.max(1, (timeout.toMillis() + 999) / 1000)), Duration.ofMillis(20),
                            Duration.ofMillis(20), null));
            if (connectionString != null) {
                if (endpoint != null || credentials > 0) {
                    throw new IllegalStateException("give either a connection string or an endpoint with"
                            + " credentials, not both");
                }
                try {
                    b.connectionString(connectionString);
                } catch (RuntimeException e) {
                    // The SDK's message may quote the string, key included: do not chain it.
                    throw new IllegalArgumentException("the connection string is not one the Azure SDK accepts"
                            + " (expected AccountName=...;AccountKey=... or"
                            + " BlobEndpoint=...;SharedAccessSignature=...)");
                }
            } else if (endpoint != null) {
                if (credentials != 1) {
                    throw new IllegalStateException("an endpoint needs exactly one credential: a shared key, a SAS"
                            + " token or a TokenCredential (managed identity); got " + credentials);
                }
                try {
                    b.endpoint(endpoint);
                    if (sharedKey != null) {
                        b.credential(sharedKey);
                    } else if (sasToken != null) {
                        b.sasToken(sasToken);
                    } else {
                        b.credential(tokenCredential);
                    }
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("the endpoint '" + withoutQuery(endpoint)
                            + "' is not one the Azure SDK accepts: " + e.getClass().getSimpleName());
                }
            } else {
                throw new IllegalStateException("a connection string, an endpoint with credentials, or an application"
                        + " BlobServiceClient is required: AzureBlobLeaseStore.builder().connectionString(...)");
            }
            try {
                return b.buildClient();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the Azure SDK refused the connection settings: "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        }
    }
}
