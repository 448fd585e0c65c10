package roadcast.fit;

/** Progress of a long training run; called from worker threads, so implementations must be thread-safe. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (stage, done, total) -> { };

    /**
     * @param stage what is being done ("zoning", "fitting zones")
     * @param done  units finished in this stage
     * @param total units in this stage
     */
    void progress(String stage, long done, long total);
}
