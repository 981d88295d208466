package io.upcall.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.capture.PcapngRecorder;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.event.RejectedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every channel promises, as tests a channel's own test class inherits: its probe says why; bytes it cannot
 * use become events, never exceptions; what it records replays to the events the live stream showed; closing it
 * leaves no thread and no descriptor behind. A new channel gets these by subclassing (see the proc and device
 * subclasses).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ChannelContract<O extends ChannelOptions> {

    /** The channel under test. */
    protected abstract Channel<O> channel();

    /** Messages its decoder must turn into {@code malformed} or {@code rejected} events. */
    protected abstract List<byte[]> badMessages();

    /** Skips, saying why, unless the channel can be opened live here. */
    protected abstract void assumeLive();

    /** Makes the kernel send something on the channel (a process, a synthetic uevent). */
    protected abstract void provoke() throws Exception;

    /** The options the live tests use; by default the channel's defaults. */
    protected O liveOptions() {
        return channel().defaults();
    }

    @Test
    void itsProbeNamesItAndSaysWhy() {
        Availability a = channel().probe();
        assertThat(a.source()).isEqualTo(channel().name());
        assertThat(a.detail()).as("what the probe found").isNotBlank();
    }

    @Test
    void itIsRegistered() {
        assertThat(Channels.named(channel().name())).get().extracting(Channel::getClass).isEqualTo(channel().getClass());
        assertThat(Channels.forLink(channel().link())).get().extracting(Channel::name).isEqualTo(channel().name());
    }

    @Test
    void badBytesBecomeEventsNeverExceptions() {
        MessageDecoder decoder = channel().decoder(channel().defaults(), DecodeContext.replay((w, t) -> { }));
        for (byte[] bad : badMessages()) {
            List<Event> out = new ArrayList<>();
            assertThatCode(() -> decoder.decode(MemorySegment.ofArray(bad), Envelope.NONE, Instant.EPOCH, out))
                    .doesNotThrowAnyException();
            assertThat(out).as("events for %d bad bytes", bad.length)
                    .anySatisfy(e -> assertThat(e).isInstanceOfAny(MalformedEvent.class, RejectedEvent.class));
        }
    }

    @Test
    void aRecordingReplaysToWhatTheLiveStreamShowed() throws Exception {
        assumeLive();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<String> live = Collections.synchronizedList(new ArrayList<>());
        try (PcapngRecorder recorder = new PcapngRecorder(file, "contract", 0, () -> { })) {
            try (Upcall upcall = Upcall.builder().source(liveOptions()).rawTap(recorder)
                    .subscribe((e, end) -> live.add(JsonEventWriter.toJson(e))).start()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < 20 && live.isEmpty() && System.nanoTime() < deadline; i++) {
                    provoke();
                    Thread.sleep(200);
                }
            }
        }
        assertThat(live).as("live events after provoking the channel").isNotEmpty();
        List<String> replayed = Collections.synchronizedList(new ArrayList<>());
        Upcall.builder().source(liveOptions()).subscribe((e, end) -> replayed.add(JsonEventWriter.toJson(e)))
                .replay(file.toByteArray(), () -> false);
        // A replay has no live /proc: compare without the process object, which only live input can carry from /proc
        // (audit's comes from its records, on both sides).
        assertThat(replayed.stream().map(this::withoutLiveContext).toList())
                .containsExactlyElementsOf(live.stream().map(this::withoutLiveContext).toList());
    }

    /** An event's JSON without what only live input has: the process object, and what a channel's override adds. */
    protected String withoutLiveContext(String json) {
        return withoutProcess(json);
    }

    @Test
    void closingLeavesNoThreadAndNoDescriptor() throws Exception {
        assumeLive();
        // Once first: the JVM opens some files for good on first use (jars, /etc/passwd), which is not a leak.
        Upcall.builder().source(liveOptions()).subscribe((e, end) -> { }).start().close();
        List<String> fds = openDescriptors();
        List<Thread> before = threads();
        Upcall upcall = Upcall.builder().source(liveOptions()).subscribe((e, end) -> { }).start();
        assertThat(threads()).extracting(Thread::getName).contains("upcall-" + channel().name());
        upcall.close();
        assertThat(threads()).as("threads left running").containsExactlyInAnyOrderElementsOf(before);
        assertThat(openDescriptors()).as("open descriptors").containsExactlyInAnyOrderElementsOf(fds);
    }

    /** The event's JSON without its {@code "process":{...}} object (the object alone: what follows it stays). */
    static String withoutProcess(String json) {
        int at = json.indexOf(",\"process\":{");
        if (at < 0) {
            return json;
        }
        int depth = 0;
        boolean string = false;
        for (int i = at + 11; i < json.length(); i++) {
            char c = json.charAt(i);
            if (string) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    string = false;
                }
            } else if (c == '"') {
                string = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return json.substring(0, at) + json.substring(i + 1);
            }
        }
        return json.substring(0, at) + "}";
    }

    /** What each open descriptor refers to ({@code socket:[1234]}, a path), so a leak names itself. */
    private static List<String> openDescriptors() throws IOException {
        List<Path> fds;
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            fds = list.toList();
        }
        List<String> targets = new ArrayList<>();
        for (Path fd : fds) {
            try {
                targets.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
            } catch (IOException e) {
                // the directory stream's own descriptor, closed by now
            }
        }
        return targets;
    }

    /** Upcall's threads alive now (others, such as the JVM's compiler threads, come and go on their own). */
    private static List<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("upcall-")).toList();
    }
}
