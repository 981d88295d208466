#!/bin/bash
# run_audit_parse.sh - CPU cost of parsing a large auditd log (RAW) into interpreted events, on one core:
# `upcall audit parse --json FILE`, `ausearch -i --input FILE` and laurel, on the same file, in the same run.
#
# The log: the seed (bench/data/audit-seed.log.gz, a real capture made here by capture_audit_seed.sh:
# execve with hex, split and 250 arguments, syscall, path, cwd, proctitle, sockaddr, user messages)
# repeated until it has at least -L lines; copy k has its serials shifted by k times the seed's serial
# span and its seconds by k times its time span, so that every event stays distinct and in order.
# It is generated into a temp dir (with a half-size log beside it) and deleted at exit.
#
# One run measures, each pinned to CPU -c with taskset, CPU seconds (user+sys from /usr/bin/time, the
# whole process with its threads and children) of:
#   upcall        bin/upcall audit parse --json FILE > /dev/null   (JVM start-up included)
#   upcall_half   the same on the half-size log: the steady-state rate is
#                 (lines - half_lines) / (cpu_upcall - cpu_upcall_half), start-up and warm-up cancelled out
#   ausearch      ausearch -i --input FILE > /dev/null
#   laurel        laurel -c CONF < FILE, CONF naming an output directory in the temp dir (its JSON goes there)
# and prints lines per CPU-second for each and the ratios upcall/ausearch and upcall/laurel of that run.
# Before the runs, once and unmeasured, it counts the events each tool makes of the log.
#
# usage: run_audit_parse.sh [-R runs] [-L lines] [-c cpu] [-s seed.log[.gz]] [-o outdir] [-K]
#   -L  at least this many lines (default 886000)   -c  the CPU to pin to (default: the last one)
#   -o  copy runs.txt / summary.txt there            -K  keep the work folder
# Needs ausearch (auditd package), laurel (Debian package), python3, JDK 25 (the jar is built when missing).
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
R=3 L=886000 CPU=$(($(nproc) - 1)) SEED=$ROOT/bench/data/audit-seed.log.gz OUT="" KEEP=0
while getopts "R:L:c:s:o:K" o; do
	case $o in
	R) R=$OPTARG ;; L) L=$OPTARG ;; c) CPU=$OPTARG ;; s) SEED=$OPTARG ;; o) OUT=$OPTARG ;; K) KEEP=1 ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
for t in ausearch laurel python3 taskset /usr/bin/time; do
	command -v "$t" > /dev/null || { echo "run_audit_parse.sh: needs $t" >&2; exit 1; }
done
build_jar

