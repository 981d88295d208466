package io.upcall.core;

/** The running kernel's release, from {@code /proc/sys/kernel/osrelease} (e.g. {@code 6.18.44-fc-v782}). */
record KernelVersion(int major, int minor, String release) {

    static KernelVersion running() {
        String release = Sysctl.read("kernel.osrelease");
        return release != null ? parse(release) : new KernelVersion(0, 0, "unknown");
    }

    static KernelVersion parse(String release) {
        String[] parts = release.split("[.-]", 3);
        try {
            return new KernelVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), release);
        } catch (RuntimeException e) {
            return new KernelVersion(0, 0, release);
        }
    }

    boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }
}
