#!/bin/bash
# run_guard.sh - open()+close() latency under `upcall guard` (allowing everything) next to the C
# FAN_OPEN_PERM responder (fan_listen) and no listener, in the same run, pinned the same way.
#
# One run, per pinning: openbench with no listener; fan_listen (mount mark on a private tmpfs, answers
# FAN_ALLOW at once) then openbench; `upcall guard MNT --mount --json` then openbench. Each listener
# gets a warm-up openbench (-n N/10, not counted: the JIT's first seconds are not the guard's steady
# state). Pinnings: same (listener and opener on CPU 0), cross (listener CPU 0, opener CPU 1), free.
# Added latency = case - none; ratio = guard's added latency / fan_listen's, per run.
# The guard's JSON goes to a file: its lines and loss reports are counted (every open is one event).
#
# usage: run_guard.sh [-R runs] [-n opens] [-w warm-up opens] [pinnings...]   (default: -R 3 -n 100000 -w N/10 same cross free)
# UPCALL_JARS="LABEL=JAR ..." measures each of several builds of the guard in every run and pinning, one after the
# other, beside the same no-listener and fan_listen figures (before/after comparisons on a noisy machine); default:
# this tree's upcall-cli/target/upcall.jar, labelled "tree".
# Needs root, gcc (C tools), JDK 25.
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
R=3 N=100000 WARM=""
while getopts "R:n:w:" o; do
	case $o in R) R=$OPTARG ;; n) N=$OPTARG ;; w) WARM=$OPTARG ;; *) exit 2 ;; esac
done
WARM=${WARM:-$((N / 10))}
shift $((OPTIND - 1))
PINS=${*:-same cross free}
for b in openbench fan_listen; do
	[ -x "$BENCH_BIN/$b" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
done
[ "$(id -u)" = 0 ] || { echo "run_guard.sh: needs root" >&2; exit 1; }
[ -n "${UPCALL_JARS:-}" ] || build_jar
JARS=${UPCALL_JARS:-tree=$ROOT/upcall-cli/target/upcall.jar}
for lj in $JARS; do [ -f "${lj#*=}" ] || { echo "run_guard.sh: no jar ${lj#*=}" >&2; exit 1; }; done
JAVA=${UPCALL_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
W=$(mktemp -d "${TMPDIR:-/tmp}/run_guard.XXXXXX")
MNT=$W/mnt
mkdir -p "$MNT"
mount -t tmpfs -o size=16m benchguard "$MNT" || exit 1
LP=""
cleanup() { [ -n "$LP" ] && kill -KILL "$LP" 2> /dev/null; umount "$MNT"; rm -rf "$W"; }
trap cleanup EXIT
echo "small file" > "$MNT/file"

# marked PID: true once PID holds a fanotify mark
marked() { grep -qs '^fanotify ' /proc/"$1"/fdinfo/* 2> /dev/null; }
bench() { $OPIN "$BENCH_BIN/openbench" -n "$1" "$MNT/file" | tr ' ' '\n' | sed -n 's/^ns_per_open=//p'; }

echo "run_guard.sh: runs=$R opens=$N warm-up=$WARM pinnings='$PINS' jars='$JARS' loadavg: $(cut -d' ' -f1-3 /proc/loadavg) date: $(date -u +%FT%TZ)"
: > "$W/runs.txt"
for ((i = 1; i <= R; i++)); do
	for pin in $PINS; do
		case $pin in
		same) LPIN="taskset -c 0" OPIN="taskset -c 0" ;;
		cross) LPIN="taskset -c 0" OPIN="taskset -c 1" ;;
		*) LPIN="" OPIN="" ;;
		esac
		none=$(bench "$N")
		rm -f "$W/ready"
		$LPIN "$BENCH_BIN/fan_listen" -d 300 -w "$W/ready" "$MNT" 2> "$W/listener.out" &
		LP=$!
		t=0; while [ ! -e "$W/ready" ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
		bench "$WARM" > /dev/null
		c=$(bench "$N")
		kill -INT "$LP"; wait "$LP"; LP=""
		for lj in $JARS; do
			label=${lj%%=*} jar=${lj#*=}
			$LPIN "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$jar" guard "$MNT" --mount \
				--json > "$W/guard.jsonl" 2> "$W/guard.err" &
			LP=$!
			t=0; while ! marked "$LP" && [ $t -lt 600 ]; do sleep 0.1; t=$((t + 1)); done
			marked "$LP" || { cat "$W/guard.err"; exit 1; }
			bench "$WARM" > /dev/null
			g=$(bench "$N")
			sleep 1
			kill -TERM "$LP"; wait "$LP"; LP=""
			[ -s "$W/guard.err" ] && sed 's/^/  guard stderr: /' "$W/guard.err"
			lines=$(grep -c '"source":"access"' "$W/guard.jsonl")
			loss=$(grep -c '"type":"loss"' "$W/guard.jsonl")
			timeouts=$(grep -c '"timed_out":true' "$W/guard.jsonl")
			# The guard's own share: from reading the event to writing the answer (median over the measured opens).
			in_guard=$(tail -n "$N" "$W/guard.jsonl" | sed -n 's/.*"latency_us":\([0-9]*\).*/\1/p' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
			echo "run=$i pin=$pin jar=$label none_ns=$none fan_listen_ns=$c guard_ns=$g" \
				"added_c_ns=$((c - none)) added_guard_ns=$((g - none))" \
				"ratio=$(awk -v a=$((g - none)) -v b=$((c - none)) 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
				"guard_read_to_answer_median_us=$in_guard guard_events=$lines expected=$((N + WARM)) guard_loss_reports=$loss guard_timeouts=$timeouts" | tee -a "$W/runs.txt"
		done
	done
done
for pin in $PINS; do for lj in $JARS; do
	echo "SUMMARY pin=$pin jar=${lj%%=*} ratio min/median/max: $(grep " pin=$pin jar=${lj%%=*} " "$W/runs.txt" | tr ' ' '\n' | sed -n 's/^ratio=//p' | sort -g \
		| awk '{a[NR]=$1} END { m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%s / %s / %s (n=%d)\n", a[1], m, a[NR], NR }')"
done; done
echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