W=$(mktemp -d "${TMPDIR:-/tmp}/run_audit_parse.XXXXXX")
cleanup() {
	if [ "$KEEP" = 1 ]; then echo "work files kept in $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_note() { echo "loadavg: $(cut -d' ' -f1-4 /proc/loadavg)  date: $(date -u +%FT%TZ)  uptime:$(uptime)"; }

# make_log SEED LINES OUT: the seed repeated with shifted serials and seconds (bounded: at most 100,000 copies)
make_log() {
	python3 - "$1" "$2" "$3" << 'EOF'
import gzip, re, sys
seed, want, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
opener = gzip.open if seed.endswith(".gz") else open
with opener(seed, "rt", encoding="utf-8", errors="surrogateescape") as f:
    lines = f.read().splitlines()
header = re.compile(r"msg=audit\((\d+)\.(\d+):(\d+)\)")
parts = []
for line in lines:
    m = header.search(line)
    if not m:
        sys.exit("not an auditd log line: " + line[:80])
    parts.append((line[:m.start()], int(m.group(1)), m.group(2), int(m.group(3)), line[m.end():]))
secs = [p[1] for p in parts]
serials = [p[3] for p in parts]
dsec = max(secs) - min(secs) + 1
dserial = max(serials) - min(serials) + 1
copies = min(-(-want // len(parts)), 100000)
with open(out, "w", encoding="utf-8", errors="surrogateescape") as o:
    for k in range(copies):
        o.write("".join("%smsg=audit(%d.%s:%d)%s\n" % (a, s + k * dsec, ms, n + k * dserial, b)
                        for a, s, ms, n, b in parts))
print(copies * len(parts))
EOF
}

LINES=$(make_log "$SEED" "$L" "$W/audit.log") || exit 1
HALF=$(make_log "$SEED" $((L / 2)) "$W/half.log") || exit 1
mkdir -p "$W/laurel"
cat > "$W/laurel.toml" << EOF
# laurel's configuration for this benchmark: its JSON into the temp dir, one file (no rotation during the run)
directory = "$W/laurel"
user = "root"
[auditlog]
file = "audit.json"
size = 100000000000
generations = 2
EOF

# cpu_of TAG CMD...: runs CMD on CPU $CPU; prints TAG=<user+sys seconds>, or fails
cpu_of() {
	local tag=$1
	shift
	if ! /usr/bin/time -f "%U %S" -o "$W/time.$tag" taskset -c "$CPU" "$@" 2> "$W/err.$tag"; then
		echo "run_audit_parse.sh: $tag failed: $(tail -c 600 "$W/err.$tag")" >&2
		return 1
	fi
	awk -v t="$tag" 'END { printf "%s=%.2f", t, $1 + $2 }' "$W/time.$tag"
}
run_upcall() { "$UPCALL" audit parse --json "$1" > /dev/null; }
run_ausearch() { ausearch -i --input "$1" > /dev/null; }
run_laurel() { rm -f "$W/laurel/"*; laurel -c "$W/laurel.toml" < "$1"; }
export -f run_upcall run_ausearch run_laurel
export UPCALL W

{
	echo "run_audit_parse.sh: runs=$R cpu=$CPU lines=$LINES half_lines=$HALF seed=$SEED ($(zcat -f "$SEED" | wc -l) lines)"
	echo "host: $(nproc) CPUs, $(uname -r), $("$UPCALL" --version 2> /dev/null | head -1), $(ausearch --version 2>&1 | head -1), laurel $(laurel --version 2>&1 | head -1)"
	load_note
	# events each tool makes of the log (not timed)
	up_events=$("$UPCALL" audit parse --json "$W/audit.log" | wc -l)
	up_malformed=$("$UPCALL" audit parse --json "$W/audit.log" | grep -c '"type":"malformed"')
	au_events=$(ausearch -i --input "$W/audit.log" 2> /dev/null | grep -c '^----')
	run_laurel "$W/audit.log" 2> "$W/laurel.count.err"
	la_events=$(cat "$W/laurel/"* | wc -l)
	echo "events: upcall=$up_events (malformed $up_malformed) ausearch=$au_events laurel=$la_events"
} | tee "$W/summary.txt"

: > "$W/runs.txt"
for ((r = 1; r <= R; r++)); do
	u=$(cpu_of upcall bash -c 'run_upcall "$W/audit.log"') || exit 1
	h=$(cpu_of upcall_half bash -c 'run_upcall "$W/half.log"') || exit 1
	a=$(cpu_of ausearch bash -c 'run_ausearch "$W/audit.log"') || exit 1
	l=$(cpu_of laurel bash -c 'run_laurel "$W/audit.log"') || exit 1
	echo "run=$r lines=$LINES half_lines=$HALF cpu_s: $u $h $a $l" | awk -v L="$LINES" -v H="$HALF" '
		function get(k,   i, a) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) { split($i, a, "="); return a[2] } }
		{
			u = get("upcall"); h = get("upcall_half"); a = get("ausearch"); l = get("laurel")
			ur = L / u; us = (u > h ? (L - H) / (u - h) : 0); ar = L / a; lr = L / l
			printf "%s upcall_lps=%.0f upcall_steady_lps=%.0f ausearch_lps=%.0f laurel_lps=%.0f", $0, ur, us, ar, lr
			printf " ratio_upcall_ausearch=%.2f ratio_upcall_laurel=%.2f ratio_steady_ausearch=%.2f ratio_steady_laurel=%.2f\n", \
				ur / ar, ur / lr, us / ar, us / lr
		}' | tee -a "$W/runs.txt"
done
{
	load_note
	for f in upcall ausearch laurel upcall_half upcall_lps upcall_steady_lps ausearch_lps laurel_lps ratio_upcall_ausearch \
		ratio_upcall_laurel ratio_steady_ausearch ratio_steady_laurel; do
		echo "SUMMARY audit-parse $f min/median/max: $(while read -r line; do kv "$f" <<< "$line"; done < "$W/runs.txt" | mmm)"
	done
} | tee -a "$W/summary.txt"
if [ -n "$OUT" ]; then
	mkdir -p "$OUT" && cp "$W/runs.txt" "$W/summary.txt" "$OUT/"
fi
