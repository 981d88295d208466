#!/bin/bash
# run_relay.sh - relay fork under forkstorm at its maximum rate: signals delivered per second,
# fork-to-signal latency (p50/p90/p99/max) and failed deliveries, per run.
#
# One run (per mode):
#   1. `upcall relay serve` starts on a private socket;
#   2. forkstorm starts paused (-g FILE);
#   3. relay_latency (bench/relay_latency.c) registers for the forks of the storm's subtree
#      (`threads` too in thread mode), listens to the proc connector itself for each fork's kernel
#      timestamp, and releases the storm;
#   4. after the storm, `upcall relay processes --json` gives the relay's sent/failed counts for it;
#      relay_latency exits when idle and prints signals, rate and latency.
# Expected signals: the storm's forks (cycles + workers). Relay CPU: its utime+stime over the run.
#
# usage: run_relay.sh [-R runs] [-m 'modes'] [-k workers] [-n cycles] [-t storm_secs] [-o outdir]
#   -m  forkstorm modes (default 'exit vfork thread'); thread mode registers with `threads`
# Needs root, gcc, JDK 25. Env: BENCH_SRC (default ../shared/bench), BENCH_BIN (default /tmp/bench-bin).
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

R=3 MODES="exit vfork thread" K=4 N=100000000 T=5 OUT=""
while getopts "R:m:k:n:t:o:" o; do
	case $o in
	R) R=$OPTARG ;; m) MODES=$OPTARG ;; k) K=$OPTARG ;; n) N=$OPTARG ;; t) T=$OPTARG ;; o) OUT=$OPTARG ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run_relay.sh: needs root (proc connector)" >&2; exit 1; }
[ -x "$BENCH_BIN/forkstorm" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
if [ ! -x "$BENCH_BIN/relay_latency" ] || [ "$ROOT/bench/relay_latency.c" -nt "$BENCH_BIN/relay_latency" ]; then
	mkdir -p "$BENCH_BIN" && cc -O2 -Wall -o "$BENCH_BIN/relay_latency" "$ROOT/bench/relay_latency.c" || exit 1
fi
build_jar

W=$(mktemp -d "${TMPDIR:-/tmp}/run_relay.XXXXXX")
RS="" FS="" RL=""
cleanup() {
	local p
	for p in $RL $FS $RS; do
		if kill -0 "$p" 2> /dev/null; then kill -TERM "$p" 2> /dev/null; fi
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

one_run() { # one_run MODE RUN
	local mode=$1 run=$2 i
	rm -f "$W/go" "$W/relay.sock"
	env --default-signal=INT "$UPCALL" relay serve --socket "$W/relay.sock" 2> "$W/relay.err" &
	RS=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^relay: serving' "$W/relay.err" 2> /dev/null && break
		kill -0 "$RS" 2> /dev/null || break
		sleep 0.1
	done
	grep -q '^relay: serving' "$W/relay.err" || { echo "run_relay.sh: relay did not start: $(cat "$W/relay.err")" >&2; return 1; }
	"$BENCH_BIN/forkstorm" -m "$mode" -k "$K" -n "$N" -t "$T" -g "$W/go" > "$W/storm.out" &
	FS=$!
	for ((i = 0; i < 100; i++)); do
		[[ $(readlink "/proc/$FS/exe" 2> /dev/null) == */forkstorm ]] && break
		sleep 0.01
	done
	local cpu0 cpu1 flags=""
	[ "$mode" = thread ] && flags="-T"
	cpu0=$(cpu_ticks "$RS")
	# shellcheck disable=SC2086
	"$BENCH_BIN/relay_latency" -s "$W/relay.sock" -t "$FS" $flags -i 3 -d $((T + 60)) -w "$W/go" > "$W/lat.out" 2> "$W/lat.err" &
	RL=$!
	wait "$FS"
	sleep 1
	local P
	P=$("$UPCALL" relay processes --socket "$W/relay.sock" --json | grep "\"pid\":$RL,")
	wait "$RL"
	cpu1=$(cpu_ticks "$RS")
	kill -INT "$RS"
	wait "$RS"
	local S L
	S=$(cat "$W/storm.out")
	L=$(cat "$W/lat.out")
	awk -v run="$run" -v mode="$mode" -v k="$K" -v tck="$TCK" -v c0="$cpu0" -v c1="$cpu1" -v S="$S" -v L="$L" -v P="$P" '
		function get(s, key,   n, a, i) {
			n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], key "=") == 1) return substr(a[i], length(key) + 2)
			return "" }
		function js(s, key,   m) { if (match(s, "\"" key "\":[0-9]+")) return substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3); return "?" }
		BEGIN {
			expected = get(S, "cycles") + k; cpu = (c1 - c0) / tck
			printf "run=%d mode=%s storm_cycles_per_s=%s expected_signals=%d received=%s relay_sent=%s relay_failed=%s", \
				run, mode, get(S, "rate"), expected, get(L, "signals"), js(P, "sent"), js(P, "failed")
			printf " signals_per_s=%s p50_us=%s p90_us=%s p99_us=%s max_us=%s matched=%s dups=%s relay_cpu_s=%.2f relay_s_per_Msig=%.2f\n", \
				get(L, "rate"), get(L, "p50_us"), get(L, "p90_us"), get(L, "p99_us"), get(L, "max_us"), get(L, "matched"), get(L, "dups"), \
				cpu, (get(L, "signals") > 0 ? cpu / (get(L, "signals") / 1e6) : 0)
		}' | tee -a "$W/runs.txt"
	RS="" FS="" RL=""
}

: > "$W/runs.txt"
echo "run_relay.sh: modes='$MODES' runs=$R workers=$K storm_secs<=$T; $(nproc) CPUs, $(uname -r); loadavg $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)" | tee "$W/summary.txt"
for mode in $MODES; do
	for ((r = 1; r <= R; r++)); do
		one_run "$mode" "$r" || exit 1
	done
done
if [ -n "$OUT" ]; then
	mkdir -p "$OUT" && cp "$W/runs.txt" "$W/summary.txt" "$OUT/"
fi
