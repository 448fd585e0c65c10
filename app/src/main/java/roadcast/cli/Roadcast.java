package roadcast.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of {@code ./roadcast}: every subcommand of every module, one help page. */
@Command(name = "roadcast", mixinStandardHelpOptions = true, version = "roadcast 0.1.0",
        description = "Real-time road-traffic forecasting: train manifold models offline, forecast a live feed on Flink.",
        subcommands = {CommandLine.HelpCommand.class})
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
