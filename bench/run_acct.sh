#!/bin/bash
# run_acct.sh - end-to-end loss and CPU cost of `upcall acct --json` next to the C reference taskstats
# listener (bench/taskstats_count.c), both registered for the SAME forkstorm -m exit storm in one run.
#
# One run (per rate, per output sink):
#   1. forkstorm -m exit starts paused (-g FILE), paced to RATE cycles/s (-r) or flat out (rate 0);
#   2. Upcall starts (`bin/upcall acct --json [args]`, JSON to a file, or to /dev/null with sink
#      `null`) and we wait until it is registered (a /bin/true we run shows up in its output; with
#      sink null: until it holds a NETLINK_GENERIC socket, plus a second);
#   3. taskstats_count -P <storm pid> -w FILE registers and releases the storm;
#   4. when the storm has ended, taskstats_count has gone idle and Upcall has gone quiet, Upcall's
#      CPU time is read from /proc/<pid>/stat and it gets SIGINT (by PID).
# Every exit of the storm is one taskstats message with one AGGR_PID record (single-threaded
# processes): expected records = cycles + workers + 1 (the storm itself). The C listener counts the
# storm's records (-P) and its loss exactly (the socket's Drops; taskstats has no sequence numbers).
# Upcall's records of the storm are counted in its output (count_acct.py), its loss reports summed.
# CPU per million records: Upcall's CPU from registration to SIGINT (without JVM start-up; the total
# with start-up is reported too) divided by all exit records it printed (sink null: by the records
# the C listener received, the same registration); the C listener's getrusage CPU (whole life) by
# all the records it received. ratio_u_c = Upcall's CPU per record / C's, in the same run.
#
# usage: run_acct.sh [-R runs] [-r 'rates'] [-s 'sinks'] [-k workers] [-t storm_secs] [-b c_rcvbuf]
#                    [-V 'upcall args'] [-x 'taskstats_count args'] [-o outdir] [-K]
#   -r    forkstorm paced rates in cycles/s, space separated; 0 = flat out (default '1000 3000 0')
#   -s    where Upcall's JSON goes: file (counted) and/or null (default 'file null')
#   -V    extra `upcall acct` arguments (default none: --json only)
#   -b    taskstats_count receive buffer (default 8 MiB, Upcall's default)
#   -x    extra taskstats_count flags, e.g. '-m' (recvmmsg batches)
#   -o    copy runs.txt / summary.txt there
#   -K    keep the work folder (Upcall's JSON output) instead of deleting it
# Needs root, gcc, python3, JDK 25 (the jar is built when missing).
# Env: BENCH_SRC (forkstorm's source, default /work/shared/bench), BENCH_BIN (default /tmp/bench-bin),
#      UPCALL_BIN (another build's bin/upcall, e.g. an older commit's, to compare; default this tree's).
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
COUNT_ACCT=$ROOT/bench/count_acct.py
UPCALL=${UPCALL_BIN:-$UPCALL}

R=3 RATES="1000 3000 0" SINKS="file null" K=4 T=8 B=$((8 << 20)) V="" X="" OUT="" KEEP=0
while getopts "R:r:s:k:t:b:V:x:o:K" o; do
	case $o in
	R) R=$OPTARG ;; r) RATES=$OPTARG ;; s) SINKS=$OPTARG ;; k) K=$OPTARG ;; t) T=$OPTARG ;;
	b) B=$OPTARG ;; V) V=$OPTARG ;; x) X=$OPTARG ;; o) OUT=$OPTARG ;; K) KEEP=1 ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
for s in $SINKS; do
	[[ $s == file || $s == null ]] || { echo "run_acct.sh: -s takes file and/or null, not '$s'" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "run_acct.sh: needs root (registering for taskstats exit records)" >&2; exit 1; }
