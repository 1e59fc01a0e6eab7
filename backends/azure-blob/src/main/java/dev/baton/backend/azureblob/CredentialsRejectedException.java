package dev.baton.backend.azureblob;

import dev.baton.spi.LeaseStoreException;

/**
 * The storage service refused the configured credentials (HTTP 403: a wrong account key, an expired or too narrow
 * SAS, a managed identity without a data role). A {@link LeaseStoreException} so the engine keeps retrying (rotated
 * credentials may be fixed without a restart), but distinct so the factory can fail deployment when it happens on
 * the first contact.
 */
final class CredentialsRejectedException extends LeaseStoreException {
    private static final long serialVersionUID = 1L;

    CredentialsRejectedException(String message) {
        super(message);
    }
}
