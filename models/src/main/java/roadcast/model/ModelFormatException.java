package roadcast.model;

/** A model file that cannot be trusted: corrupt, truncated, of another format, or with inconsistent shapes. */
public class ModelFormatException extends java.io.IOException {

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
