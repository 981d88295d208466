package io.upcall.core.hotplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.device.DeviceEvent;
import io.upcall.core.device.DeviceOptions;
import io.upcall.core.event.Event;
import io.upcall.core.event.RejectedEvent;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hotplug rules against the running kernel: a synthetic uevent on {@code lo} runs the rules' script with the
 * argv and environment of the contract, and its outcome is in the stream; a uevent forged from user space is
 * rejected and runs nothing. Rules match this test's own {@code SYNTH_UUID}, so other uevents never fire them.
 * Both uevents reach every uevent listener on the host, so both are {@code change} events on {@code lo}, which no one
 * acts on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HotplugKernelIT {
    private static final Path LO = Path.of("/sys/class/net/lo/uevent");
    /** Writes its argv, one per line, then its environment, to {@code $0.$1.out} (so each rule has its own file). */
    private static final String RECORDER = "#!/bin/sh\nout=\"$0.$1.out\"\n{ for a in \"$0\" \"$@\"; do echo \"ARG=$a\"; done; "
            + "env; } > \"$out.tmp\" && mv \"$out.tmp\" \"$out\"\n";

    @TempDir
    Path dir;

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private Upcall start(HotplugRule... rules) throws LinuxException {
        assumeTrue(Files.isWritable(LO), "needs root to write " + LO);
        return Upcall.builder().source(DeviceOptions.defaults()).react(HotplugRunner.of(HotplugRules.of(rules)))
                .subscribe((e, end) -> events.add(e)).start();
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    /** Waits (bounded by count and time) for an event that satisfies {@code wanted}; null when none came. */
    private Event await(Predicate<Event> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; i < 100_000 && System.nanoTime() < deadline; i++) {
            Event e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null && wanted.test(e)) {
                return e;
            }
        }
        return null;
    }

    private static Predicate<Event> outcomeOf(int rule, long seqnum) {
        return e -> e instanceof ActionEvent a && a.rule() == rule && a.seqnum() == seqnum;
    }

    @Test
    void aSyntheticUeventRunsTheRulesWithTheHotplugArgvAndEnvironment() throws Exception {
        String uuid = UUID.randomUUID().toString();
        Path recorder = script("recorder", RECORDER);
        try (Upcall _ = start(
                HotplugRule.builder().name("program-only").action("change").subsystem("net").devpath("/devices/virtual/net/*")
                        .env("SYNTH_UUID", uuid).env("SYNTH_ARG_UPCALLTEST", "1").run(recorder.toString()).build(),
                HotplugRule.builder().name("explicit").env("SYNTH_UUID", uuid)
                        .run(recorder.toString(), "explicit", "two words").build())) {
            Files.writeString(LO, "change " + uuid + " UPCALLTEST=1");
            DeviceEvent uevent = (DeviceEvent) await(e -> e instanceof DeviceEvent d && uuid.equals(d.uevent().env().get("SYNTH_UUID")));
            assertThat(uevent).as("the synthetic uevent came back").isNotNull();
            long seqnum = uevent.uevent().seqnum();
            ActionEvent first = (ActionEvent) await(outcomeOf(1, seqnum));
            ActionEvent second = (ActionEvent) await(outcomeOf(2, seqnum));
            assertThat(first).isNotNull();
            assertThat(second).isNotNull();
            assertThat(first.exitStatus()).as(first.toString()).isZero();
            assertThat(first.succeeded()).isTrue();
            assertThat(first.ruleName()).isEqualTo("program-only");
            assertThat(second.exitStatus()).as(second.toString()).isZero();
            assertThat(JsonEventWriter.toJson(first)).contains("\"type\":\"action\"", "\"exit_status\":0", "\"rule\":1",
                    "\"devpath\":\"/devices/virtual/net/lo\"");

            List<String> programOnly = Files.readAllLines(dir.resolve("recorder.net.out"));
            assertThat(programOnly.stream().filter(l -> l.startsWith("ARG="))).as("/sbin/hotplug's argv: the subsystem")
                    .containsExactly("ARG=" + recorder, "ARG=net");
            assertThat(programOnly).contains("ACTION=change", "DEVPATH=/devices/virtual/net/lo", "SUBSYSTEM=net",
                    "SEQNUM=" + seqnum, "SYNTH_UUID=" + uuid, "SYNTH_ARG_UPCALLTEST=1", "INTERFACE=lo", "IFINDEX=1");
            List<String> explicit = Files.readAllLines(dir.resolve("recorder.explicit.out"));
            assertThat(explicit.stream().filter(l -> l.startsWith("ARG="))).as("argv exactly as listed")
                    .containsExactly("ARG=" + recorder, "ARG=explicit", "ARG=two words");
            assertThat(explicit).contains("ACTION=change", "SEQNUM=" + seqnum, "SYNTH_UUID=" + uuid);
        }
    }

    @Test
    void aForgedUeventIsRejectedAndRunsNoRuleWhileAGenuineOneDoes() throws Exception {
        String uuid = UUID.randomUUID().toString();
        Path marker = dir.resolve("fired");
        Path hook = script("hook", "#!/bin/sh\necho \"$ACTION $SEQNUM\" >> \"" + marker + "\"\n");
        try (Upcall _ = start(HotplugRule.builder().action("add", "change").env("SYNTH_UUID", uuid).run(hook.toString()).build());
                NetlinkSocket forger = NetlinkSocket.open(NetlinkSocket.NETLINK_KOBJECT_UEVENT)) {
            forger.bind(0);
            KernelTests.forgeUevent(forger, uuid);
            int forgerPort = forger.portId();
            assertThat(await(e -> e instanceof RejectedEvent r && r.senderPort() == forgerPort)).as("rejected").isNotNull();
            assertThat(events).noneMatch(e -> e instanceof ActionEvent || e instanceof DeviceEvent d
                    && uuid.equals(d.uevent().env().get("SYNTH_UUID")));
            assertThat(marker).doesNotExist();

            // A genuine uevent with the same SYNTH_UUID fires the rule: the one above would have, had it got through.
            Files.writeString(LO, "change " + uuid);
            ActionEvent genuine = (ActionEvent) await(e -> e instanceof ActionEvent);
            assertThat(genuine).isNotNull();
            assertThat(genuine.action()).isEqualTo("change");
            assertThat(genuine.exitStatus()).isZero();
            // Per device in SEQNUM order: had the forged change (SEQNUM=1) run, it would be in the marker first.
            assertThat(Files.readAllLines(marker)).containsExactly("change " + genuine.seqnum());
        }
    }
}
