#!/bin/bash
# run_footprint.sh - what a resident Upcall costs while nothing happens: memory and CPU of one streaming command
# (default `monitor --json`, output to /dev/null) through three phases:
#   1. idle: after a settling time, CPU seconds over -i seconds (utime+stime from /proc/PID/stat, and the exact
#      run time of every thread from /proc/PID/task/TID/schedstat), wake-ups per second of each thread (context
#      switches), then VmRSS (/proc/PID/status) and PSS (/proc/PID/smaps_rollup);
#   2. a storm (forkstorm -m thread, bounded by count and time), unless -s 0;
#   3. -a seconds after the storm: VmRSS and PSS again.
# Then SIGINT (by PID). One key=value line per phase. The machine is seldom quiet: what other processes do reaches
# the proc and audit channels as events, and their wake-ups are in the figures; the per-thread lines tell which
# thread woke, so a channel's idle timer shows as ~10 wake-ups/s with no CPU.
#
# usage: run_footprint.sh [-w settle_s] [-i idle_s] [-s storm_cycles] [-a after_s] [-- upcall args]
#   defaults: -w 5 -i 60 -s 300000 -a 60 -- monitor --json
# Env: UPCALL (default this checkout's bin/upcall), UPCALL_JVM_OPTS (passed on), BENCH_BIN (forkstorm).
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
UPCALL=${UPCALL_BIN:-$UPCALL}

WAIT=5 IDLE=60 STORM=300000 AFTER=60
while getopts "w:i:s:a:" o; do
	case $o in
	w) WAIT=$OPTARG ;; i) IDLE=$OPTARG ;; s) STORM=$OPTARG ;; a) AFTER=$OPTARG ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(monitor --json)
[ "$STORM" = 0 ] || [ -x "$BENCH_BIN/forkstorm" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
build_jar

"$UPCALL" --version > /dev/null || exit 1 # builds what is missing (jar, AOT cache) before the measurement
"$UPCALL" "${ARGS[@]}" > /dev/null 2> /tmp/run_footprint.$$.err &
P=$!
trap 'kill -0 $P 2> /dev/null && kill -INT $P; rm -f /tmp/run_footprint.$$.err' EXIT
sleep "$WAIT"
kill -0 $P 2> /dev/null || { echo "run_footprint.sh: upcall ${ARGS[*]} ended:" >&2; cat /tmp/run_footprint.$$.err >&2; exit 1; }

# threads: one line per thread: tid comm context-switches run-time-ns
threads() {
	local t
	for t in /proc/$P/task/*; do
		printf '%s %s %s %s\n' "${t##*/}" "$(tr ' ' _ < "$t/comm")" \
			"$(awk '/^voluntary_ctxt/{v=$2} /^nonvoluntary_ctxt/{n=$2} END{print v+n}' "$t/status")" \
			"$(cut -d' ' -f1 "$t/schedstat")"
	done | LC_ALL=C sort
}
ticks() { sed 's/^.*) //' "/proc/$P/stat" | awk '{print $12 + $13}'; }
memory() { echo "rss_kib=$(awk '/^VmRSS/{print $2}' "/proc/$P/status") pss_kib=$(awk '/^Pss:/{print $2}' "/proc/$P/smaps_rollup")"; }

echo "loadavg: $(cut -d' ' -f1-3 /proc/loadavg)  date: $(date -u +%FT%TZ)  upcall ${ARGS[*]}  UPCALL_JVM_OPTS=${UPCALL_JVM_OPTS:-}"
T0=$(ticks)
threads > /tmp/run_footprint.$$.t0
sleep "$IDLE"
T1=$(ticks)
threads > /tmp/run_footprint.$$.t1
echo "IDLE secs=$IDLE cpu_s=$(awk -v a="$T0" -v b="$T1" -v t="$TCK" 'BEGIN{printf "%.3f", (b - a) / t}')" \
	"run_ns_s=$(LC_ALL=C join /tmp/run_footprint.$$.t0 /tmp/run_footprint.$$.t1 | awk '{s += $7 - $4} END{printf "%.4f", s / 1e9}')" "$(memory)"
LC_ALL=C join /tmp/run_footprint.$$.t0 /tmp/run_footprint.$$.t1 | awk -v s="$IDLE" '{w = ($6 - $3) / s; c = ($7 - $4) / 1e6
	if (w > 0 || c > 0) printf "  thread %-24s wakeups_per_s=%.1f cpu_ms=%.1f\n", $2, w, c}'
rm -f /tmp/run_footprint.$$.t0 /tmp/run_footprint.$$.t1
if [ "$STORM" != 0 ]; then
	"$BENCH_BIN/forkstorm" -m thread -k 2 -n "$STORM" -t 20 | sed 's/^/STORM /'
	echo "AFTER_STORM secs=0 $(memory)"
	sleep "$AFTER"
	echo "AFTER_STORM secs=$AFTER $(memory)"
fi
kill -INT $P
wait $P
echo "exit=$?"
