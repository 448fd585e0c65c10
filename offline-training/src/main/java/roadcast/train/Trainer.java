package roadcast.train;

import roadcast.datasets.Dataset;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.model.ManifoldModel;

/**
 * What fits a candidate model on rows [0, trainRows) of a data set: the local trainer ({@link #LOCAL}) or a Flink
 * cluster ({@link ClusterTrainer}). The promotion gate takes either, so a model fitted on a cluster is judged and
 * published exactly as a local one.
 */
@FunctionalInterface
public interface Trainer {

    /** This JVM's trainer. */
    Trainer LOCAL = TrainingRun::train;

    /**
     * @param anchor the model in service whose zones the new zoning keeps where the data allow, or null
     */
    TrainingRun.Outcome train(Dataset dataset, int trainRows, TrainingConfig config, ProgressListener progress,
                              ManifoldModel anchor) throws Exception;
}
