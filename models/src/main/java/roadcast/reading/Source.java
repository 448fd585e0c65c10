package roadcast.reading;

/** Where a live reading comes from; fusion weights readings by the credibility of their source. */
public enum Source {
    LOOP, FLOATING_CAR, CELLULAR, OTHER
}
