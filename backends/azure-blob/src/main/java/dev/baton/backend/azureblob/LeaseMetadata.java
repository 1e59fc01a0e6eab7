package dev.baton.backend.azureblob;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a lease blob records, in its metadata (the content is the holder's leader metadata, {@link MetadataBody}): the
 * last fencing token handed out for the name, and, while someone holds it, the holder, the instant the lease expires
 * on the service's clock and its ttl.
 *
 * <table>
 *   <caption>Metadata of a lease blob</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code baton_token}</td><td>the last token handed out (decimal), kept when the lease is released</td></tr>
 *   <tr><td>{@code baton_holder}</td><td>the holder's participant id, percent-encoded UTF-8; absent when free</td></tr>
 *   <tr><td>{@code baton_expires}</td><td>expiry in milliseconds since the epoch, on the service's clock</td></tr>
 *   <tr><td>{@code baton_ttl}</td><td>the ttl of the grant in milliseconds (a reader never reports more)</td></tr>
 * </table>
 *
 * @param token the last token handed out
 * @param holder the holder, empty when the lease is free (released, or never held since its blob was made)
 * @param expiresMillis when the holder's lease expires, service clock; meaningless when free
 * @param ttlMillis the ttl of the holder's grant; meaningless when free
 */
record LeaseMetadata(long token, Optional<String> holder, long expiresMillis, long ttlMillis) {
    static final String TOKEN = "baton_token";
    static final String HOLDER = "baton_holder";
    static final String EXPIRES = "baton_expires";
    static final String TTL = "baton_ttl";

    /** @return a free lease whose next token must exceed {@code token} */
    static LeaseMetadata free(long token) {
        return new LeaseMetadata(token, Optional.empty(), 0, 0);
    }

    /** @return a lease held by {@code holder} with {@code token} until {@code expiresMillis} */
    static LeaseMetadata held(long token, String holder, long expiresMillis, long ttlMillis) {
        return new LeaseMetadata(token, Optional.of(holder), expiresMillis, ttlMillis);
    }

    /**
     * @param metadata a blob's metadata as the service returned it (keys in any case)
     * @return what it records, or empty when it is not a Baton lease (no parseable token, or a holder without expiry)
     */
    static Optional<LeaseMetadata> parse(Map<String, String> metadata) {
        if (metadata == null) {
            return Optional.empty();
        }
        Map<String, String> m = new HashMap<>();
        metadata.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        try {
            long token = Long.parseLong(m.get(TOKEN));
            String holder = m.get(HOLDER);
            if (holder == null) {
                return Optional.of(free(token));
            }
            return Optional.of(held(token, URLDecoder.decode(holder, StandardCharsets.UTF_8),
                    Long.parseLong(m.get(EXPIRES)), Long.parseLong(m.get(TTL))));
        } catch (RuntimeException e) { // a missing or malformed number, a malformed %-escape
            return Optional.empty();
        }
    }

    /** @return the metadata to write */
    Map<String, String> toMap() {
        Map<String, String> m = new HashMap<>();
        m.put(TOKEN, Long.toString(token));
        holder.ifPresent(h -> {
            // URLEncoder leaves only [A-Za-z0-9.*_-], '+' and %XX: printable ASCII, as header values must be.
            m.put(HOLDER, URLEncoder.encode(h, StandardCharsets.UTF_8));
            m.put(EXPIRES, Long.toString(expiresMillis));
            m.put(TTL, Long.toString(ttlMillis));
        });
        return m;
    }

    /**
     * @param serviceMillis a time read from the service's clock (a response's {@code Date})
     * @return true when someone holds the lease at that time
     */
    boolean heldAt(long serviceMillis) {
        return holder.isPresent() && serviceMillis < expiresMillis;
    }

    /** @return true when {@code participant} holds the lease at {@code serviceMillis} */
    boolean heldBy(String participant, long serviceMillis) {
        return heldAt(serviceMillis) && holder.get().equals(participant);
    }
}
