package io.upcall.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code upcall jobs}: ELSA-style job accounting on taskstats and the proc connector. */
@Command(name = "jobs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {JobsRunCommand.class, JobsAddCommand.class},
        description = {"Job accounting: a job is a process and all its descendants by fork lineage (setsid, double forks "
                + "and reparenting to init do not escape), accounted from the kernel's exit records. Needs root.", ""})
final class JobsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main parent;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: run, add");
    }
}
