package io.upcall.core.channel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of channels: every {@link Channel} on the class path (or module path), found once through
 * {@link ServiceLoader}, in a stable order (the built-in ones first, as their service file lists them). It drives
 * the builder, {@code doctor}, {@code record --sources}, the recorder and replay: none of them names a channel.
 */
public final class Channels {
    private static final List<Channel<?>> ALL = load();

    private Channels() {}

    private static List<Channel<?>> load() {
        List<Channel<?>> found = new ArrayList<>();
        for (Channel<?> c : ServiceLoader.load(Channel.class, Channels.class.getClassLoader())) {
            for (Channel<?> other : found) {
                if (other.name().equals(c.name())) {
                    throw new IllegalStateException("two channels named '" + c.name() + "': " + other.getClass().getName()
                            + " and " + c.getClass().getName());
                }
            }
            found.add(c);
        }
        return Collections.unmodifiableList(found);
    }

    /** Every registered channel. */
    public static List<Channel<?>> all() {
        return ALL;
    }

    /** The channel of that name. */
    public static Optional<Channel<?>> named(String name) {
        return ALL.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The channel whose messages a capture frames this way, if any. */
    public static Optional<Channel<?>> forLink(CaptureLink link) {
        return ALL.stream().filter(c -> c.link().equals(link)).findFirst();
    }

    /** The names, comma-separated, for messages: {@code proc, device}. */
    public static String names() {
        return String.join(", ", ALL.stream().map(Channel::name).toList());
    }
}
