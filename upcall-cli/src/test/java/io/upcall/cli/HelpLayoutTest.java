package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help as an 80-column terminal shows it: examples that do not wrap into column 0, paths that are not cut. */
class HelpLayoutTest {
    private static List<CommandLine> everyCommand(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!all.contains(sub) && !sub.getCommandName().equals("help")) {
                all.addAll(everyCommand(sub));
            }
        }
        return all.stream().distinct().toList();
    }

    private static String help(CommandLine command) {
        // Main asks for the terminal's width; with none (a pipe) picocli uses 80, which this test sets to be sure.
        command.setUsageHelpAutoWidth(false);
        command.setUsageHelpWidth(80);
        StringWriter out = new StringWriter();
        command.usage(new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void everyLineFitsEightyColumnsAndExamplesStayIndented() {
        List<CommandLine> commands = everyCommand(Main.commandLine(new ByteArrayOutputStream()));
        assertThat(commands).hasSizeGreaterThanOrEqualTo(12);
        for (CommandLine command : commands) {
            String help = help(command);
            String name = command.getCommandSpec().qualifiedName();
            assertThat(help.lines()).as("%s --help", name).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
            int examples = help.indexOf("\nExamples:\n");
            if (examples >= 0) {
                assertThat(help.substring(examples + 11).lines().filter(l -> !l.isEmpty()))
                        .as("%s: examples in column 2, none wrapped into column 0", name).allMatch(l -> l.startsWith("  "));
            }
        }
    }

    @Test
    void noWordIsCutAtADot() {
        for (CommandLine command : everyCommand(Main.commandLine(new ByteArrayOutputStream()))) {
            List<String> lines = help(command).lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                // "relay." then "sock)." on the next line: a path or an identifier cut where a sentence does not end.
                // (A line of the command table, "  procs    Process events...", is no continuation.)
                String next = lines.get(i + 1).strip();
                assertThat(lines.get(i).matches(".*[a-z_]\\.$") && next.matches("[a-z_]+\\b.*") && !next.matches("[a-z-]+ {2,}.*"))
                        .as("%s: '%s' / '%s'", command.getCommandSpec().qualifiedName(), lines.get(i), lines.get(i + 1)).isFalse();
            }
        }
    }

    @Test
    void theRelaySocketPathIsWhole() {
        CommandLine root = Main.commandLine(new ByteArrayOutputStream());
        assertThat(help(root.getSubcommands().get("monitor"))).contains("/run/upcall/relay.sock");
        assertThat(help(root.getSubcommands().get("relay").getSubcommands().get("serve"))).contains("/run/upcall/relay.sock");
    }
}
