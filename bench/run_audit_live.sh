#!/bin/bash
# run_audit_live.sh - `upcall audit watch --json` live under a fork+exec storm with an execve audit rule,
# next to the C reference reader (audit_count -g), both on the read-only multicast group.
#
# Cases, interleaved within each of -R runs (forkstorm -m exec -k K -t T each time):
#   norule  no audit rule, no listener: the storm's own rate
#   rule    the rule, no listener: the storm's rate with auditing (the kernel still formats every record)
#   c       the rule and audit_count -g
#   upcall  the rule and upcall audit watch --json
#   both    the rule, upcall and audit_count -g on the same storm: CPU per record and loss side by side
# The rule is `-a always,exit -F arch=b64 -S execve -k upcall-bench-<pid>`, added before each storm and
# deleted after it; auditing is enabled for the run. At exit (also on failure and signals) the rule is
# deleted and the enabled flag, backlog_limit and backlog_wait_time are restored; only processes this
# script started are stopped, by PID.
#
# Per run: storm execs/s and its slowdown against `rule` of the same run; records received per second
# of storm (records / storm seconds); the kernel's `lost` delta (global, from auditctl -s); for
# audit_count its getrusage CPU over its life / records received (EOE included); for Upcall its CPU
# (utime+stime of the JVM) from subscription until its output stops growing, / records in its events
# (+ the EOE that closed each), JVM start-up excluded (the total with it is printed too), its `loss`
# events, and how many of the storm's execs reached its output as events with the rule's key.
# Upcall's JSON goes to a file on /dev/shm (counted, then deleted): -D sends it to /dev/null instead
# (then there is nothing to count but CPU).
#
# -w N warms Upcall up first: with the rule in place it runs N /bin/true, waits until Upcall is idle, then
# empties its output and only then reads its CPU, so that the figure is the steady state without the JIT
# compiling the audit path during the storm (audit_count starts after the warm-up).
#
# usage: run_audit_live.sh [-R runs] [-k workers] [-t storm_secs] [-B backlog_limit] [-C 'cases'] [-w warm_execs] [-D] [-o outdir]
# Needs root, auditctl (auditd package), gcc (the C tools), python3, JDK 25.
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
R=3 K=$(($(nproc) * 4)) T=8 BL="" CASES="norule rule c upcall both" DEVNULL=0 OUT="" WARM=0
while getopts "R:k:t:B:C:w:Do:" o; do
	case $o in
	R) R=$OPTARG ;; k) K=$OPTARG ;; t) T=$OPTARG ;; B) BL=$OPTARG ;; C) CASES=$OPTARG ;; D) DEVNULL=1 ;; o) OUT=$OPTARG ;;
	w) WARM=$OPTARG ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run_audit_live.sh: needs root" >&2; exit 1; }
command -v auditctl > /dev/null || { echo "run_audit_live.sh: needs auditctl (apt-get install auditd)" >&2; exit 1; }
for b in forkstorm audit_count; do
	[ -x "$BENCH_BIN/$b" ] || "$BENCH_SRC/build.sh" >&2 || exit 1
done
build_jar

