package roadcast.store;

/** The online store could not be opened, read or written; the message names the store directory. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
