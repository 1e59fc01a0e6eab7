package dev.baton.backend.azureblob;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The content of a lease blob: empty, or the holder's leader metadata with the token of the grant that wrote it.
 *
 * <pre>{@code baton-metadata/1 <token> <encoded metadata>}</pre>
 *
 * The encoded metadata is {@link dev.baton.spi.LeaderMetadata#encode(java.util.Map)}'s (printable ASCII, no
 * spaces). It is the content and not blob metadata because Set Blob Metadata, which every renewal sends, replaces
 * all of a blob's metadata: kept there, the leader metadata would travel with every renewal. The content is written
 * only by the grant's own Put Blob (and a release's, which empties it), and renewals leave it alone.
 *
 * <p>The token ties the content to one grant: a blob written by a version before leader metadata has an empty
 * content, and such a version's grant changes the token without touching the content, so what an earlier holder
 * left is never shown as a later holder's.
 *
 * @param token the token of the grant that wrote it
 * @param metadata the encoded metadata, never empty
 */
record MetadataBody(long token, String metadata) {
    static final String MAGIC = "baton-metadata/1";

    /** @return the content to write for a grant with {@code token} and {@code encoded} metadata (may be empty) */
    static byte[] of(long token, String encoded) {
        if (encoded.isEmpty()) {
            return new byte[0];
        }
        return (MAGIC + " " + token + " " + encoded).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param content a lease blob's content
     * @return what it records; empty when the content is empty
     * @throws IllegalArgumentException when it is not a metadata record (written by another program)
     */
    static Optional<MetadataBody> parse(byte[] content) {
        if (content == null || content.length == 0) {
            return Optional.empty();
        }
        String s = new String(content, StandardCharsets.US_ASCII);
        String[] f = s.split(" ", -1);
        if (f.length != 3 || !MAGIC.equals(f[0]) || f[2].isEmpty()) {
            throw new IllegalArgumentException("the content is not a " + MAGIC + " record");
        }
        try {
            return Optional.of(new MetadataBody(Long.parseLong(f[1]), f[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the content's token is not a number");
        }
    }
}
