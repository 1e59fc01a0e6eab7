/**
 * The Azure Blob Storage backend ({@code baton.backend=azure-blob}): one blob per lease (its content the holder's
 * leader metadata), written only with conditional requests ({@code If-Match} on the ETag the decision was read with)
 * and under the holder's infinite blob lease; expiry is decided on the service's clock (a grant read at {@code Date}
 * D expires at D + 1 s + ttl), and the fencing token, kept in the blob's metadata, is a counter seeded from the
 * service's clock so that it keeps increasing when a blob is deleted. The service cannot notify releases: followers
 * wake when the lease can expire.
 */
package dev.baton.backend.azureblob;
