#!/bin/bash
# run_procs.sh - end-to-end loss and CPU cost of `upcall procs --json` next to the C reference
# listener (cnproc_count), both listening to the SAME forkstorm storm in one run.
#
# One run (per mode, per Upcall variant):
#   1. forkstorm starts paused (-g FILE);
#   2. Upcall starts (`bin/upcall procs <variant>`, JSON to a file) and we wait until it is
#      subscribed (its netlink socket exists and, when it prints everything, a /bin/true we run
#      shows up in its output);
#   3. cnproc_count -P <storm pid> -w FILE subscribes and releases the storm;
#   4. when the storm has ended, cnproc_count has gone idle and Upcall's output has stopped
#      growing, Upcall's CPU time is read from /proc/<pid>/stat and it gets SIGINT (by PID).
# The storm's events in Upcall's output are counted exactly (count_tree.py: the storm pid and the
# tgids it forks) and compared with forkstorm's expected_cn_events; Upcall's own loss reports are
# summed. CPU per million events for Upcall: CPU from subscription to SIGINT (so without JVM start-up;
# the total with start-up is reported too) divided by all proc events it printed, and by the storm's
# expected events. For cnproc_count: its getrusage CPU (whole life) by all events it received.
#
# usage: run_procs.sh [-R runs] [-m 'modes'] [-k workers] [-n cycles] [-t storm_secs] [-b c_rcvbuf]
#                     [-V 'upcall args']... [-x 'cnproc_count args'] [-o outdir] [-K]
#   -m    forkstorm modes, space separated (default 'exit thread')
#   -V    an Upcall variant (repeatable; replaces the defaults); %STORM% becomes the storm pid.
#         Defaults: '--json --no-process', '--json', '--json --tree %STORM%'
#   -b    cnproc_count receive buffer (default 8 MiB, Upcall's default)
#   -x    extra cnproc_count flags, e.g. '-p' (format a text line per event, to /dev/null)
#   -o    copy runs.txt / summary.txt there
#   -K    keep the work folder (Upcall's JSON output) instead of deleting it
# Needs root, gcc (for the C tools), python3, JDK 25 (bin/upcall builds the jar when missing).
# Env: BENCH_SRC (C tool sources, default /work/shared/bench), BENCH_BIN (default /tmp/bench-bin).
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
COUNT_TREE=$ROOT/bench/count_tree.py

R=3 MODES="exit thread" K=8 N=100000000 T=8 B=$((8 << 20)) X="" OUT="" KEEP=0
VARIANTS=()
while getopts "R:m:k:n:t:b:V:x:o:K" o; do
	case $o in
	R) R=$OPTARG ;; m) MODES=$OPTARG ;; k) K=$OPTARG ;; n) N=$OPTARG ;; t) T=$OPTARG ;;
	b) B=$OPTARG ;; V) VARIANTS+=("$OPTARG") ;; x) X=$OPTARG ;; o) OUT=$OPTARG ;; K) KEEP=1 ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=("--json --no-process" "--json" "--json --tree %STORM%")