W=$(mktemp -d "${TMPDIR:-/tmp}/run_audit_live.XXXXXX")
UJSON=/dev/shm/run_audit_live.$$.json
KEY=upcall-bench-$$
RULE=(-F arch=b64 -S execve -k "$KEY")
st() { auditctl -s | awk -v k="$1" '$1 == k {print $2}'; }
EN0=$(st enabled) BL0=$(st backlog_limit) BW0=$(st backlog_wait_time)
UP="" CR="" FS=""
cleanup() {
	local p
	for p in $FS $CR $UP; do
		if kill -0 "$p" 2> /dev/null; then kill -TERM "$p" 2> /dev/null; wait "$p" 2> /dev/null; fi
	done
	auditctl -d always,exit "${RULE[@]}" > /dev/null 2>&1
	auditctl -b "$BL0" > /dev/null
	auditctl --backlog_wait_time "$BW0" > /dev/null
	auditctl -e "$EN0" > /dev/null
	rm -rf "$W" "$UJSON"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_note() { echo "loadavg: $(cut -d' ' -f1-4 /proc/loadavg)  date: $(date -u +%FT%TZ)  uptime:$(uptime)"; }
# upcall_idle: Upcall's output grew by less than 4 KiB and it used under 0.1 s of CPU in 1 s (at most 30 s)
upcall_idle() {
	local i s0 s1 c0 c1
	s0=$(stat -c %s "$UOUT" 2> /dev/null || echo 0); c0=$(cpu_ticks "$UP")
	for ((i = 0; i < 30; i++)); do
		sleep 1
		s1=$(stat -c %s "$UOUT" 2> /dev/null || echo 0); c1=$(cpu_ticks "$UP")
		[ $((s1 - s0)) -lt 4096 ] && [ $((c1 - c0)) -lt $((TCK / 10)) ] && return 0
		s0=$s1 c0=$c1
	done
	return 1
}

auditctl -e 1 > /dev/null || exit 1
[ -n "$BL" ] && { auditctl -b "$BL" > /dev/null || exit 1; }
UOUT=$UJSON
[ "$DEVNULL" = 1 ] && UOUT=/dev/null

one_run() { # one_run CASE RUN
	local c=$1 run=$2 i cpu0=0 cpu1=0 lost0 lost1 S A="" U="" up_rc=""
	if [[ $c == upcall || $c == both ]]; then
		rm -f "$UJSON"
		# appending: the output can be emptied after the warm-up while Upcall writes on
		"$UPCALL" audit watch --json >> "$UOUT" 2> "$W/up.err" &
		UP=$!
		for ((i = 0; i < 300; i++)); do
			kill -0 "$UP" 2> /dev/null || break
			has_netlink_socket "$UP" 9 && break
			sleep 0.1
		done
		sleep 0.5
		kill -0 "$UP" 2> /dev/null || { echo "run_audit_live.sh: upcall did not start: $(head -c 500 "$W/up.err")" >&2; return 1; }
		if [ "$WARM" -gt 0 ]; then
			auditctl -a always,exit "${RULE[@]}" > /dev/null || return 1
			for ((i = 0; i < WARM && i < 100000; i++)); do /bin/true; done
			auditctl -d always,exit "${RULE[@]}" > /dev/null
			upcall_idle || echo "run_audit_live.sh: upcall still busy 30 s after the warm-up" >&2
			[ "$DEVNULL" = 1 ] || : > "$UJSON"
		fi
		cpu0=$(cpu_ticks "$UP")
	fi
	if [[ $c == c || $c == both ]]; then
		rm -f "$W/ready"
		"$BENCH_BIN/audit_count" -g -d $((T + 60)) -i 3 -w "$W/ready" 2> "$W/c.out" &
		CR=$!
		for ((i = 0; i < 50; i++)); do [ -e "$W/ready" ] && break; sleep 0.1; done
		[ -e "$W/ready" ] || { echo "run_audit_live.sh: audit_count did not start: $(cat "$W/c.out")" >&2; return 1; }
	fi
	[ "$c" != norule ] && { auditctl -a always,exit "${RULE[@]}" > /dev/null || return 1; }
	lost0=$(st lost)
	S=$("$BENCH_BIN/forkstorm" -m exec -k "$K" -n 100000000 -t "$T")
	[ "$c" != norule ] && auditctl -d always,exit "${RULE[@]}" > /dev/null
	if [ -n "$CR" ]; then
		wait "$CR"
		A=$(grep '^audit_count mode' "$W/c.out")
		CR=""
	fi
	if [ -n "$UP" ]; then
		upcall_idle || echo "run_audit_live.sh: upcall still busy 30 s after the storm" >&2
		cpu1=$(cpu_ticks "$UP")
		kill -INT "$UP"
		for ((i = 0; i < 300; i++)); do kill -0 "$UP" 2> /dev/null || break; sleep 0.1; done
		kill -0 "$UP" 2> /dev/null && { echo "run_audit_live.sh: upcall ignored SIGINT for 30 s" >&2; kill -KILL "$UP"; }
		wait "$UP"
		up_rc=$?
		UP=""
		if [ "$DEVNULL" = 1 ]; then
			U="events=0 records=0 key_events=0 loss_events=0 loss_count=0"
		else
			U=$(python3 - "$UJSON" "$KEY" << 'EOF'
import json, sys
events = records = key_events = loss_events = loss_count = 0
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("source") == "audit":
            events += 1
            rs = e.get("records") or []
            records += len(rs) + (1 if any(r.get("type") == "syscall" for r in rs) else 0)  # + its EOE
            if e.get("key") and sys.argv[2] in e["key"].split(","):
                key_events += 1
        elif e.get("type") == "loss":
            loss_events += 1
            loss_count += e.get("count") or 0
print("events=%d records=%d key_events=%d loss_events=%d loss_count=%d" % (events, records, key_events, loss_events, loss_count))
EOF
)
			rm -f "$UJSON"
		fi
	fi
	lost1=$(st lost)
	echo "case=$c run=$run $S lost_delta=$((lost1 - lost0)) C: $A U: $U u_cpu0=$cpu0 u_cpu1=$cpu1 u_rc=$up_rc" >> "$W/raw.txt"
	awk -v c="$c" -v run="$run" -v tck="$TCK" -v c0="$cpu0" -v c1="$cpu1" -v lost=$((lost1 - lost0)) \
		-v S="$S" -v A="$A" -v U="$U" -v rc="$up_rc" 'function get(s, k,   n, a, i) {
			n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2)
			return "" }
		BEGIN {
			secs = get(S, "secs"); execs = get(S, "cycles")
			printf "case=%s run=%d execs_per_s=%s execs=%s storm_s=%s lost_delta=%d", c, run, get(S, "rate"), execs, secs, lost
			if (A != "") {
				cr = get(A, "records"); ccpu = get(A, "user_s") + get(A, "sys_s")
				printf " c_records=%d c_records_per_s=%.0f c_syscall=%s c_enobufs=%s c_cpu_s=%.3f c_s_per_Mrec=%.2f", \
					cr, cr / secs, get(A, "syscall"), get(A, "enobufs"), ccpu, (cr > 0 ? ccpu / (cr / 1e6) : 0)
			}
			if (U != "") {
				ur = get(U, "records"); ucpu = (c1 - c0) / tck
				printf " u_records=%d u_records_per_s=%.0f u_events=%s u_key_events=%s u_key_pct=%.2f u_loss_events=%s u_loss_count=%s", \
					ur, ur / secs, get(U, "events"), get(U, "key_events"), (execs > 0 ? 100 * get(U, "key_events") / execs : 0), \
					get(U, "loss_events"), get(U, "loss_count")
				printf " u_cpu_s=%.2f u_cpu_total_s=%.2f u_s_per_Mrec=%.2f u_rc=%s", ucpu, c1 / tck, (ur > 0 ? ucpu / (ur / 1e6) : 0), rc
				if (A != "" && ur > 0 && cr > 0) printf " ratio_u_c_cpu_per_rec=%.2f", (ucpu / ur) / (ccpu / cr)
			}
			printf "\n"
		}' | tee -a "$W/runs.txt"
}

