package io.upcall.cli;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.acct.AcctChannel;
import io.upcall.core.capture.CaptureReplay;
import io.upcall.core.event.LossEvent;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upcall acct report FILE|-}: totals over accounting records, like {@code sa} and CSA's {@code ja}. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Totals over accounting records, like sa (by command or user) and CSA's ja (by job): count, CPU "
                + "user and system, elapsed time, I/O bytes, the largest RSS, faults. FILE is JSON Lines (upcall acct "
                + "--json, upcall jobs run --json; - reads standard input) or a capture (upcall record --sources acct), "
                + "replayed through the same decoder as live input. Loss reports in the input are counted: totals "
                + "over a stream that lost records are short by them.", ""},
        footer = {"", "Examples:", "  upcall acct --json --duration 1h > day.jsonl; upcall acct report day.jsonl",
                "  upcall acct report --by user --json day.jsonl", "  cat jobs.jsonl | upcall acct report --by job -"})
final class AcctReportCommand implements Callable<Integer> {
    /** The first bytes of a pcapng section header block, and of classic pcap files (both byte orders, µs and ns). */
    private static final int PCAPNG = 0x0a0d0d0a;
    private static final int[] PCAP = {0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    AcctCommand acct;

    @Parameters(paramLabel = "FILE", description = "JSON Lines or a capture; - for standard input.")
    String file;

    @Option(names = "--by", paramLabel = "KEY", description = "Group by command (default), user or job.")
    String by = "command";

    @Option(names = "--json", description = "One JSON line per group, then the total (group null); docs/events.md.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        AcctReport.By key;
        try {
            key = AcctReport.By.valueOf(by.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--by " + by + ": give command, user or job");
        }
        AcctReport report = new AcctReport(key);
        byte[] input;
        try {
            input = "-".equals(file) ? System.in.readAllBytes() : read(Path.of(file));
        } catch (IOException e) {
            err.println("upcall: " + Printable.escape(Errors.cannotRead(Path.of(file), e)));
            return 1;
        }
        if (isCapture(input)) {
            CaptureReplay.Summary summary = Upcall.builder().allSources(0).subscribe((event, end) -> {
                if (event.source().equals(AcctChannel.NAME) || event instanceof LossEvent) {
                    report.accept(JsonLine.object(JsonEventWriter.toJson(event)));
                }
            }).replay(input, () -> false);
            if (summary.error() != null) {
                err.println("upcall: " + Printable.escape(file) + ": " + summary.error());
                return 1;
            }
        } else {
            lines(input, report);
        }
        if (report.malformed() > 0) {
            err.println("upcall: " + Printable.escape(file) + ": " + report.malformed() + " lines are not JSON objects (first: "
                    + Printable.escape(report.firstMalformed()) + "); they are left out");
        }
        if (report.lossReports() > 0) {
            err.println("upcall: warning: the input reports " + report.lossReports() + " losses (at least " + report.losses()
                    + " events): the totals miss those records");
        }
        if (report.records() == 0) {
            err.println("upcall: " + Printable.escape(file) + ": no " + (key == AcctReport.By.JOB
                    ? "job records (type job, from upcall jobs run --json)" : "exit records (source acct, type exit)")
                    + " in it");
        }
        var out = acct.parent.out();
        out.write((json ? report.json() : report.table()).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return report.malformed() > 0 && report.records() == 0 ? 1 : 0;
    }

    private static byte[] read(Path path) throws IOException {
        long size = Files.size(path);
        long limit = Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 2);
        if (size > limit) {
            throw new IOException(size + " bytes, more than the " + limit + " a report reads into memory here");
        }
        return Files.readAllBytes(path);
    }

    static boolean isCapture(byte[] input) {
        if (input.length < 4) {
            return false;
        }
        int magic = ((input[0] & 0xff) << 24) | ((input[1] & 0xff) << 16) | ((input[2] & 0xff) << 8) | (input[3] & 0xff);
        if (magic == PCAPNG) {
            return true;
        }
        for (int m : PCAP) {
            if (magic == m) {
                return true;
            }
        }
        return false;
    }

    static void lines(byte[] input, AcctReport report) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(input),
                StandardCharsets.UTF_8))) {
            long number = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                report.line(line, ++number);
            }
        }
    }
}