command -v python3 > /dev/null || { echo "run_acct.sh: needs python3" >&2; exit 1; }
[ -x "$BENCH_BIN/forkstorm" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
if [ ! -x "$BENCH_BIN/taskstats_count" ] || [ "$ROOT/bench/taskstats_count.c" -nt "$BENCH_BIN/taskstats_count" ]; then
	mkdir -p "$BENCH_BIN" && cc -O2 -Wall -Wextra -o "$BENCH_BIN/taskstats_count" "$ROOT/bench/taskstats_count.c" || exit 1
fi
[ -n "${UPCALL_BIN:-}" ] || build_jar

W=$(mktemp -d "${TMPDIR:-/tmp}/run_acct.XXXXXX")
FS="" UP="" TC=""
cleanup() {
	local p
	for p in $TC $UP $FS; do
		if kill -0 "$p" 2> /dev/null; then kill -TERM "$p" 2> /dev/null; fi
	done
	if [ "$KEEP" = 1 ]; then echo "work files kept in $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_quiet PID: until PID used under 0.1 s of CPU in one second (at most 30 s): it has read what was queued
wait_quiet() {
	local i c0 c1
	c0=$(cpu_ticks "$1")
	for ((i = 0; i < 30; i++)); do
		sleep 1
		c1=$(cpu_ticks "$1")
		[ $((c1 - c0)) -lt $((TCK / 10)) ] && return 0
		c0=$c1
	done
	return 1
}

one_run() { # one_run RATE SINK RUN
	local rate=$1 sink=$2 run=$3 i n out
	rm -f "$W/go" "$W/up.json" "$W/up.err"
	# paced: as many cycles as T seconds take at that rate; flat out: bounded by T only
	if [ "$rate" = 0 ]; then n=100000000; else n=$((rate * T)); fi
	"$BENCH_BIN/forkstorm" -m exit -k "$K" -n "$n" -t "$T" -r "$rate" -g "$W/go" > "$W/storm.out" &
	FS=$!
	for ((i = 0; i < 100; i++)); do
		[[ $(readlink "/proc/$FS/exe" 2> /dev/null) == */forkstorm ]] && break
		sleep 0.01
	done
	if [ "$sink" = file ]; then out=$W/up.json; else out=/dev/null; fi
	# A background job of a script starts with SIGINT ignored; give the JVM the default back (see run_procs.sh).
	# shellcheck disable=SC2086
	env --default-signal=INT "$UPCALL" acct --json $V > "$out" 2> "$W/up.err" &
	UP=$!
	for ((i = 0; i < 200; i++)); do
		kill -0 "$UP" 2> /dev/null || break
		has_netlink_socket "$UP" 16 && break
		sleep 0.1
	done
	if [ "$sink" = file ]; then
		for ((i = 0; i < 50; i++)); do
			[ -s "$out" ] && break
			/bin/true
			sleep 0.1
		done
	else
		sleep 1 # the family check's socket comes first; the channel registers right after it
	fi
	if ! kill -0 "$UP" 2> /dev/null || { [ "$sink" = file ] && [ ! -s "$out" ]; }; then
		echo "run_acct.sh: upcall did not start: $(head -c 500 "$W/up.err")" >&2
		kill -TERM "$FS" 2> /dev/null; wait "$FS" 2> /dev/null; wait "$UP" 2> /dev/null
		return 1
	fi
	local cpu0 cpu1 load
	load=$(cut -d' ' -f1 /proc/loadavg)
	cpu0=$(cpu_ticks "$UP")
	# shellcheck disable=SC2086
	"$BENCH_BIN/taskstats_count" -P "$FS" -w "$W/go" -b "$B" -i 2 -d $((T + 30)) $X 2> "$W/tc.out" &
	TC=$!
	wait "$TC"
	wait "$FS"
	wait_quiet "$UP" || echo "run_acct.sh: upcall still busy 30 s after the storm" >&2
	cpu1=$(cpu_ticks "$UP")
	kill -INT "$UP"
	for ((i = 0; i < 300; i++)); do kill -0 "$UP" 2> /dev/null || break; sleep 0.1; done
	kill -0 "$UP" 2> /dev/null && { echo "run_acct.sh: upcall ignored SIGINT for 30 s, killing" >&2; kill -KILL "$UP"; }
	wait "$UP"
	local up_rc=$? S L C="" size=0
	S=$(cat "$W/storm.out")
	L=$(grep '^taskstats_count rcvbuf' "$W/tc.out")
	if [ "$sink" = file ]; then
		C=$(python3 "$COUNT_ACCT" "$FS" "$out")
		size=$(stat -c %s "$out")
		rm -f "$out"
	fi
	[ -s "$W/up.err" ] && echo "run_acct.sh: upcall said: $(head -c 300 "$W/up.err")" >&2
	awk -v run="$run" -v rate="$rate" -v sink="$sink" -v tck="$TCK" -v rc="$up_rc" -v size="$size" \
		-v c0="$cpu0" -v c1="$cpu1" -v load="$load" -v S="$S" -v L="$L" -v C="$C" 'function get(s, k,   n, a, i) {
			n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2)
			return "" }
		BEGIN {
			ex = get(S, "cycles") + get(S, "workers") + 1; secs = get(S, "secs")
			cm = get(L, "matched"); call = get(L, "aggr_pid"); ccpu = get(L, "user_s") + get(L, "sys_s")
			ucpu = (c1 - c0) / tck; utot = c1 / tck
			if (sink == "file") { um = get(C, "matched"); uall = get(C, "acct"); ul = get(C, "loss_lines") }
			else { um = "n/a"; uall = call; ul = "n/a" }
			printf "run=%d rate=%s sink=%s load1=%s storm_cycles_per_s=%s records_per_s=%.0f expected=%d", \
				run, (rate == 0 ? "max" : rate), sink, load, get(S, "rate"), ex / secs, ex
			printf " c_matched=%d c_loss_pct=%.3f c_sk_drops=%s c_enobufs=%s c_all_records=%d c_cpu_s=%.3f c_s_per_Mrec=%.3f", \
				cm, 100 * (ex - cm) / ex, get(L, "sk_drops"), get(L, "enobufs"), call, ccpu, ccpu / (call / 1e6)
			printf " u_matched=%s u_loss_pct=%s u_loss_events=%s u_all_records=%d u_json_mb=%.1f u_cpu_s=%.2f u_cpu_total_s=%.2f u_s_per_Mrec=%.3f u_total_s_per_Mrec=%.3f u_rc=%d", \
				um, (sink == "file" ? sprintf("%.3f", 100 * (ex - um) / ex) : "n/a"), ul, uall, size / 1048576, ucpu, utot, \
				(uall > 0 ? ucpu / (uall / 1e6) : 0), (uall > 0 ? utot / (uall / 1e6) : 0), rc
			printf " ratio_u_c=%.2f\n", (uall > 0 && call > 0 && ccpu > 0 ? (ucpu / uall) / (ccpu / call) : 0)
		}' | tee -a "$W/runs.txt"
	FS="" UP="" TC=""
}

