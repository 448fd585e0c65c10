package roadcast.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import roadcast.benchmark.BenchForecastCommand;
import roadcast.benchmark.BenchmarkCommand;
import roadcast.benchmark.ZoningByPeriodCommand;
import roadcast.chaos.ChaosCommand;
import roadcast.cluster.ClusterCommand;
import roadcast.datasets.LoadBenchmarkCommand;
import roadcast.demo.BenchStreamCommand;
import roadcast.fuzz.FuzzCommand;
import roadcast.demo.DemoCommand;
import roadcast.replay.ReplayCommand;
import roadcast.retrain.RetrainCommand;
import roadcast.review.ModelsCommand;
import roadcast.stream.StreamCommand;
import roadcast.synthetic.GenerateCommand;
import roadcast.train.TrainCommand;
import roadcast.trainjob.BenchTrainCommand;

/** The root of {@code ./roadcast}: every subcommand of every module, one help page. */
@Command(name = "roadcast", mixinStandardHelpOptions = true, version = "roadcast 0.1.0",
        description = "Real-time road-traffic forecasting: train manifold models offline, forecast a live feed on Flink.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            RetrainCommand.class,
            ModelsCommand.class,
            BenchmarkCommand.class,
            GenerateCommand.class,
            ReplayCommand.class,
            StreamCommand.class,
            BenchForecastCommand.class,
            ZoningByPeriodCommand.class,
            BenchStreamCommand.class,
            FuzzCommand.class,
            ChaosCommand.class,
            LoadBenchmarkCommand.class,
            ClusterCommand.class,
            BenchTrainCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"",
            "  serve           Online store, HTTP API and dashboard, in its own JVM",
            "                    (RocksDB must not share Flink's classpath).",
            "",
            "First run: ./roadcast demo    Tests: mvn -B verify"})
public final class Roadcast implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Roadcast()).execute(args));
    }
}
