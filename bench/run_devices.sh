#!/bin/bash
# run_devices.sh - end-to-end loss and CPU of `upcall devices --json` next to the C reference
# listener (uevent_count), both listening to the SAME uevent storm in one run.
#
# One run: Upcall starts (JSON to a file) and is known to be subscribed once a marker uevent on
# another device shows up in its output; uevent_count starts (8 MiB buffer, like Upcall's default);
# uevent_storm writes "change" to /sys/class/net/<dev>/uevent N times; when the storm is over and
# Upcall's output has stopped growing, Upcall's CPU is read from /proc/<pid>/stat and it gets SIGINT
# (by PID). Loss = writes - uevents of <dev> received. CPU per million uevents: all uevents received.
#
# usage: run_devices.sh [-R runs] [-n writes] [-V 'upcall args'] [-o outdir]
# Needs root, gcc (C tools), two ifb or dummy network devices, JDK 25 (bin/upcall).
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
R=3 N=500000 V="--json" OUT=""
while getopts "R:n:V:o:" o; do
	case $o in R) R=$OPTARG ;; n) N=$OPTARG ;; V) V=$OPTARG ;; o) OUT=$OPTARG ;; *) exit 2 ;; esac
done
for b in uevent_storm uevent_count; do
	[ -x "$BENCH_BIN/$b" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
done
[ "$(id -u)" = 0 ] || { echo "run_devices.sh: needs root" >&2; exit 1; }
build_jar
mapfile -t DEVS < <(ls /sys/class/net | grep -E '^(ifb|dummy)' | head -2)
[ "${#DEVS[@]}" -ge 2 ] || { echo "run_devices.sh: needs two ifb or dummy devices" >&2; exit 1; }
DEV=${DEVS[0]} MARK=${DEVS[1]}
W=$(mktemp -d "${TMPDIR:-/tmp}/run_devices.XXXXXX")
UP=""
cleanup() { [ -n "$UP" ] && kill -TERM "$UP" 2> /dev/null; rm -rf "$W"; }
trap cleanup EXIT
ticks=$(getconf CLK_TCK)
cpu_of() { cpu_ticks "$1" | awk -v t="$ticks" '{print $1 / t}'; }

echo "run_devices.sh: runs=$R writes=$N device=$DEV upcall='$V' loadavg: $(cut -d' ' -f1-3 /proc/loadavg) date: $(date -u +%FT%TZ)"
: > "$W/runs.txt"
for ((i = 1; i <= R; i++)); do
	# shellcheck disable=SC2086
	"$UPCALL" devices $V > "$W/upcall.jsonl" 2> "$W/upcall.err" &
	UP=$!
	for ((j = 0; j < 150; j++)); do # wait (at most 15 s) until a marker uevent shows it is subscribed
		echo change > "/sys/class/net/$MARK/uevent"
		grep -q "/$MARK\"" "$W/upcall.jsonl" 2> /dev/null && break
		sleep 0.1
	done
	UP=$(pgrep -P "$UP" java || echo "$UP") # bin/upcall execs java: same pid, unless a shell stays
	cpu0=$(cpu_of "$UP")
	rm -f "$W/ready"
	"$BENCH_BIN/uevent_count" -f "/$DEV" -b $((8 << 20)) -i 2 -d 90 -w "$W/ready" 2> "$W/c.out" &
	CP=$!
	for ((j = 0; j < 50; j++)); do [ -e "$W/ready" ] && break; sleep 0.1; done
	S=$("$BENCH_BIN/uevent_storm" -n "$N" -t 60 "/sys/class/net/$DEV/uevent")
	wait "$CP"
	last=-1
	for ((j = 0; j < 100; j++)); do # drained: output stopped growing (at most 10 s)
		size=$(stat -c %s "$W/upcall.jsonl")
		[ "$size" = "$last" ] && break
		last=$size
		sleep 0.1
	done
	cpu1=$(cpu_of "$UP")
	kill -INT "$UP"
	wait "$UP" 2> /dev/null
	UP=""
	writes=$(sed -n 's/.*writes=\([0-9]*\).*/\1/p' <<< "$S")
	rate=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<< "$S")
	L=$(grep '^uevent_count' "$W/c.out")
	c_got=$(tr ' ' '\n' <<< "$L" | sed -n 's/^matched=//p')
	c_cpu=$(tr ' ' '\n' <<< "$L" | sed -n 's/^cpu_s_per_Mev=//p')
	u_got=$(grep -c "\"devpath\":\"[^\"]*/$DEV\"" "$W/upcall.jsonl")
	u_all=$(grep -c '"source":"device"' "$W/upcall.jsonl")
	u_loss=$(grep -c '"type":"loss"' "$W/upcall.jsonl")
	u_cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$u_all" 'BEGIN{printf "%.3f", (n > 0 ? (b - a) * 1e6 / n : 0)}')
	line="run=$i writes=$writes storm_per_s=$rate c_received=$c_got c_loss_pct=$(awk -v w="$writes" -v g="$c_got" 'BEGIN{printf "%.3f", 100*(w-g)/w}') c_s_per_Mev=$c_cpu u_received=$u_got u_loss_pct=$(awk -v w="$writes" -v g="$u_got" 'BEGIN{printf "%.3f", 100*(w-g)/w}') u_loss_lines=$u_loss u_s_per_Mev=$u_cpu ratio=$(awk -v u="$u_cpu" -v c="$c_cpu" 'BEGIN{printf "%.2f", (c > 0 ? u / c : 0)}')"
	echo "$line" | tee -a "$W/runs.txt"
done
for f in storm_per_s c_loss_pct u_loss_pct c_s_per_Mev u_s_per_Mev ratio; do
	printf 'SUMMARY %s min/median/max: ' "$f"
	tr ' ' '\n' < "$W/runs.txt" | sed -n "s/^$f=//p" | sort -g | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%s / %s / %s (n=%d)\n", a[1], m, a[NR], NR}'
done
echo "loadavg: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$OUT" ]; then mkdir -p "$OUT" && cp "$W/runs.txt" "$OUT/"; fi
