package dev.baton.spi;

/**
 * A backend could not answer: unreachable, timed out, refused. The engine treats it as transient and retries until
 * the local deadline; configuration or programming errors use other exceptions.
 */
public class LeaseStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the backend and the operation */
    public LeaseStoreException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the backend and the operation
     * @param cause the client's exception
     */
    public LeaseStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
