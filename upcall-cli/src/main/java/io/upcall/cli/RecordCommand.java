package io.upcall.cli;

import io.upcall.core.DeviceOptions;
import io.upcall.core.PcapngRecorder;
import io.upcall.core.ProcOptions;
import io.upcall.core.Upcall;
import io.upcall.linux.LinuxException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
                "  tshark -r procs.pcapng"})
final class RecordCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The pcapng file to write (replaced if it exists).")
    Path file;

    @Option(names = "--sources", split = ",", paramLabel = "SOURCE", description = "Sources to record: proc, device (default: proc).")
    List<String> sources = List.of("proc");

    @Option(names = "--udev", description = "With the device source, also udev's re-broadcast (group 2, libudev format).")
    boolean udev;

    /** --count N stops right after the messages that make N events of the replay. */
    @CommandLine.Mixin
    StopOptions stop = new StopOptions();

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        for (String s : sources) {
            if (!s.equals("proc") && !s.equals("device")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown source '" + s
                        + "'; this version records: proc, device");
            }
        }
        CountDownLatch done = new CountDownLatch(1);
        Terminals.onTerminationSignals(done::countDown);
        String version = new Main.Version().getVersion()[0];
        try (OutputStream file = Files.newOutputStream(this.file);
                PcapngRecorder recorder = new PcapngRecorder(file, version, stop.count == null ? 0 : stop.count, done::countDown)) {
            Upcall upcall;
            try {
                Upcall.Builder builder = Upcall.builder()
                        .processContext(false)
                        .rawTap(recorder)
                        .errorHandler((where, e) -> err.println("upcall: " + where + ": " + Printable.escape(e.getMessage())));
                if (sources.contains("proc")) {
                    builder.proc(ProcOptions.defaults().withReceiveBuffer(buffer.receiveBuffer));
                }
                if (sources.contains("device")) {
                    DeviceOptions d = DeviceOptions.defaults();
                    builder.devices(new DeviceOptions(d.subsystems(), d.devtype(), d.actions(), udev, buffer.receiveBuffer));
                }
                upcall = builder.start();
            } catch (LinuxException e) {
                err.println("upcall: cannot listen: " + e.getMessage());
                return 1;
            }
            upcall.warnings().forEach(w -> err.println("upcall: warning: " + w));
            err.flush();
            try {
                if (stop.duration != null) {
                    done.await(stop.duration.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    done.await();
                }
            } finally {
                upcall.close();
            }
            err.printf("upcall: recorded %d messages (%d events) to %s%n", recorder.packets(), recorder.events(), this.file);
        } catch (IOException e) {
            err.println("upcall: cannot write " + Printable.escape(file + ": " + e.getMessage()));
            return 1;
        }
        return 0;
    }
}
