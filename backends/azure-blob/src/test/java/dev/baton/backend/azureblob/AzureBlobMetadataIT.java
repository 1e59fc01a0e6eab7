package dev.baton.backend.azureblob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.LeaseStateType;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the Azure Blob backend keeps leader metadata (the blob's content, written by the grant's Put Blob), what
 * renewals leave alone, and blobs written by versions before leader metadata. Leases are long ({@link #LONG}) and
 * calls patient: no test here is about timing.
 */
class AzureBlobMetadataIT {
    @RegisterExtension
    static final AzuriteServer SERVER = new AzuriteServer();

    private static final Duration LONG = Duration.ofSeconds(60);
    private static final Map<String, String> META = Map.of("url", "http://a.example:8080/app", "zone", "eu ü &=%+",
            LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z");

    private final List<LeaseStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        stores.forEach(LeaseStore::close);
    }

    private LeaseStore store() {
        LeaseStore s = AzureBlobLeaseStore.builder().connectionString(SERVER.connectionString())
                .timeout(Duration.ofSeconds(5)).build();
        stores.add(s);
        return s;
    }

    private static BlobClient blob(String name) {
        BlobContainerClient container = new BlobServiceClientBuilder().connectionString(SERVER.connectionString())
                .buildClient().getBlobContainerClient(BlobNames.DEFAULT_CONTAINER);
        container.createIfNotExists();
        return container.getBlobClient(BlobNames.of(BlobNames.DEFAULT_PREFIX).blob(name));
    }

    private static byte[] content(BlobClient blob) {
        return blob.downloadContent().toBytes();
    }

    @Test
    @DisplayName("the grant writes the metadata as the blob's content; renewals leave the content alone and answer"
            + " with it; a confirmation replaces it, a release empties it")
    void renewalsLeaveTheContentAlone() {
        LeaseStore a = store();
        LeaseStore b = store();
        LeaseRecord granted = a.tryAcquire("job", "a", LONG, META).orElseThrow();
        assertEquals(META, granted.metadata());
        BlobClient blob = blob("job");
        byte[] written = content(blob);
        assertArrayEquals(MetadataBody.of(granted.token(), LeaderMetadata.encode(META)), written);
        BlobProperties before = blob.getProperties();
        assertEquals(LeaseStateType.LEASED, before.getLeaseState(), "the Put Blob kept the holder's blob lease");
        assertTrue(before.getMetadata().keySet().stream()
                        .allMatch(k -> k.toLowerCase(Locale.ROOT).startsWith("baton_")),
                "the blob's metadata holds only the lease: " + before.getMetadata().keySet());
        for (int i = 0; i < 3; i++) {
            assertEquals(META, a.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
        }
        assertEquals(META, a.renewAll(List.of(new RenewRequest("job", "a", granted.token(), LONG))).get(0)
                .orElseThrow().metadata());
        // Another client of the same holder has no record of the metadata: its renewal fetches the content.
        assertEquals(META, b.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
        assertNotEquals(before.getETag(), blob.getProperties().getETag(), "the renewals wrote the blob's metadata");
        assertArrayEquals(written, content(blob), "... and left its content alone");
        assertEquals(META, b.read("job").orElseThrow().metadata());

        Map<String, String> next = Map.of("version", "2");
        LeaseRecord confirmed = a.tryAcquire("job", "a", LONG, next).orElseThrow();
        assertEquals(granted.token(), confirmed.token());
        assertEquals(next, confirmed.metadata());
        assertEquals(LeaseStateType.LEASED, blob.getProperties().getLeaseState());
        assertEquals(next, b.read("job").orElseThrow().metadata());
        assertEquals(next, a.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
        assertEquals(next, b.renew("job", "a", granted.token(), LONG).orElseThrow().metadata(),
                "a client whose record is stale sees the content changed and fetches it");
        assertTrue(a.release("job", "a", granted.token()));
        assertEquals(0, content(blob).length, "a release empties the content");
    }

    /** Writes the blob as versions before leader metadata did: empty content, the lease in its metadata. */
    private static void writeAsEarlierVersion(BlobClient blob, String holder, long token, String etag) {
        String id = AzureBlobLeaseStore.leaseId(holder, token);
        Map<String, String> lease = LeaseMetadata.held(token, holder, System.currentTimeMillis() + LONG.toMillis(),
                LONG.toMillis()).toMap();
        blob.setMetadataWithResponse(lease, new BlobRequestConditions().setLeaseId(id).setIfMatch(etag), null,
                Context.NONE);
    }

    private static BlobLeaseClient leaseClient(BlobClient blob, String holder, long token) {
        return new BlobLeaseClientBuilder().blobClient(blob).leaseId(AzureBlobLeaseStore.leaseId(holder, token))
                .buildClient();
    }

    @Test
    @DisplayName("a blob written by a version before leader metadata reads without it, and is taken over with it")
    void blobOfAnEarlierVersion() {
        LeaseStore a = store();
        LeaseStore b = store();
        BlobClient blob = blob("old");
        long token = 1_700_000_000_000_000L;
        blob.getBlockBlobClient().uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                .setMetadata(LeaseMetadata.free(token - 1).toMap()), null, Context.NONE);
        leaseClient(blob, "old ü", token).acquireLease(-1);
        writeAsEarlierVersion(blob, "old ü", token, blob.getProperties().getETag());

        LeaseRecord seen = b.read("old").orElseThrow();
        assertEquals("old ü", seen.holder());
        assertEquals(token, seen.token());
        assertEquals(Map.of(), seen.metadata());
        assertEquals(Map.of(), b.tryAcquire("old", "b", LONG, META).orElseThrow().metadata(), "held by the old holder");
        assertEquals(Map.of(), a.renew("old", "old ü", token, LONG).orElseThrow().metadata());
        assertTrue(a.release("old", "old ü", token));
        LeaseRecord next = b.tryAcquire("old", "b", LONG, META).orElseThrow();
        assertTrue(next.token() > token);
        assertEquals(META, a.read("old").orElseThrow().metadata());
    }

    @Test
    @DisplayName("an earlier version's takeover leaves the content, but its other token keeps it from being shown")
    void takeoverByAnEarlierVersion() {
        LeaseStore a = store();
        LeaseRecord first = a.tryAcquire("mixed", "a", LONG, META).orElseThrow();
        BlobClient blob = blob("mixed");
        // What an earlier version does when it takes over: break the blob lease, take its own, write the metadata.
        new BlobLeaseClientBuilder().blobClient(blob).buildClient()
                .breakLeaseWithResponse(0, null, null, Context.NONE);
        long token = first.token() + 1;
        leaseClient(blob, "old", token).acquireLease(-1);
        writeAsEarlierVersion(blob, "old", token, blob.getProperties().getETag());
        assertTrue(content(blob).length > 0, "the first holder's metadata is still in the content");

        LeaseRecord seen = store().read("mixed").orElseThrow();
        assertEquals("old", seen.holder());
        assertEquals(token, seen.token());
        assertEquals(Map.of(), seen.metadata());
    }

    @Test
    @DisplayName("content that cannot be decoded (another program's) reads as no metadata, never as an error")
    void unreadableContent() {
        LeaseStore a = store();
        LeaseRecord granted = a.tryAcquire("odd", "someone", LONG, META).orElseThrow();
        BlobClient blob = blob("odd");
        blob.getBlockBlobClient().uploadWithResponse(new BlockBlobSimpleUploadOptions(
                        BinaryData.fromBytes("not a record".getBytes(StandardCharsets.US_ASCII)))
                .setMetadata(blob.getProperties().getMetadata())
                .setRequestConditions(new BlobRequestConditions()
                        .setLeaseId(AzureBlobLeaseStore.leaseId("someone", granted.token()))), null, Context.NONE);
        LeaseStore b = store();
        LeaseRecord seen = b.read("odd").orElseThrow();
        assertEquals("someone", seen.holder());
        assertEquals(granted.token(), seen.token());
        assertEquals(Map.of(), seen.metadata());
        assertEquals(Map.of(), b.tryAcquire("odd", "b", LONG, Map.of("url", "http://b")).orElseThrow().metadata());
    }
}
