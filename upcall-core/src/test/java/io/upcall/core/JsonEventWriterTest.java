package io.upcall.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upcall.core.device.DeviceEvent;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.proc.ProcessInfo;
import io.upcall.protocol.cnproc.ProcEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonEventWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-28T22:25:27.000000042Z");

    private static JsonNode parse(Event e) throws Exception {
        return JSON.readTree(JsonEventWriter.toJson(e));
    }

    @Test
    void writesTheCommonFieldsFirstWithNanosecondTime() {
        String line = JsonEventWriter.toJson(new ProcessEvent(T, new ProcEvent.Exec(1, 0, 0, 42, 42), null));
        assertThat(line).isEqualTo("{\"time\":\"2026-11-28T22:25:27.000000042Z\",\"source\":\"proc\",\"type\":\"exec\","
                + "\"cpu\":1,\"pid\":42,\"tgid\":42}");
    }

    @Test
    void writesAnExitByStatusOrBySignal() throws Exception {
        JsonNode normal = parse(new ProcessEvent(T, new ProcEvent.Exit(0, 0, 0, 9, 9, 7 << 8, 17, 1, 1), null));
        assertThat(normal.get("status").asInt()).isEqualTo(7);
        assertThat(normal.has("signal")).isFalse();
        assertThat(normal.get("exit_code").asInt()).isEqualTo(1792);

        JsonNode killed = parse(new ProcessEvent(T, new ProcEvent.Exit(0, 0, 0, 9, 9, 9, 17, 1, 1), null));
        assertThat(killed.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(killed.has("status")).isFalse();
        assertThat(killed.get("core_dumped").asBoolean()).isFalse();
    }

    @Test
    void escapesStringsAndKeepsUnicode() throws Exception {
        ProcessInfo p = new ProcessInfo(5, 1, "tab\there", "/bin/\"q\"", "echo \\ \u0001 \u00e9\u4e2d\ud83d\ude00", 1000, null,
                List.of(new ProcessInfo.Ancestor(1, "init")));
        JsonNode n = parse(new ProcessEvent(T, new ProcEvent.Sid(0, 0, 0, 5, 5), p));
        JsonNode process = n.get("process");
        assertThat(process.get("comm").asText()).isEqualTo("tab\there");
        assertThat(process.get("exe").asText()).isEqualTo("/bin/\"q\"");
        assertThat(process.get("cmdline").asText()).isEqualTo("echo \\ \u0001 \u00e9\u4e2d\ud83d\ude00");
        assertThat(process.get("user").isNull()).isTrue();
        assertThat(process.get("ancestors").get(0).get("comm").asText()).isEqualTo("init");
    }

    @Test
    void writesLossWithANullCountWhenTheKernelDoesNotSay() throws Exception {
        JsonNode unknown = parse(new LossEvent(T, "proc", LossEvent.UNKNOWN, "ENOBUFS"));
        assertThat(unknown.get("source").asText()).isEqualTo("upcall");
        assertThat(unknown.get("type").asText()).isEqualTo("loss");
        assertThat(unknown.get("count").isNull()).isTrue();
        assertThat(parse(new LossEvent(T, "proc", 12, "gap")).get("count").asLong()).isEqualTo(12);
    }

    @Test
    void buffersLinesUntilFlushed() throws Exception {
        JsonEventWriter w = new JsonEventWriter();
        for (int i = 0; i < 1000; i++) {
            w.write(new ProcessEvent(T.plusSeconds(i), new ProcEvent.Fork(0, 0, 0, 1, 1, 2 + i, 2 + i), null));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.flushTo(out);
        assertThat(w.pendingBytes()).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1000);
        assertThat(JSON.readTree(lines.get(999)).get("time").asText()).isEqualTo("2026-11-28T22:42:06.000000042Z");
        assertThat(JSON.readTree(lines.get(999)).get("child_pid").asInt()).isEqualTo(1001);
    }

    @Test
    void reusesTheEncodedProcessOnlyForTheSameProcess() throws Exception {
        ProcessInfo a = new ProcessInfo(5, 1, "a", "/bin/a", "a -x", 0, "root", List.of());
        ProcessInfo b = new ProcessInfo(6, 1, "b", "/bin/b", "b -y", 1000, "alice", List.of());
        JsonEventWriter w = new JsonEventWriter();
        w.write(new ProcessEvent(T, new ProcEvent.Exec(0, 0, 0, 5, 5), a));
        w.write(new ProcessEvent(T, new ProcEvent.Exec(0, 0, 0, 5, 5), a));
        w.write(new ProcessEvent(T, new ProcEvent.Exec(0, 0, 0, 6, 6), b));
        w.write(new ProcessEvent(T, new ProcEvent.Exec(0, 0, 0, 7, 7), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.flushTo(out);
        List<JsonNode> lines = out.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertThat(lines.get(0).get("process").get("cmdline").asText()).isEqualTo("a -x");
        assertThat(lines.get(1).get("process")).isEqualTo(lines.get(0).get("process"));
        assertThat(lines.get(2).get("process").get("user").asText()).isEqualTo("alice");
        assertThat(lines.get(3).has("process")).isFalse();
    }

    @Test
    void writesUeventPropertiesFromTheirBytesAndEscapesThemWhenNeeded() throws Exception {
        byte[] bytes = ("change@/devices/x\0ACTION=change\0DEVPATH=/devices/x\0SUBSYSTEM=net\0PLAIN=lo\0"
                + "QUOTE=a\"b\\c\0TAB=x\ty\0UNI=caf\u00e9\0SEQNUM=12\0").getBytes(StandardCharsets.UTF_8);
        var decoded = io.upcall.protocol.uevent.UeventDecoder.decode(java.lang.foreign.MemorySegment.ofArray(bytes), 0,
                bytes.length);
        var uevent = ((io.upcall.protocol.DecodeResult.Decoded<io.upcall.protocol.uevent.Uevent>) decoded).value();
        JsonNode n = parse(new DeviceEvent(T, uevent));
        JsonNode env = n.get("env");
        assertThat(env.get("PLAIN").asText()).isEqualTo("lo");
        assertThat(env.get("QUOTE").asText()).isEqualTo("a\"b\\c");
        assertThat(env.get("TAB").asText()).isEqualTo("x\ty");
        assertThat(env.get("UNI").asText()).isEqualTo("caf\u00e9");
        assertThat(n.get("seqnum").asLong()).isEqualTo(12);
        assertThat(env.size()).isEqualTo(8);
    }
}
