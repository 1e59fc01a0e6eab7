package dev.baton.bench;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.baton.backend.azureblob.AzureBlobLeaseStore;
import dev.baton.spi.LeaseStore;
import java.time.Duration;
import java.util.Map;

/**
 * The Azure Blob store on an SDK client whose requests are counted, for the scale run. The store takes an
 * application's client as it is, so this one is set up as the store's builder sets up its own (JDK HttpClient, every
 * wait bounded by the call timeout, three quick retries) and differs only by the counter.
 */
final class CountedAzureBlobStore {

    private CountedAzureBlobStore() {}

    /**
     * @param config the fixture's configuration (its connection string)
     * @param ttl the ttl of the run's elections; the call timeout is derived from it as the factory does
     * @param counter counts every HTTP request sent
     * @return a new store
     */
    static LeaseStore create(Map<String, String> config, Duration ttl, HttpRequestCounter counter) {
        Duration timeout = ttl.dividedBy(3).compareTo(Duration.ofSeconds(2)) < 0 ? ttl.dividedBy(3)
                : Duration.ofSeconds(2);
        long timeoutSeconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        BlobServiceClient client = new BlobServiceClientBuilder()
                .connectionString(config.get("baton.azure-blob.connection-string"))
                .httpClient(new JdkHttpClientBuilder().connectionTimeout(timeout).responseTimeout(timeout)
                        .readTimeout(timeout).writeTimeout(timeout).build())
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 3, Duration.ofSeconds(timeoutSeconds),
                        Duration.ofMillis(20), Duration.ofMillis(20), null))
                .addPolicy(counter)
                .buildClient();
        return AzureBlobLeaseStore.builder().serviceClient(client).timeout(timeout).build();
    }
}
