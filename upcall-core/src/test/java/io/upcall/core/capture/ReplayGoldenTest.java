package io.upcall.core.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.GoldenUpdate;
import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import io.upcall.protocol.pcap.CaptureReader;
import io.upcall.protocol.pcap.NetlinkCookedHeader;
import io.upcall.protocol.pcap.Pcapng;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Captures replayed through {@link CaptureReplay}, compared with reviewed JSON Lines
 * ({@code fixtures/replay/<case>.golden.jsonl}; a read error is the last line, as {@code # error: ...}).
 * {@code procs-recorded.pcapng}, {@code uevents-recorded.pcapng} and {@code udev-recorded.pcapng} (with
 * {@code --udev}, beside a systemd-udevd 252 run with no rules in a private mount namespace) were written by
 * {@code upcall record} on this
 * kernel; {@code all-types.pcapng}, {@code forged-sender.pcapng} and {@code forged-uevent.pcapng} are built here
 * from captured datagrams.
 * Regenerate with {@code -Dupcall.golden.update=true} and review the diff: in that mode a fixture that changed
 * fails its test (after it is written) and one that did not is skipped, so an update run never counts as a pass;
 * without it, a missing capture or golden file is a failure, and nothing is written.
 */
class ReplayGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/replay");
    private static final Path PROC = Path.of("src/test/resources/fixtures/proc");
    private static final boolean UPDATE = Boolean.getBoolean("upcall.golden.update");
    private static final long BASE = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z

    @BeforeAll
    static void buildSyntheticCaptures() throws IOException {
        if (UPDATE) {
            List<String> cases = List.of("ack", "fork", "exec", "exit_status_7", "exit_sigkill", "exit_sigsegv", "fork_thread",
                    "exit_thread", "uid", "gid", "sid", "comm", "ptrace_attach", "ptrace_detach", "coredump");
            ByteArrayOutputStream all = header();
            for (int i = 0; i < cases.size(); i++) {
                packet(all, BASE + i * 1000L, 0, Files.readAllBytes(PROC.resolve(cases.get(i) + ".bin")));
            }
            Files.write(DIR.resolve("all-types.pcapng"), all.toByteArray());
            ByteArrayOutputStream forged = header();
            packet(forged, BASE, 4242, Files.readAllBytes(PROC.resolve("exit_status_7.bin")));
            packet(forged, BASE + 1, 0, Files.readAllBytes(PROC.resolve("exec.bin")));
            Files.write(DIR.resolve("forged-sender.pcapng"), forged.toByteArray());
            // The first recorded uevent, sent again by port 4242 on the kernel's group: a forgery, as CVE-2009-1185.
            CaptureReader uevents = new CaptureReader(Files.readAllBytes(DIR.resolve("uevents-recorded.pcapng")));
            CaptureReader.Packet first = uevents.next();
            byte[] uevent = Arrays.copyOfRange(first.data(), first.offset() + NetlinkCookedHeader.SIZE, first.offset() + first.length());
            ByteArrayOutputStream forgedUevent = header();
            packet(forgedUevent, BASE, 4242, 15, 1, uevent);
            packet(forgedUevent, BASE + 1, 0, 15, 1, uevent);
            Files.write(DIR.resolve("forged-uevent.pcapng"), forgedUevent.toByteArray());
        }
    }

    private static ByteArrayOutputStream header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Pcapng.sectionHeader("upcall golden fixture"));
        out.writeBytes(Pcapng.interfaceDescription(Pcapng.LINKTYPE_NETLINK, 65535, "netlink"));
        return out;
    }

    private static void packet(ByteArrayOutputStream out, long nanos, int sender, byte[] datagram) {
        packet(out, nanos, sender, 11, sender == 0 ? 1 : 0, datagram);
    }

    private static void packet(ByteArrayOutputStream out, long nanos, int sender, int family, int groups, byte[] datagram) {
        byte[] h = NetlinkCookedHeader.encode(family, sender, groups);
        byte[] p = new byte[h.length + datagram.length];
        System.arraycopy(h, 0, p, 0, h.length);
        System.arraycopy(datagram, 0, p, h.length, datagram.length);
        out.writeBytes(Pcapng.enhancedPacket(0, nanos, p, 0, p.length));
    }

    /** Every case that has a capture or a golden file: one without the other fails rather than drops out. */
    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcapng") || n.endsWith(".golden.jsonl"))
                    .map(n -> n.substring(0, n.indexOf('.'))).distinct().sorted().toList().stream();
        }
    }

    /** Every channel with its defaults; the proc channel with {@code proc}. */
    static String replay(byte[] capture, ProcOptions proc) {
        StringBuffer out = new StringBuffer();
        CaptureReplay.Summary s;
        try {
            s = Upcall.builder().allSources(0).source(proc.withProcessContext(false))
                    .subscribe((e, end) -> out.append(JsonEventWriter.toJson(e)).append('\n'))
                    .errorHandler((w, t) -> out.append("# ").append(w).append(": ").append(t.getMessage()).append('\n'))
                    .replay(capture, () -> false);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (s.error() != null) {
            out.append("# error: ").append(s.error()).append('\n');
        }
        return out.toString();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void replaysAsReviewed(String name) throws IOException {
        Path capture = DIR.resolve(name + ".pcapng");
        assertThat(capture).as("the capture of case %s", name).isRegularFile();
        String actual = replay(Files.readAllBytes(capture), ProcOptions.defaults());
        Path golden = DIR.resolve(name + ".golden.jsonl");
        if (UPDATE) {
            GoldenUpdate.write(golden, actual);
        }
        assertThat(golden).as("the golden file of case %s (write it with -Dupcall.golden.update=true and review it)", name)
                .isRegularFile();
        assertThat(actual).isEqualTo(Files.readString(golden));
    }

    @Test
    void replayingTwiceGivesTheSameBytes() throws IOException {
        byte[] capture = Files.readAllBytes(DIR.resolve("procs-recorded.pcapng"));
        assertThat(replay(capture, ProcOptions.defaults())).isEqualTo(replay(capture, ProcOptions.defaults()));
    }

    /** Recorded beside a real systemd-udevd 252 (no rules, private mount namespace): its libudev messages. */
    @Test
    void udevsReBroadcastDecodesWithItsOwnProperties() throws IOException {
        String out = replay(Files.readAllBytes(DIR.resolve("udev-recorded.pcapng")), ProcOptions.defaults());
        List<String> udev = out.lines().filter(l -> l.contains("\"udev\":true")).toList();
        assertThat(udev).hasSize(3);
        assertThat(out.lines().filter(l -> l.contains("\"udev\":false"))).hasSize(3);
        assertThat(udev).allMatch(l -> l.contains("\"USEC_INITIALIZED\":") && l.contains("\"UDEV_DATABASE_VERSION\":\"1\""));
        assertThat(udev.getLast()).contains("\"synth_uuid\":\"3f1f1a7e-0c3a-4c7e-9b1a-2f6c0d5e8a11\"",
                "\"SYNTH_ARG_UPCALLTEST\":\"1\"", "\"seqnum\":5701057");
        assertThat(out).doesNotContain("\"type\":\"rejected\"", "\"type\":\"malformed\"");
    }

    @Test
    void aForgedSenderIsRejectedAsLive() throws IOException {
        String out = replay(Files.readAllBytes(DIR.resolve("forged-sender.pcapng")), ProcOptions.defaults());
        assertThat(out.lines().toList()).hasSize(2);
        assertThat(out.lines().findFirst().orElseThrow()).contains("\"type\":\"rejected\"", "\"sender_port\":4242");
        assertThat(out).doesNotContain("\"type\":\"exit\"");
    }

    @Test
    void aForgedUeventIsRejectedAsLive() throws IOException {
        List<String> out = replay(Files.readAllBytes(DIR.resolve("forged-uevent.pcapng")), ProcOptions.defaults()).lines().toList();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).contains("\"type\":\"rejected\"", "\"channel\":\"device\"", "\"sender_port\":4242");
        assertThat(out.get(1)).contains("\"source\":\"device\"", "\"devpath\":\"/devices/virtual/net/lo\"");
    }

    @Test
    void aTruncatedCaptureGivesWhatItHoldsAndSaysWhere() throws IOException {
        String out = replay(Files.readAllBytes(DIR.resolve("procs-truncated.pcapng")), ProcOptions.defaults());
        assertThat(out.lines().toList().getLast()).startsWith("# error: truncated block").contains("at byte");
        assertThat(out.lines().filter(l -> l.startsWith("{")).count()).isEqualTo(19);
    }

    @Test
    void filtersApplyAsLive() throws IOException {
        byte[] capture = Files.readAllBytes(DIR.resolve("all-types.pcapng"));
        String exits = replay(capture, ProcOptions.defaults().withEvents(java.util.Set.of(ProcEventType.EXIT)));
        // The synthetic capture's sequence numbers jump, so loss reports (never filtered) come through too.
        assertThat(exits.lines().filter(l -> l.contains("\"source\":\"proc\"")).toList()).hasSize(4)
                .allSatisfy(l -> assertThat(l).contains("\"type\":\"exit\""));
        assertThat(exits.lines().filter(l -> !l.contains("\"source\":\"proc\"")).toList())
                .allSatisfy(l -> assertThat(l).contains("\"type\":\"loss\""));
    }
}
