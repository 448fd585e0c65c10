package roadcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code ./roadcast COMMAND --help} explains every option of every subcommand: each is named in one style
 * ({@code --kebab-case}, or a single letter) and its description says what happens when it is left out (its default,
 * or that it is required); on/off flags are off unless given, which needs no saying.
 */
class HelpTest {

    @Test
    void everyOptionOfEverySubcommandIsKebabCaseAndNamesItsDefault() {
        CommandLine root = new CommandLine(new Roadcast());
        List<String> problems = new ArrayList<>();
        int options = check(root, problems);
        assertTrue(options > 100, "options checked: " + options);
        assertEquals(List.of(), problems, problems.size() + " option(s) to fix");
    }

    @Test
    void eachSubcommandsHelpPrintsWithoutError() {
        CommandLine root = new CommandLine(new Roadcast());
        for (var e : root.getSubcommands().entrySet()) {
            String usage = e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertTrue(usage.contains("Usage: roadcast " + e.getKey()), usage);
        }
    }

    /**
     * A description is a format string: a lone {@code %} ("the last 20% of the steps") makes picocli print a warning
     * on stderr before every help page and show the text raw. Rendered with stderr captured, no page may warn.
     */
    @Test
    void noHelpPageWarnsAboutItsFormat() {
        CommandLine root = new CommandLine(new Roadcast());
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            renderAll(root);
        } finally {
            System.setErr(stderr);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertEquals("", warnings, "help pages printed warnings");
    }

    private static void renderAll(CommandLine cmd) {
        cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (CommandLine sub : cmd.getSubcommands().values()) {
            renderAll(sub);
        }
    }

    private static int check(CommandLine cmd, List<String> problems) {
        int count = 0;
        String name = cmd.getCommandSpec().qualifiedName();
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp() || o.hidden()) {
                continue;
            }
            count++;
            for (String n : o.names()) {
                if (!n.matches("--[a-z0-9]+(-[a-z0-9]+)*|-[a-zA-Z]")) {
                    problems.add(name + " " + n + ": not --kebab-case");
                }
            }
            String text = String.join(" ", o.description()).toLowerCase(Locale.ROOT);
            if (text.isBlank()) {
                problems.add(name + " " + o.longestName() + ": no description");
            } else if (!o.required() && !o.typeInfo().isBoolean() && !text.contains("default")) {
                problems.add(name + " " + o.longestName() + ": --help does not say its default");
            }
        }
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                count += check(sub, problems);
            }
        }
        return count;
    }
}