for b in forkstorm cnproc_count; do
	[ -x "$BENCH_BIN/$b" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
done
command -v python3 > /dev/null || { echo "run_procs.sh: needs python3" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run_procs.sh: needs root (proc connector)" >&2; exit 1; }
build_jar

W=$(mktemp -d "${TMPDIR:-/tmp}/run_procs.XXXXXX")
FS="" UP="" CN=""
cleanup() {
	local p
	for p in $CN $UP $FS; do
		if kill -0 "$p" 2> /dev/null; then kill -TERM "$p" 2> /dev/null; fi
	done
	if [ "$KEEP" = 1 ]; then echo "work files kept in $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_drained FILE PID: until PID's output FILE grew by less than 32 KiB (a few dozen events from the
# rest of the machine, our own sleep included) and PID used under 0.2 s of CPU in one second (at most 30 s)
wait_drained() {
	local i s0 s1 c0 c1
	s0=$(stat -c %s "$1"); c0=$(cpu_ticks "$2")
	for ((i = 0; i < 30; i++)); do
		sleep 1
		s1=$(stat -c %s "$1"); c1=$(cpu_ticks "$2")
		[ $((s1 - s0)) -lt 32768 ] && [ $((c1 - c0)) -lt $((TCK / 5)) ] && return 0
		s0=$s1 c0=$c1
	done
	return 1
}

one_run() { # one_run MODE RUN VARIANT
	local mode=$1 run=$2 variant=$3 args tag i
	rm -f "$W/go" "$W/up.json" "$W/up.err"
	"$BENCH_BIN/forkstorm" -m "$mode" -k "$K" -n "$N" -t "$T" -g "$W/go" > "$W/storm.out" &
	FS=$!
	# wait until the background shell has exec'd forkstorm (else its exec event counts too)
	for ((i = 0; i < 100; i++)); do
		[[ $(readlink "/proc/$FS/exe" 2> /dev/null) == */forkstorm ]] && break
		sleep 0.01
	done
	args=${variant//%STORM%/$FS}
	tag=$(tr ' ' '_' <<< "${variant//%STORM%/STORM}" | sed 's/^_*//; s/--//g')
	# A background job of a script starts with SIGINT ignored, and the JVM then installs no SIGINT
	# handler: give it the default disposition back so that SIGINT ends the stream as on a terminal.
	# shellcheck disable=SC2086
	env --default-signal=INT "$UPCALL" procs $args > "$W/up.json" 2> "$W/up.err" &
	UP=$!
	# subscribed? First its connector socket, then (when it prints every event) our own /bin/true.
	for ((i = 0; i < 200; i++)); do
		kill -0 "$UP" 2> /dev/null || break
		has_netlink_socket "$UP" 11 && break
		sleep 0.1
	done
	if [[ $args == *--tree* || $args == *--pid* ]]; then
		sleep 1
	else
		for ((i = 0; i < 50; i++)); do
			[ -s "$W/up.json" ] && break
			/bin/true
			sleep 0.1
		done
	fi
	if ! kill -0 "$UP" 2> /dev/null || { [[ $args != *--tree* ]] && [ ! -s "$W/up.json" ]; }; then
		echo "run_procs.sh: upcall did not start: $(head -c 500 "$W/up.err")" >&2
		kill -TERM "$FS" 2> /dev/null; wait "$FS" 2> /dev/null; wait "$UP" 2> /dev/null
		return 1
	fi
	local cpu0 cpu1 lines0
	cpu0=$(cpu_ticks "$UP")
	lines0=$(wc -l < "$W/up.json")
	# shellcheck disable=SC2086
	"$BENCH_BIN/cnproc_count" -P "$FS" -w "$W/go" -b "$B" -i 2 -d $((T + 30)) $X > /dev/null 2> "$W/cn.out" &
	CN=$!
	wait "$CN"
	wait "$FS"
	wait_drained "$W/up.json" "$UP" || echo "run_procs.sh: upcall still busy 30 s after the storm" >&2
	cpu1=$(cpu_ticks "$UP")
	kill -INT "$UP"
	for ((i = 0; i < 300; i++)); do kill -0 "$UP" 2> /dev/null || break; sleep 0.1; done
	kill -0 "$UP" 2> /dev/null && { echo "run_procs.sh: upcall ignored SIGINT for 30 s, killing" >&2; kill -KILL "$UP"; }
	wait "$UP"
	local up_rc=$?
	local S L C
	S=$(cat "$W/storm.out")
	L=$(grep '^cnproc_count rcvbuf' "$W/cn.out")
	C=$(python3 "$COUNT_TREE" "$FS" "$W/up.json")
	local up_size
	up_size=$(stat -c %s "$W/up.json")
	rm -f "$W/up.json"
	awk -v run="$run" -v mode="$mode" -v tag="$tag" -v tck="$TCK" -v rc="$up_rc" -v size="$up_size" \
		-v c0="$cpu0" -v c1="$cpu1" -v lines0="$lines0" \
		-v S="$S" -v L="$L" -v C="$C" 'function get(s, k,   n, a, i) {
			n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2)
			return "" }
		BEGIN {
			ex = get(S, "expected_cn_events"); secs = get(S, "secs")
			cm = get(L, "matched"); call = get(L, "events"); ccpu = get(L, "user_s") + get(L, "sys_s")
			um = get(C, "matched"); uall = get(C, "proc")
			ucpu = (c1 - c0) / tck; utot = c1 / tck
			printf "run=%d mode=%s variant=%s storm_cycles_per_s=%s storm_ev_per_s=%.0f expected=%d", run, mode, tag, get(S, "rate"), ex / secs, ex
			printf " c_matched=%d c_loss_pct=%.3f c_seq_gaps=%s c_enobufs=%s c_all_events=%d c_cpu_s=%.3f c_s_per_Mev=%.3f c_s_per_Mev_storm=%.3f", \
				cm, 100 * (ex - cm) / ex, get(L, "seq_gaps"), get(L, "enobufs"), call, ccpu, ccpu / (call / 1e6), ccpu / (ex / 1e6)
			printf " u_matched=%d u_loss_pct=%.3f u_loss_reported=%d u_loss_null=%d u_all_events=%d u_lines_before=%d u_json_mb=%.1f u_cpu_s=%.2f u_cpu_total_s=%.2f u_s_per_Mev=%.3f u_s_per_Mev_storm=%.3f u_total_s_per_Mev=%.3f u_rc=%d", \
				um, 100 * (ex - um) / ex, get(C, "loss_count"), get(C, "loss_null"), uall, lines0, size / 1048576, ucpu, utot, \
				(uall > 0 ? ucpu / (uall / 1e6) : 0), ucpu / (ex / 1e6), (uall > 0 ? utot / (uall / 1e6) : 0), rc
			printf " ratio_u_c=%.2f ratio_u_c_storm=%.2f\n", (uall > 0 && call > 0 ? (ucpu / uall) / (ccpu / call) : 0), (ucpu / ex) / (ccpu / ex)
		}' | tee -a "$W/runs.txt"
	FS="" UP="" CN=""
}

: > "$W/runs.txt"
{
	echo "run_procs.sh: modes='$MODES' runs=$R workers=$K cycles<=$N storm_secs<=$T c_rcvbuf=$B c_args='$X' variants: $(printf "'%s' " "${VARIANTS[@]}")"
	echo "host: $(nproc) CPUs, $(uname -r), $("$UPCALL" --version 2> /dev/null | head -1)"
	load_note
} | tee "$W/summary.txt"
for mode in $MODES; do
	for ((r = 1; r <= R; r++)); do
		for v in "${VARIANTS[@]}"; do
			one_run "$mode" "$r" "$v" || exit 1
		done
	done
done
{
	load_note
	for mode in $MODES; do
		for v in "${VARIANTS[@]}"; do
			tag=$(tr ' ' '_' <<< "${v//%STORM%/STORM}" | sed 's/^_*//; s/--//g')
			for f in storm_ev_per_s c_loss_pct u_loss_pct u_loss_reported c_s_per_Mev u_s_per_Mev u_s_per_Mev_storm u_total_s_per_Mev ratio_u_c ratio_u_c_storm; do
				echo "SUMMARY mode=$mode variant=$tag $f min/median/max: $(grep " mode=$mode variant=$tag " "$W/runs.txt" | while read -r l; do kv "$f" <<< "$l"; done | mmm)"
			done
		done
	done
} | tee -a "$W/summary.txt"
if [ -n "$OUT" ]; then
	mkdir -p "$OUT" && cp "$W/runs.txt" "$W/summary.txt" "$OUT/"
fi
