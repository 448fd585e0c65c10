package roadcast.train;

import java.util.ServiceLoader;

import roadcast.datasets.Dataset;
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
     * The same training from a data set on disk that the driver reads row by row and never loads (a shared-layout
     * folder or a wide CSV, see {@code DatasetLoader.wideSpeedFile}), on its first {@code maxRows} rows, without an
     * anchor: the first model of a registry.
     *
     * @param config  from {@code DatasetLoader.preview} of the same path
     * @param maxRows rows read at most ({@code --until}); Integer.MAX_VALUE for every row
     */
    TrainingRun.Outcome trainStreamed(java.nio.file.Path dataset, int maxRows, TrainingConfig config,
                                      String flinkAddress, String workDir, int parallelism,
                                      ProgressListener progress) throws Exception;

    /**
     * The streamed training with a model in service: the first {@code maxRows} rows read once, the newest
     * {@code holdout} held out, the candidate fitted on the rows before it (anchored), and the promotion gate's
     * evidence collected on the way ({@link roadcast.promote.HeldOutWindow.Collector}), never the whole window.
     */
    roadcast.promote.Promotion.Candidate trainStreamedGated(java.nio.file.Path dataset, int maxRows,
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