: > "$W/runs.txt"
{
	echo "run_acct.sh: rates='$RATES' sinks='$SINKS' runs=$R workers=$K storm_secs<=$T c_rcvbuf=$B c_args='$X' upcall_args='--json $V'"
	echo "host: $(nproc) CPUs, $(uname -r), $("$UPCALL" --version 2> /dev/null | head -1) ($UPCALL)"
	load_note
} | tee "$W/summary.txt"
for ((r = 1; r <= R; r++)); do
	for rate in $RATES; do
		for sink in $SINKS; do
			one_run "$rate" "$sink" "$r" || exit 1
		done
	done
done
{
	load_note
	for rate in $RATES; do
		rt=$rate; [ "$rate" = 0 ] && rt=max
		for sink in $SINKS; do
			for f in load1 records_per_s c_loss_pct c_sk_drops u_loss_pct u_loss_events c_s_per_Mrec u_s_per_Mrec u_total_s_per_Mrec ratio_u_c; do
				echo "SUMMARY rate=$rt sink=$sink $f min/median/max: $(grep " rate=$rt sink=$sink " "$W/runs.txt" | while read -r l; do kv "$f" <<< "$l"; done | mmm)"
			done
		done
	done
} | tee -a "$W/summary.txt"
if [ -n "$OUT" ]; then
	mkdir -p "$OUT" && cp "$W/runs.txt" "$W/summary.txt" "$OUT/"
fi
