package roadcast.api;

/** A request parameter the API cannot use; the message is sent to the client with status 400. */
public final class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message);
    }
}
