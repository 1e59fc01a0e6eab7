package dev.baton.backend.redis;

import dev.baton.spi.LeaseStoreException;

/**
 * Redis refused the configured credentials ({@code WRONGPASS}, {@code NOAUTH}, {@code invalid password}). A
 * {@link LeaseStoreException} so the engine keeps retrying (a rotated password may be fixed without a restart), but
 * distinct so the factory can fail deployment when it happens on the first contact.
 */
final class CredentialsRejectedException extends LeaseStoreException {
    private static final long serialVersionUID = 1L;

    CredentialsRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
