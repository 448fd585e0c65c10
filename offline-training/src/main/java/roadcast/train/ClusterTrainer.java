package roadcast.train;

import java.util.ServiceLoader;

import roadcast.datasets.Dataset;
import roadcast.datasets.StreamedDataset;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.model.ManifoldModel;

/**
 * Training on a Flink session cluster ({@code roadcast train --flink HOST:PORT}). This module has no Flink on its
 * classpath, so the implementation (streaming's {@code roadcast.trainjob.FlinkClusterTrainer}) is found with
 * {@link ServiceLoader}; it returns the same {@link TrainingRun.Outcome} as {@link TrainingRun#train}, so the model
 * is summarised and published exactly as a local one.
 */
public interface ClusterTrainer {

    /**
     * @param flinkAddress REST address of the session cluster, {@code HOST:PORT}
     * @param workDir      folder every node sees (a local path on a shared mount, or any URI Flink's file systems
     *                     read: {@code hdfs://}, {@code s3://}); null = below the registry
     * @param parallelism  zones fitted at once; 0 = every free slot of the cluster
     * @param anchor       the model in service whose zones the new zoning keeps where the data allow, or null
     */
    TrainingRun.Outcome train(Dataset dataset, int trainRows, TrainingConfig config, String flinkAddress,
                              String workDir, int parallelism, ProgressListener progress, ManifoldModel anchor)
            throws Exception;

    /**
     * The same training from a data set the driver reads row by row and never loads
     * ({@code DatasetLoader.openStreamed}: a shared-layout folder, a wide or long CSV, the stream's archive), on its
     * rows [firstRow, endRow), without an anchor: the first model of a registry.
     *
     * @param config  from the header of the same data set ({@link StreamedDataset#header})
     * @param endRow  rows read at most ({@code --until}); Integer.MAX_VALUE for every row
     */
    TrainingRun.Outcome trainStreamed(StreamedDataset dataset, int firstRow, int endRow, TrainingConfig config,
                                      String flinkAddress, String workDir, int parallelism,
                                      ProgressListener progress) throws Exception;

    /**
     * The streamed training with a model in service: the window's rows [firstRow, endRow) read once, the newest
     * {@code holdout} held out, the candidate fitted on the rows before it (anchored), and the promotion gate's
     * evidence collected on the way ({@link roadcast.promote.HeldOutWindow.Collector}), never the whole window.
     */
    roadcast.promote.Promotion.Candidate trainStreamedGated(StreamedDataset dataset, int firstRow, int endRow,
                                                             java.time.Duration holdout, TrainingConfig config,
                                                             String flinkAddress, String workDir, int parallelism,
                                                             ProgressListener progress, ManifoldModel anchor)
            throws Exception;

    /** This cluster trainer as a {@link Trainer} for the promotion gate. */
    default Trainer on(String flinkAddress, String workDir, int parallelism) {
        return (dataset, trainRows, config, progress, anchor) -> train(dataset, trainRows, config, flinkAddress,
                workDir, parallelism, progress, anchor);
    }

    /** The implementation on the classpath, or an explanation of why there is none. */
    static ClusterTrainer load() {
        return ServiceLoader.load(ClusterTrainer.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "no cluster trainer on the classpath (it is in the streaming module; run through ./roadcast)"));
    }
}
