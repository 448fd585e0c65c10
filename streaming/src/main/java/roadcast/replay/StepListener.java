package roadcast.replay;

/** Told after each time step of a replay has been handed to the producer (progress bars, demo status). */
@FunctionalInterface
public interface StepListener {

    /**
     * @param stepMillis event time of the step, epoch ms
     * @param records    records sent for this step
     */
    void stepSent(long stepMillis, int records);
}
