package roadcast.route;

/** A route that cannot be timed, with a message fit for the caller (unknown segment, gap, too long, bad time). */
public final class RouteException extends IllegalArgumentException {
    public RouteException(String message) {
        super(message);
    }
}
