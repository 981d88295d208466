package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code upcall doctor}: one line per channel, available or not and exactly why. */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Checks each channel on this machine: one line per channel, available or not, and exactly why.",
                "Exit status 0 when every channel is available, 1 otherwise.", ""})
final class DoctorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Availability> checks = Upcall.checkSources();
        boolean all = true;
        for (Availability a : checks) {
            out.printf("%-8s %-13s %s%n", a.source(), a.available() ? "available" : "UNAVAILABLE", a.detail());
            all &= a.available();
        }
        out.flush();
        return all ? 0 : 1;
    }
}
