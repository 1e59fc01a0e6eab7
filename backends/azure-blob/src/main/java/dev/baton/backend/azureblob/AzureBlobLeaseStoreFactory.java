package dev.baton.backend.azureblob;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobUrlParts;
import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code baton.backend=azure-blob}. Configuration (one way to reach the account):
 * <ul>
 *   <li>{@code baton.azure-blob.connection-string}: a storage account connection string (account key or SAS); or</li>
 *   <li>{@code baton.azure-blob.endpoint} ({@code https://<account>.blob.core.windows.net}) with one of
 *       {@code baton.azure-blob.account-key} (and {@code .account-name} unless the endpoint names the account),
 *       {@code baton.azure-blob.sas-token}, or an application {@link TokenCredential} bean (managed identity,
 *       workload identity, ... through azure-identity); or</li>
 *   <li>an application {@link BlobServiceClient} bean, used as it is, when neither key above is set.</li>
 * </ul>
 * and {@code baton.azure-blob.container} ({@code baton}), {@code .prefix} ({@code baton/}), {@code .create-container}
 * ({@code true}), {@code .timeout} (the shorter of 2 s and a third of the shortest ttl; at most half of it).
 *
 * <p>Secrets (the connection string's key or signature, the account key, the SAS) never appear in a message: a
 * connection string is shown with them masked, the others as {@code ***}. The factory contacts the service once at
 * creation so that refused credentials or a missing container fail deployment with a clear message; an unreachable
 * service is tolerated (the store keeps trying at each operation), so an application may start before it.
 */
public final class AzureBlobLeaseStoreFactory implements LeaseStoreFactory {
    private static final System.Logger LOG = System.getLogger(AzureBlobLeaseStoreFactory.class.getName());

    /** The configuration key of the connection string. */
    public static final String CONNECTION_STRING_KEY = "baton.azure-blob.connection-string";
    /** The configuration key of the blob service endpoint. */
    public static final String ENDPOINT_KEY = "baton.azure-blob.endpoint";
    /** The configuration key of the account name (with an account key). */
    public static final String ACCOUNT_NAME_KEY = "baton.azure-blob.account-name";
    /** The configuration key of the account key. */
    public static final String ACCOUNT_KEY_KEY = "baton.azure-blob.account-key";
    /** The configuration key of the shared access signature. */
    public static final String SAS_TOKEN_KEY = "baton.azure-blob.sas-token";
    /** The configuration key of the container. */
    public static final String CONTAINER_KEY = "baton.azure-blob.container";
    /** The configuration key of the blob name prefix. */
    public static final String PREFIX_KEY = "baton.azure-blob.prefix";
    /** The configuration key of whether a missing container is created. */
    public static final String CREATE_CONTAINER_KEY = "baton.azure-blob.create-container";
    /** The configuration key of the call timeout. */
    public static final String TIMEOUT_KEY = "baton.azure-blob.timeout";

    private static final String SHOWN_SECRET = "***";
    private static final String VALID_CONNECTION = "a storage account connection string such as"
            + " DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=...;EndpointSuffix=core.windows.net"
            + " (or BlobEndpoint=...;SharedAccessSignature=...), or " + ENDPOINT_KEY + " with credentials, or an"
            + " application BlobServiceClient bean";
    private static final String VALID_ENDPOINT = "the blob service endpoint, an http(s) URL without a query, such"
            + " as https://myaccount.blob.core.windows.net (a SAS goes in " + SAS_TOKEN_KEY + ")";
    private static final String VALID_CREDENTIAL = "with " + ENDPOINT_KEY + " one credential: " + ACCOUNT_KEY_KEY
            + ", " + SAS_TOKEN_KEY + ", or an application TokenCredential bean (managed identity: e.g. azure-identity's"
            + " DefaultAzureCredential)";
    /** A connection string's secret settings, whole up to the next ';'. */
    private static final Pattern SECRET_SETTINGS = Pattern.compile("(?i)(AccountKey|SharedAccessSignature)=[^;]*");
    /** A SAS signature inside a URL (an endpoint with a SAS query). */
    private static final Pattern SIGNATURE = Pattern.compile("(?i)(sig)=[^;&]*");
    private static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    @Override
    public String name() {
        return "azure-blob";
    }

    @Override
    public LeaseStore create(StoreContext context) {
        AzureBlobLeaseStore.Builder builder = AzureBlobLeaseStore.builder();
        Optional<String> connectionString = value(context, CONNECTION_STRING_KEY);
        Optional<String> endpoint = value(context, ENDPOINT_KEY);
        Optional<String> accountKey = value(context, ACCOUNT_KEY_KEY);
        Optional<String> sasToken = value(context, SAS_TOKEN_KEY);
        // Which key to blame when the service refuses the credentials, and its value as it may be shown.
        String credentialKey;
        String credentialShown;
        if (connectionString.isPresent()) {
            for (String other : new String[] {ENDPOINT_KEY, ACCOUNT_KEY_KEY, SAS_TOKEN_KEY}) {
                if (value(context, other).isPresent()) {
                    throw new InvalidConfigurationException(other, other.equals(ENDPOINT_KEY)
                            ? endpoint.get() : SHOWN_SECRET, "unset while " + CONNECTION_STRING_KEY + " is set"
                                    + " (one way to reach the account)");
                }
            }
            builder.connectionString(connectionString.get());
            credentialKey = CONNECTION_STRING_KEY;
            credentialShown = mask(connectionString.get());
        } else if (endpoint.isPresent()) {
            String url = endpoint.get().trim();
            requireEndpoint(url);
            builder.endpoint(url);
            if (accountKey.isPresent() && sasToken.isPresent()) {
                throw new InvalidConfigurationException(SAS_TOKEN_KEY, SHOWN_SECRET,
                        "unset while " + ACCOUNT_KEY_KEY + " is set (one credential)");
            }
            if (accountKey.isPresent()) {
                requireBase64(accountKey.get());
                builder.sharedKey(accountName(context, url), accountKey.get().trim());
                credentialKey = ACCOUNT_KEY_KEY;
                credentialShown = SHOWN_SECRET;
            } else if (sasToken.isPresent()) {
                builder.sasToken(sasToken.get().trim());
                credentialKey = SAS_TOKEN_KEY;
                credentialShown = SHOWN_SECRET;
            } else {
                TokenCredential credential = context.client(TokenCredential.class).orElseThrow(
                        () -> new InvalidConfigurationException(ACCOUNT_KEY_KEY, null, VALID_CREDENTIAL));
                builder.credential(credential);
                credentialKey = ENDPOINT_KEY;
                credentialShown = url + " with the application's TokenCredential";
            }
        } else {
            BlobServiceClient client = context.client(BlobServiceClient.class).orElseThrow(
                    () -> new InvalidConfigurationException(CONNECTION_STRING_KEY, null, VALID_CONNECTION));
            builder.serviceClient(client);
            credentialKey = CONNECTION_STRING_KEY;
            credentialShown = "<unset: the application's BlobServiceClient>";
        }

        String container = context.config(CONTAINER_KEY).map(String::trim).orElse(BlobNames.DEFAULT_CONTAINER);
        if (!BlobNames.isValidContainer(container)) {
            throw new InvalidConfigurationException(CONTAINER_KEY, container, BlobNames.VALID_CONTAINER);
        }
        builder.container(container);
        String prefix = context.config(PREFIX_KEY).map(String::trim).orElse(BlobNames.DEFAULT_PREFIX);
        if (!BlobNames.isValidPrefix(prefix)) {
            throw new InvalidConfigurationException(PREFIX_KEY, prefix, BlobNames.VALID_PREFIX);
        }
        builder.prefix(prefix);
        builder.createContainer(createContainer(context));
        builder.timeout(context.callTimeout(TIMEOUT_KEY, MAX_DEFAULT_TIMEOUT));

        AzureBlobLeaseStore store;
        try {
            store = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Messages of the builder name no secret (it never chains the SDK's).
            throw new InvalidConfigurationException(credentialKey, credentialShown, VALID_CONNECTION
                    + "; here: " + e.getMessage());
        }
        try {
            store.connectNow();
        } catch (CredentialsRejectedException e) {
            store.close();
            throw new InvalidConfigurationException(credentialKey, credentialShown,
                    "credentials the storage service accepts: " + e.getMessage());
        } catch (IllegalStateException e) {
            store.close();
            throw new InvalidConfigurationException(CONTAINER_KEY, container, "an existing container, or "
                    + CREATE_CONTAINER_KEY + "=true: " + e.getMessage());
        } catch (LeaseStoreException e) {
            LOG.log(Level.INFO, "{0} is not reachable yet ({1}); connecting at first use", store.describe(),
                    e.getMessage());
        }
        return store;
    }

    /** @return a connection string with its account key and signature replaced by {@code ***} */
    static String mask(String connectionString) {
        String masked = SECRET_SETTINGS.matcher(connectionString).replaceAll("$1=" + SHOWN_SECRET);
        return SIGNATURE.matcher(masked).replaceAll("$1=" + SHOWN_SECRET);
    }

    private static Optional<String> value(StoreContext context, String key) {
        return context.config(key).filter(v -> !v.isBlank());
    }

    private static void requireEndpoint(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
                    && uri.getRawUserInfo() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        // A query may be a SAS: show the endpoint without it.
        int q = url.indexOf('?');
        throw new InvalidConfigurationException(ENDPOINT_KEY, q < 0 ? url : url.substring(0, q) + "?***",
                VALID_ENDPOINT);
    }

    private static void requireBase64(String key) {
        try {
            if (Base64.getDecoder().decode(key.trim()).length > 0) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidConfigurationException(ACCOUNT_KEY_KEY, SHOWN_SECRET,
                "one of the storage account's access keys (base64, as the portal shows it)");
    }

    private static String accountName(StoreContext context, String url) {
        Optional<String> configured = value(context, ACCOUNT_NAME_KEY).map(String::trim);
        if (configured.isPresent()) {
            return configured.get();
        }
        String parsed;
        try {
            parsed = BlobUrlParts.parse(url).getAccountName();
        } catch (RuntimeException e) {
            parsed = null;
        }
        if (parsed == null || parsed.isBlank()) {
            throw new InvalidConfigurationException(ACCOUNT_NAME_KEY, null, "the storage account's name (the"
                    + " endpoint " + url + " does not name it)");
        }
        return parsed;
    }

    private static boolean createContainer(StoreContext context) {
        String raw = context.config(CREATE_CONTAINER_KEY).map(String::trim).orElse("true");
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidConfigurationException(CREATE_CONTAINER_KEY, raw, "true or false");
    }
}
