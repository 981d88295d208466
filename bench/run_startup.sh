#!/bin/bash
# run_startup.sh - start-up time of bin/upcall, measured with hyperfine: `procs --json --count 1` (start to the
# first event), `doctor` and `--version`, for one or more checkouts in the same run (before/after a change).
#
# "To the first event": a paced forkstorm (`-m exec -k 1 -r RATE`, one fork+exec+exit of /bin/true every
# 1/RATE s) runs for the whole measurement, so an event follows the subscription within 1/RATE s (2.5 ms on
# average at the default 200/s, plus whatever else the machine runs). `--count 1` then exits on it.
# Each checkout's bin/upcall is timed as a user runs it: script, JVM, AOT cache if the checkout has one.
#
# usage: run_startup.sh [-R reps] [-n runs] [-r rate] [-o outdir] [CHECKOUT...]
#   -R    repetitions: each runs every checkout in turn (interleaved), default 3
#   -n    hyperfine runs per command and repetition (default 20; 3 warm-up runs before)
#   -r    forkstorm exec cycles per second during the runs (default 200)
#   -o    copy the hyperfine JSON exports and summary.txt there
#   CHECKOUT  a folder with bin/upcall and a built upcall-cli/target/upcall.jar (default: this one)
# Needs root (proc connector), hyperfine (apt-get install hyperfine), gcc (forkstorm), JDK 25.
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

R=3 N=20 RATE=200 OUT=""
while getopts "R:n:r:o:" o; do
	case $o in
	R) R=$OPTARG ;; n) N=$OPTARG ;; r) RATE=$OPTARG ;; o) OUT=$OPTARG ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
CHECKOUTS=("$@")
[ ${#CHECKOUTS[@]} -gt 0 ] || CHECKOUTS=("$ROOT")

command -v hyperfine > /dev/null || { echo "run_startup.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
command -v python3 > /dev/null || { echo "run_startup.sh: needs python3" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run_startup.sh: needs root (proc connector)" >&2; exit 1; }
[ -x "$BENCH_BIN/forkstorm" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
build_jar
for c in "${CHECKOUTS[@]}"; do
	# A first run outside the measurement: it builds the jar (and the AOT cache) when they are missing.
	"$c/bin/upcall" --version > /dev/null || exit 1
done

W=$(mktemp -d "${TMPDIR:-/tmp}/run_startup.XXXXXX")
LOADER=""
cleanup() {
	# forkstorm's worker is its child: the loader runs in its own process group, ended whole.
	if [ -n "$LOADER" ] && kill -0 "$LOADER" 2> /dev/null; then kill -TERM -- "-$LOADER"; fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Bounded: at most an hour, at most RATE cycles/s for it.
setsid "$BENCH_BIN/forkstorm" -m exec -k 1 -r "$RATE" -n $((RATE * 3600)) -t 3600 > "$W/loader.out" 2>&1 &
LOADER=$!
sleep 0.5

echo "loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)  $(date -u +%FT%TZ)" | tee "$W/summary.txt"
for rep in $(seq "$R"); do
	i=0
	for c in "${CHECKOUTS[@]}"; do
		i=$((i + 1))
		hyperfine -N --output=null --runs "$N" --warmup 3 --export-json "$W/c$i-rep$rep.json" \
			"$c/bin/upcall procs --json --count 1" "$c/bin/upcall doctor" "$c/bin/upcall --version" > /dev/null 2>&1 ||
			{ echo "run_startup.sh: hyperfine failed for $c" >&2; exit 1; }
	done
done
echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)  $(date -u +%FT%TZ)" | tee -a "$W/summary.txt"

# Per checkout and command: wall time min / median / max over all runs of all repetitions, the spread of the
# repetitions' medians, and CPU time (user + system, all threads: less moved by a loaded machine than wall time),
# the mean over all runs.
python3 - "$W" "${CHECKOUTS[@]}" << 'EOF' | tee -a "$W/summary.txt"
import json, glob, statistics, sys
w, checkouts = sys.argv[1], sys.argv[2:]
print(f"{'checkout':24} {'command':24} {'wall ms: min / median / max':28} {'rep medians':14} {'CPU ms':>6}  runs")
for i, c in enumerate(checkouts, 1):
    per = {}
    for f in sorted(glob.glob(f"{w}/c{i}-rep*.json")):
        for r in json.load(open(f))["results"]:
            cmd = r["command"].split("/bin/upcall ", 1)[1]
            e = per.setdefault(cmd, {"times": [], "medians": [], "cpu": []})
            e["times"] += r["times"]; e["medians"].append(r["median"]); e["cpu"].append(r["user"] + r["system"])
    for cmd, e in per.items():
        t = sorted(e["times"]); m = sorted(e["medians"])
        print(f"{c[-24:]:24} {cmd:24} {t[0]*1000:6.0f} / {statistics.median(t)*1000:6.0f} / {t[-1]*1000:6.0f}   "
              f"{m[0]*1000:5.0f}-{m[-1]*1000:<5.0f}   {statistics.mean(e['cpu'])*1000:6.0f}  {len(t)}")
EOF
if [ -n "$OUT" ]; then
	mkdir -p "$OUT" && cp "$W"/*.json "$W/summary.txt" "$OUT/"
fi
