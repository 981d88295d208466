package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.capture.PcapngRecorder;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import io.upcall.core.channel.Channels;
import io.upcall.core.device.DeviceOptions;
import io.upcall.core.file.FileChannel;
import io.upcall.core.file.FileOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upcall record FILE}: raw kernel messages to pcapng, for replay, bug reports and Wireshark. */
@Command(name = "record", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Records the raw kernel messages of the chosen sources to FILE (pcapng, LINKTYPE_NETLINK; "
                + "see docs/capture-format.md), exactly as received, until --count, --duration, SIGINT or SIGTERM.", ""},
        footer = {"", "Examples:",
                "  upcall record procs.pcapng --count 50",
                "  upcall replay procs.pcapng --json",
                "  upcall record files.pcapng --files /etc --duration 60s",
                "  tshark -r procs.pcapng"})
final class RecordCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The pcapng file to write (replaced if it exists).")
    Path file;

    @Option(names = "--sources", paramLabel = "SOURCE[,SOURCE...]", description = "Channels to record (default: proc, or file "
            + "with --files alone); upcall doctor lists them.")
    List<String> sources;

    @Option(names = "--udev", description = "With the device source, also udev's re-broadcast (group 2, libudev format).")
    boolean udev;

    @CommandLine.Mixin
    FilesOption files = new FilesOption();

    /** --count N stops right after the messages that make N events of the replay. */
    @CommandLine.Mixin
    StopOptions stop = new StopOptions();

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<Channel<?>> channels = new ArrayList<>();
        List<String> chosen = sources != null ? sources : List.of(files.files != null ? "file" : "proc");
        for (String s : CommaLists.split(chosen, "--sources", "channels such as proc,device", spec.commandLine())) {
            channels.add(Channels.named(s).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "--sources: unknown source '" + s + "'; this version records: " + Channels.names())));
        }
        FileOptions fileOptions = files.options(spec.commandLine());
        boolean fileChosen = channels.stream().anyMatch(c -> c.name().equals(FileChannel.NAME));
        if (fileOptions != null && !fileChosen) {
            channels.add(FileChannel.INSTANCE); // --files means the file channel
        }
        if (fileOptions == null && fileChosen) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sources file needs --files PATH: fanotify "
                    + "reports only what is marked");
        }
        StreamRunner runner = new StreamRunner(err);
        String version = new Main.Version().getVersion()[0];
        PcapngRecorder recorder;
        try {
            recorder = new PcapngRecorder(Files.newOutputStream(file), version, stop.count == null ? 0 : stop.count,
                    runner::stop);
        } catch (IOException e) {
            err.println("upcall: " + Printable.escape(Errors.cannotWrite(file, e)));
            return 1;
        }
        Upcall.Builder builder = Upcall.builder().rawTap(recorder);
        for (Channel<?> c : channels) {
            ChannelOptions options = c.defaults().withReceiveBuffer(buffer.receiveBuffer);
            builder.source(options instanceof DeviceOptions d ? d.withUdev(udev)
                    : options instanceof FileOptions ? fileOptions : options);
        }
        int status = runner.run(builder, stop.duration, "record", new StreamRunner.Session() {
            @Override
            public int started(Upcall upcall) {
                // A crash or a second kill loses at most the last second of the recording.
                Thread.ofPlatform().daemon().name("upcall-record-flush").start(recorder::flushEverySecond);
                return 0;
            }
        });
        try {
            recorder.close();
        } catch (IOException e) {
            err.printf("upcall: cannot write %s: %s; the file holds the first %d messages (%d events)%n",
                    Printable.escape(file.toString()),
                    IoReasons.reason(e), recorder.packets(), recorder.events());
            err.flush();
            return 1;
        }
        if (status == 0) {
            err.printf("upcall: recorded %d messages (%d events) to %s%n", recorder.packets(), recorder.events(),
                    Printable.escape(file.toString()));
            err.flush();
        }
        return status;
    }
}
