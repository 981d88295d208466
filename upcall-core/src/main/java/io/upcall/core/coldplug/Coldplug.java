package io.upcall.core.coldplug;

import io.upcall.core.Upcall;
import io.upcall.core.device.DeviceEvent;
import io.upcall.core.device.DeviceOptions;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.uevent.Uevent;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Coldplug, like {@code udevadm trigger}: writes an action, with a synthetic UUID of its own, to the
 * {@code uevent} file of every matching device under {@code /sys/devices}, so the kernel replays the
 * uevent for devices that already exist. With {@code settle}, it listens first and waits until each
 * triggered uevent came back (recognised by its UUID), up to a timeout.
 */
public final class Coldplug {
    private static final int MAX_DEPTH = 32;

    private Coldplug() {}

    /** A device the trigger writes to: its devpath (under /sys) and subsystem. */
    public record Device(String devpath, String subsystem) {}

    /**
     * What a trigger did.
     * @param triggered devices written to, in order
     * @param unseen    with settle: devpaths whose uevent did not come back in time (empty otherwise)
     * @param failed    devpaths whose uevent file refused the write, with why
     */
    public record Result(List<Device> triggered, List<String> unseen, Map<String, String> failed) {}

    /** Every device under {@code sysRoot/devices} with a {@code uevent} file, whose subsystem is in {@code subsystems} (empty: all). */
    public static List<Device> devices(Path sysRoot, Set<String> subsystems) throws IOException {
        List<Device> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sysRoot.resolve("devices"), MAX_DEPTH, new FileVisitOption[0])) {
            for (Path uevent : (Iterable<Path>) files.filter(p -> p.getFileName().toString().equals("uevent")
                    && Files.isRegularFile(p))::iterator) {
                Path dir = uevent.getParent();
                String subsystem = subsystem(dir);
                if (subsystems.isEmpty() || subsystem != null && subsystems.contains(subsystem)) {
                    found.add(new Device("/" + sysRoot.relativize(dir), subsystem));
                }
            }
        }
        return found;
    }

    private static String subsystem(Path dir) {
        try {
            return Files.readSymbolicLink(dir.resolve("subsystem")).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Triggers {@code action} on {@code devices}; with {@code settle}, waits up to {@code timeout} for them. */
    public static Result trigger(Path sysRoot, List<Device> devices, String action, boolean settle, Duration timeout)
            throws IOException, InterruptedException, LinuxException {
        Map<String, Device> pending = new ConcurrentHashMap<>();
        Map<String, String> uuids = new LinkedHashMap<>();
        for (Device d : devices) {
            String uuid = UUID.randomUUID().toString();
            uuids.put(d.devpath(), uuid);
            if (settle) {
                pending.put(uuid, d);
            }
        }
        CountDownLatch allSeen = new CountDownLatch(1);
        Upcall listener = null;
        if (settle) {
            listener = Upcall.builder().source(DeviceOptions.defaults()).subscribe((event, end) -> {
                if (event instanceof DeviceEvent(var time, Uevent u) && pending.remove(u.env().getOrDefault("SYNTH_UUID", "")) != null
                        && pending.isEmpty()) {
                    allSeen.countDown();
                }
            }).start();
        }
        List<Device> triggered = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        try {
            for (Device d : devices) {
                String uuid = uuids.get(d.devpath());
                try {
                    Files.writeString(sysRoot.resolve(d.devpath().substring(1)).resolve("uevent"), action + " " + uuid);
                    triggered.add(d);
                } catch (IOException e) {
                    failed.put(d.devpath(), e.getMessage());
                    pending.remove(uuid);
                }
            }
            if (settle && !pending.isEmpty()) {
                allSeen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            if (listener != null) {
                listener.close();
            }
        }
        List<String> unseen = pending.values().stream().map(Device::devpath).sorted().toList();
        return new Result(List.copyOf(triggered), unseen, failed);
    }
}
