package roadcast.train;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * Where the zones are fitted: in this JVM, or as a Flink batch job on a session cluster. Shared by {@code train} and
 * {@code retrain}, which fit the same way.
 */
public final class ClusterOptions {

    @Option(names = "--flink", paramLabel = "HOST:PORT",
            description = {"Fit the zones as a Flink batch job on this session cluster (its REST address, e.g. "
                    + "localhost:8081; 'roadcast cluster start' prints one). The data set is cleaned and zoned "
                    + "here, each zone's history is written to --work-dir, the TaskManagers fit the zones in "
                    + "parallel, and the model is gated and published here as by a local run: same model, same "
                    + "file, same card.",
                    "A shared-layout folder, a wide or long CSV and the stream's archive are streamed: this JVM "
                            + "reads the history row by row and never holds it (the rows wait on its local disk; a "
                            + "long CSV or archive is first parsed into hourly spool files). With a model in service "
                            + "the promotion gate's figures are collected on the way; of the window it keeps only "
                            + "the held-out block and the day before it. Other layouts (.h5, .npz, a live feed) are "
                            + "loaded here first.",
                    "Default: none, the zones are fitted in this JVM."})
    String flink;

    @Option(names = "--work-dir", paramLabel = "DIR|URI",
            description = "With --flink: where the zone histories and fitted zone parts go; every TaskManager must "
                    + "read and write it: a shared mount, or an hdfs:// / s3:// URI that the cluster's file systems "
                    + "serve (default: REGISTRY/.work, removed after each run).")
    String workDir;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "0",
            description = "With --flink: zones fitted at once (default: every free slot of the cluster).")
    int parallelism;

    /** The cluster's REST address; null = fit in this JVM. */
    public String flink() {
        return flink;
    }

    /** Where the cluster's fit tasks share files: {@code --work-dir}, else the registry's {@code .work} folder. */
    public String workDir(Path registry) {
        return workDir != null ? workDir : registry.resolve(".work").toAbsolutePath().toUri().toString();
    }

    /** Zones fitted at once; 0 = every free slot. */
    public int parallelism() {
        return parallelism;
    }

    /** The trainer these options name: the cluster's, or {@link Trainer#LOCAL} without --flink. */
    public Trainer trainer(Path registry) {
        return flink == null ? Trainer.LOCAL : ClusterTrainer.load().on(flink, workDir(registry), parallelism);
    }
}
