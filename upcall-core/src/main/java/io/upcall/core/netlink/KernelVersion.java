package io.upcall.core.netlink;

/** The running kernel's release, from {@code /proc/sys/kernel/osrelease} (e.g. {@code 6.18.44-fc-v782}). */
public record KernelVersion(int major, int minor, String release) {

    public static KernelVersion running() {
        String release = Sysctl.read("kernel.osrelease");
        return release != null ? parse(release) : new KernelVersion(0, 0, "unknown");
    }

    public static KernelVersion parse(String release) {
        String[] parts = release.split("[.-]", 3);
        try {
            return new KernelVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), release);
        } catch (RuntimeException e) {
            return new KernelVersion(0, 0, release);
        }
    }

    public boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }
}
