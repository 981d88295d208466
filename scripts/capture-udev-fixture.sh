#!/bin/bash
# capture-udev-fixture.sh - records kernel and libudev uevents for the replay golden tests
# (upcall-core/src/test/resources/fixtures/replay/udev-recorded.pcapng), from a real systemd-udevd.
#
# udev is not installed here: the Debian packages are only unpacked into a temporary folder, and
# systemd-udevd runs for a few seconds in a private mount namespace where the rules folders and /run are
# empty tmpfs, so it applies no rule and leaves nothing behind. It re-broadcasts each uevent it sees on
# netlink group 2 (libudev format), which `upcall record --udev` captures beside the kernel's.
#
# usage: scripts/capture-udev-fixture.sh OUT.pcapng      (root; apt sources reachable)
set -euo pipefail
OUT=${1:?usage: $0 OUT.pcapng}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
(cd "$W" && apt-get download udev libsystemd-shared > /dev/null)
for deb in "$W"/*.deb; do dpkg -x "$deb" "$W/root"; done
ln -s "$W/root/bin/udevadm" "$W/systemd-udevd" # udevadm acts as the daemon under that name
"$ROOT/bin/upcall" record "$OUT" --sources device --udev --duration 10 &
REC=$!
sleep 3
unshare -m --propagation private bash -c '
	mount -t tmpfs none /usr/lib/udev/rules.d && mount -t tmpfs none /run && mkdir -p /run/udev
	LD_LIBRARY_PATH='"$W"'/root/usr/lib/x86_64-linux-gnu/systemd timeout 6 '"$W"'/systemd-udevd > /dev/null 2>&1 &
	sleep 2
	echo change > /sys/class/net/lo/uevent
	echo change > /sys/class/net/ifb1/uevent 2> /dev/null || true
	echo "change 3f1f1a7e-0c3a-4c7e-9b1a-2f6c0d5e8a11 UPCALLTEST=1" > /sys/class/net/lo/uevent
	wait'
wait "$REC"
