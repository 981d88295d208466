package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AuditLog#read(InputStream, AuditOptions, java.util.function.Consumer)}: line ends, buffer edges, a huge line. */
class AuditLogStreamTest {
    private static final String EVENT = "type=SYSCALL msg=audit(1796194330.125:%d): arch=c000003e syscall=161 success=yes "
            + "exit=0 pid=8666 comm=\"chroot\" key=\"k\"\ntype=EOE msg=audit(1796194330.125:%d): \n";

    private static List<Event> read(InputStream in) throws IOException {
        List<Event> events = new ArrayList<>();
        AuditLog.read(in, AuditOptions.defaults(), events::add);
        return events;
    }

    private static InputStream of(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crlfAndNoFinalNewline() throws IOException {
        String log = EVENT.formatted(1, 1).replace("\n", "\r\n") + "type=USER msg=audit(1796194330.125:2): pid=1 uid=0 "
                + "msg='free text'";
        List<Event> events = read(of(log));
        assertThat(events).hasSize(2).allMatch(e -> e instanceof AuditEvent);
        assertThat(((AuditEvent) events.getFirst()).records().getFirst().get("key")).isEqualTo("k");
        assertThat(((AuditEvent) events.get(1)).records().getFirst().get("msg")).isEqualTo("free text");
    }

    @Test
    void linesAcrossTheBufferEdgeAndInSmallReads() throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 2000; i++) { // ~400 KB: several 64 KiB buffers, lines cut at every place
            log.append(EVENT.formatted(i, i));
        }
        byte[] bytes = log.toString().getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7)); // as a pipe may hand them over
            }
        };
        assertThat(read(new ByteArrayInputStream(bytes))).hasSize(2000).allMatch(e -> e instanceof AuditEvent);
        assertThat(read(trickle)).hasSize(2000).allMatch(e -> e instanceof AuditEvent);
    }

    @Test
    void aLineLongerThanTheLimitIsMalformedAndReadingGoesOn() throws IOException {
        byte[] huge = new byte[AuditLog.MAX_LINE + 10];
        Arrays.fill(huge, (byte) 'x');
        InputStream in = new SequenceInputStream(of(EVENT.formatted(1, 1)),
                new SequenceInputStream(new ByteArrayInputStream(huge), of("\n" + EVENT.formatted(2, 2))));
        List<Event> events = read(in);
        assertThat(events).hasSize(3);
        assertThat(events.get(1)).isInstanceOfSatisfying(MalformedEvent.class,
                m -> assertThat(m.kind()).isEqualTo("line_too_long"));
        assertThat(((AuditEvent) events.get(2)).serial()).isEqualTo(2);
    }
}
