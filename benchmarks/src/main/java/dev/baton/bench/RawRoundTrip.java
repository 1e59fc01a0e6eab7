package dev.baton.bench;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.lettuce.core.SetArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * One single request to each backend with its official client, as the yardstick for Baton's store operations: the
 * backend's own one-request grant where it has one (Redis {@code SET NX PX} of a new key, an etcd transaction
 * comparing a key's version, an Azure blob lease taken on a free blob), else the cheapest request (PostgreSQL and
 * MariaDB {@code SELECT 1}, ZooKeeper {@code exists("/")}); for the file backend a locked read and write of a 64-byte
 * file.
 */
interface RawRoundTrip extends AutoCloseable {

    /** Does one request and waits for its answer. */
    void once() throws Exception;

    /**
     * Untimed work the next {@link #once()} needs, so that it stays one request: nothing unless a backend's grant
     * has to be undone before it can be made again.
     */
    default void prepare() throws Exception {
        // most backends need nothing
    }

    @Override
    void close();

    /** @return the one-line description of what {@link #once()} does */
    String what();

    static RawRoundTrip open(BackendUnderTest b) {
        return switch (b.name) {
            case "redis" -> new Redis("redis://127.0.0.1:" + b.port());
            case "jdbc" -> new Jdbc(b.config(), "pgJDBC SELECT 1");
            case "mariadb" -> new Jdbc(b.config(), "MariaDB Connector/J SELECT 1");
            case "etcd" -> new Etcd("http://127.0.0.1:" + b.port());
            case "zookeeper" -> new Zk("127.0.0.1:" + b.port());
            case "file" -> new FileRw(b.dir.resolve("raw.bin"));
            case "azure-blob" -> new AzureBlobLease(b.config().get("baton.azure-blob.connection-string"));
            default -> throw new IllegalArgumentException("no raw client for " + b.name);
        };
    }

    /** Lettuce, one connection. */
    final class Redis implements RawRoundTrip {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;

        Redis(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect();
        }

        private long next;

        @Override
        public void once() {
            // A new key each time: every SET is a grant, as a free acquire is.
            connection.sync().set("raw-round-trip:" + next++, "holder", SetArgs.Builder.nx().px(30_000));
        }

        @Override
        public String what() {
            return "Lettuce SET NX PX";
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    /** The JDBC driver of the backend's URL, one connection, autocommit. */
    final class Jdbc implements RawRoundTrip {
        private final Connection connection;
        private final String what;

        Jdbc(java.util.Map<String, String> config, String what) {
            String url = config.get("baton.jdbc.url");
            this.what = what;
            try {
                connection = DriverManager.getConnection(url, config.get("baton.jdbc.user"),
                        config.getOrDefault("baton.jdbc.password", ""));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot connect to " + url, e);
            }
        }

        @Override
        public void once() throws SQLException {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
            }
        }

        @Override
        public String what() {
            return what;
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    /** jetcd, one client. */
    final class Etcd implements RawRoundTrip {
        private final Client client;
        private final ByteSequence key = ByteSequence.from("raw-round-trip", StandardCharsets.UTF_8);

        Etcd(String endpoint) {
            client = Client.builder().endpoints(endpoint).build();
        }

        @Override
        public void once() throws Exception {
            // The shape of an acquire: compare the key's version, put if absent, else read it.
            client.getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, key, PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit().get();
        }

        @Override
        public String what() {
            return "jetcd txn (compare, put or get)";
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Curator, one session. */
    final class Zk implements RawRoundTrip {
        private final CuratorFramework client;

        Zk(String connect) {
            client = CuratorFrameworkFactory.newClient(connect, 10_000, 5_000, new RetryOneTime(100));
            client.start();
            try {
                if (!client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IllegalStateException("ZooKeeper not reachable at " + connect);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void once() throws Exception {
            client.checkExists().forPath("/");
        }

        @Override
        public String what() {
            return "Curator exists(\"/\")";
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** A locked read-modify-write of a small file, without fsync. */
    final class FileRw implements RawRoundTrip {
        private final Path file;
        private final ByteBuffer buffer = ByteBuffer.allocate(64);

        FileRw(Path file) {
            this.file = file;
        }

        @Override
        public void once() {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                buffer.clear();
                ch.read(buffer, 0);
                buffer.flip();
                buffer.limit(buffer.capacity());
                ch.write(buffer, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String what() {
            return "open + lock + read + write 64 B";
        }

        @Override
        public void close() {
            // nothing held
        }
    }

    /**
     * The Azure SDK on the JDK's HttpClient (as the backend uses it), one client: Acquire Lease of a free blob, the
     * service's own one-request grant. The lease is released again before the next one, untimed.
     */
    final class AzureBlobLease implements RawRoundTrip {
        private final BlobLeaseClient lease;
        private boolean held;

        AzureBlobLease(String connectionString) {
            BlobServiceClient service = new BlobServiceClientBuilder().connectionString(connectionString)
                    .httpClient(new JdkHttpClientBuilder().build()).buildClient();
            BlobContainerClient container = service.getBlobContainerClient("raw-round-trip");
            container.createIfNotExists();
            BlobClient blob = container.getBlobClient("raw");
            blob.upload(BinaryData.fromBytes(new byte[0]), true);
            lease = new BlobLeaseClientBuilder().blobClient(blob).buildClient();
        }

        @Override
        public void prepare() {
            if (held) {
                lease.releaseLease();
                held = false;
            }
        }

        @Override
        public void once() {
            lease.acquireLease(-1); // infinite, as the backend's own blob leases
            held = true;
        }

        @Override
        public String what() {
            return "Azure SDK Acquire Lease of a free blob";
        }

        @Override
        public void close() {
            prepare();
        }
    }
}
