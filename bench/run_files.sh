#!/bin/bash
# run_files.sh - cost of watching file opens: `upcall files --mount --json` next to the C notification listener
# (fan_listen -N) and fatrace, each alone on the same load (openbench: N open()+close() cycles of one file on a
# private tmpfs, so other processes' files are not in the way).
#
# One run per case: the listener starts and is known to be marking (fan_listen: its ready file; fatrace: 1 s;
# Upcall: a marker file's open shows up in its output), its CPU is read from /proc/<pid>/stat, openbench runs,
# the output is left to stop growing, CPU is read again, the listener gets SIGINT (by PID). Reported: the opener's
# ns per cycle, the listener's CPU seconds per million cycles, what it wrote, and Upcall's loss events.
#
# usage: run_files.sh [-R runs] [-n cycles] [-o outdir] [cases: none notify fatrace upcall]
# Needs root, gcc (C tools), fatrace (apt-get install fatrace), JDK 25 (bin/upcall).
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
R=3 N=200000 OUT=""
while getopts "R:n:o:" o; do
	case $o in R) R=$OPTARG ;; n) N=$OPTARG ;; o) OUT=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
CASES=${*:-none notify fatrace upcall}
for b in openbench fan_listen; do
	[ -x "$BENCH_BIN/$b" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
done
[ "$(id -u)" = 0 ] || { echo "run_files.sh: needs root" >&2; exit 1; }
build_jar
W=$(mktemp -d "${TMPDIR:-/tmp}/run_files.XXXXXX")
MNT=$W/mnt
mkdir -p "$MNT"
mount -t tmpfs -o size=16m benchfiles "$MNT" || exit 1
LP=""
cleanup() { [ -n "$LP" ] && kill -TERM "$LP" 2> /dev/null; wait 2> /dev/null; umount "$MNT"; rm -rf "$W"; }
trap cleanup EXIT
echo "small file" > "$MNT/file"
echo marker > "$MNT/marker"
ticks=$(getconf CLK_TCK)
cpu_of() { cpu_ticks "$1" | awk -v t="$ticks" '{print $1 / t}'; }
settle() { # wait (at most 20 s) until file $1 stops growing
	local last=-1 size
	for ((j = 0; j < 200; j++)); do
		size=$(stat -c %s "$1" 2> /dev/null || echo 0)
		[ "$size" = "$last" ] && break
		last=$size
		sleep 0.1
	done
}

echo "run_files.sh: runs=$R cycles=$N cases='$CASES' loadavg: $(cut -d' ' -f1-3 /proc/loadavg) date: $(date -u +%FT%TZ)"
: > "$W/runs.txt"
for c in $CASES; do
	for ((i = 1; i <= R; i++)); do
		LP="" out="$W/$c.out"
		rm -f "$W/ready" "$out"
		case $c in
		none) ;;
		notify)
			"$BENCH_BIN/fan_listen" -N -d 120 -w "$W/ready" "$MNT" 2> "$out" &
			LP=$!
			for ((j = 0; j < 50; j++)); do [ -e "$W/ready" ] && break; sleep 0.1; done ;;
		fatrace)
			(cd "$MNT" && exec fatrace -c -s 120 -o "$out") &
			LP=$!
			sleep 1 ;;
		upcall)
			"$UPCALL" files "$MNT" --mount --events open,close_nowrite --json > "$out" 2> "$W/upcall.err" &
			LP=$!
			for ((j = 0; j < 300; j++)); do # subscribed once the marker's open shows up (at most 30 s)
				cat "$MNT/marker" > /dev/null
				grep -q '/marker"' "$out" 2> /dev/null && break
				sleep 0.1
			done
			LP=$(pgrep -P "$LP" java || echo "$LP") ;;
		esac
		cpu0=0
		[ -n "$LP" ] && cpu0=$(cpu_of "$LP")
		B=$("$BENCH_BIN/openbench" -n "$N" -t 60 "$MNT/file")
		extra=""
		if [ -n "$LP" ]; then
			[ "$c" = notify ] && sleep 1 || settle "$out"
			cpu1=$(cpu_of "$LP")
			kill -INT "$LP"
			wait "$LP" 2> /dev/null
			LP=""
			case $c in
			notify) extra="events=$(grep -o 'events=[0-9]*' "$out" | cut -d= -f2) cpu_s_per_Mcycles=$(echo "$cpu0 $cpu1 $N" | awk '{printf "%.2f", ($2 - $1) / $3 * 1e6}')" ;;
			fatrace) extra="lines=$(wc -l < "$out") cpu_s_per_Mcycles=$(echo "$cpu0 $cpu1 $N" | awk '{printf "%.2f", ($2 - $1) / $3 * 1e6}')" ;;
			upcall) extra="events=$(grep -c '"source":"file"' "$out") loss_events=$(grep -c '"type":"loss"' "$out") cpu_s_per_Mcycles=$(echo "$cpu0 $cpu1 $N" | awk '{printf "%.2f", ($2 - $1) / $3 * 1e6}')" ;;
			esac
		fi
		echo "case=$c run=$i $B $extra" | tee -a "$W/runs.txt"
	done
done
echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$OUT" ] && mkdir -p "$OUT" && cp "$W/runs.txt" "$OUT/"