: > "$W/runs.txt"
{
	echo "run_audit_live.sh: runs=$R workers=$K storm_secs=$T cases='$CASES' warm_execs=$WARM key=$KEY upcall_out=$UOUT"
	echo "host: $(nproc) CPUs, $(uname -r), $("$UPCALL" --version 2> /dev/null | head -1)"
	echo "audit before: enabled=$EN0 backlog_limit=$BL0 backlog_wait_time=$BW0; using backlog_limit=$(st backlog_limit) pid=$(st pid)"
	load_note
} | tee "$W/summary.txt"
for ((r = 1; r <= R; r++)); do
	for c in $CASES; do
		one_run "$c" "$r" || exit 1
	done
	# slowdown of each case against `rule` in the same run
	base=$(grep "^case=rule run=$r " "$W/runs.txt" | kv execs_per_s)
	if [ -n "$base" ]; then
		for c in $CASES; do
			rate=$(grep "^case=$c run=$r " "$W/runs.txt" | kv execs_per_s)
			echo "slowdown case=$c run=$r pct=$(awk -v a="$rate" -v b="$base" 'BEGIN { printf "%.1f", 100 * (1 - a / b) }')" | tee -a "$W/runs.txt"
		done
	fi
done
{
	load_note
	for c in $CASES; do
		for f in execs_per_s lost_delta c_records_per_s c_s_per_Mrec c_enobufs u_records_per_s u_key_pct u_loss_count u_s_per_Mrec u_cpu_total_s ratio_u_c_cpu_per_rec; do
			v=$(grep "^case=$c " "$W/runs.txt" | while read -r l; do kv "$f" <<< "$l"; done)
			[ -n "$v" ] && echo "SUMMARY audit-live case=$c $f min/median/max: $(mmm <<< "$v")"
		done
		v=$(grep "^slowdown case=$c " "$W/runs.txt" | while read -r l; do kv pct <<< "$l"; done)
		[ -n "$v" ] && echo "SUMMARY audit-live case=$c slowdown_pct_vs_rule min/median/max: $(mmm <<< "$v")"
	done
} | tee -a "$W/summary.txt"
if [ -n "$OUT" ]; then
	mkdir -p "$OUT" && cp "$W/runs.txt" "$W/summary.txt" "$W/raw.txt" "$OUT/"
fi
