package io.upcall.cli;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.ChannelOptions;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel defined only here, in the CLI's tests, and registered through the SPI alone (a line in
 * {@code src/test/resources/META-INF/services/io.upcall.core.channel.Channel}): no main file names it, yet it
 * appears in {@code doctor}, {@code monitor}, {@code record --sources} and {@code replay}. Its "kernel" is a thread
 * that sends {@code tick N} every 20 ms; anything else is malformed.
 */
public final class TickChannel implements Channel<TickChannel.Options> {
    static final String NAME = "tick";
    static final int LINKTYPE_USER13 = 160;

    /** The tick channel's options: nothing but the receive buffer every channel takes. */
    public record Options(int receiveBuffer) implements ChannelOptions {
        @Override
        public Channel<?> channel() {
            return new TickChannel();
        }

        @Override
        public Options withReceiveBuffer(int bytes) {
            return new Options(bytes);
        }
    }

    /** One tick. */
    public record TickEvent(Instant time, long n) implements Event {
        @Override
        public String source() {
            return NAME;
        }

        @Override
        public String type() {
            return "tick";
        }

        @Override
        public void writeJsonFields(JsonBuffer out) {
            out.field("n", n);
        }

        @Override
        public TableRow tableRow() {
            return TableRow.of(TableRow.Tone.FAINT, "tick", "n " + n, "");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "test-only: a tick every 20 ms";
    }

    @Override
    public Options defaults() {
        return new Options(0);
    }

    @Override
    public Availability probe() {
        return new Availability(NAME, true, "ticks from a thread of this JVM (a test channel)");
    }

    @Override
    public CaptureLink link() {
        return new CaptureLink.Private(LINKTYPE_USER13);
    }

    @Override
    public MessageDecoder decoder(Options options, DecodeContext context) {
        return TickChannel::decode;
    }

    static void decode(MemorySegment message, Envelope envelope, Instant received, List<Event> out) {
        String text = new String(message.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
        if (!text.startsWith("tick ")) {
            out.add(new MalformedEvent(received, NAME, "not_a_tick", 0, "expected 'tick N'"));
            return;
        }
        try {
            out.add(new TickEvent(received, Long.parseLong(text.substring(5))));
        } catch (NumberFormatException e) {
            out.add(new MalformedEvent(received, NAME, "bad_number", 5, "not a number: " + text.substring(5)));
        }
    }

    @Override
    public LiveChannel open(Options options, ChannelContext context) {
        Thread thread = Thread.ofPlatform().name("upcall-tick").daemon().start(() -> {
            List<Event> events = new ArrayList<>();
            for (long n = 1; !Thread.currentThread().isInterrupted(); n++) {
                MemorySegment message = MemorySegment.ofArray(("tick " + n).getBytes(StandardCharsets.US_ASCII));
                Instant now = context.clock().now();
                context.tap(message, Envelope.NONE, now);
                decode(message, Envelope.NONE, now, events);
                context.publish(events.toArray(new Event[0]), events.size());
                events.clear();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    break;
                }
            }
            context.flush();
        });
        return () -> {
            thread.interrupt();
            thread.join();
        };
    }
}
