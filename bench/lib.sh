# lib.sh - what the end-to-end benchmark scripts share; sourced, not run.
# Sets ROOT (the project), BENCH_SRC (the C tools' sources), BENCH_BIN (where they are built), UPCALL.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_SRC=${BENCH_SRC:-$(cd "$ROOT/../shared/bench" 2> /dev/null && pwd || echo /work/shared/bench)}
export BENCH_BIN=${BENCH_BIN:-${TMPDIR:-/tmp}/bench-bin}
UPCALL=$ROOT/bin/upcall

# TCK: clock ticks per second, the unit of cpu_ticks
TCK=$(getconf CLK_TCK)

# cpu_ticks PID: utime+stime of the whole process (all threads), in clock ticks
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2> /dev/null | awk '{print $12 + $13}'; }

# build_jar: the CLI jar, built once outside any measurement (bin/upcall would otherwise do it in run 1)
build_jar() {
	if [ ! -f "$ROOT/upcall-cli/target/upcall.jar" ]; then
		(cd "$ROOT" && mvn -B -q -DskipTests -pl upcall-cli -am package) || exit 1
	fi
}

# kv KEY: the value of KEY=... in a line of key=value words on standard input
kv() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }

# mmm: "min / median / max (n=N)" of a column of numbers on standard input
mmm() {
	sort -g | awk '{a[NR]=$1} END {
		if (NR == 0) { print "n/a"; exit }
		m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
		printf "%s / %s / %s (n=%d)\n", a[1], m, a[NR], NR }'
}

# load_note: the load average and the time, for each run's record of how busy the machine was
load_note() { echo "loadavg: $(cut -d' ' -f1-4 /proc/loadavg)  date: $(date -u +%FT%TZ)"; }

# has_netlink_socket PID FAMILY: true when PID holds a netlink socket of FAMILY (9 audit, 11 connector, 16 generic)
has_netlink_socket() {
	local inodes
	inodes=$(find "/proc/$1/fd" -maxdepth 1 -lname 'socket:*' -printf '%l\n' 2> /dev/null | tr -dc '0-9\n')
	[ -n "$inodes" ] || return 1
	awk -v list="$inodes" -v family="$2" 'BEGIN { n = split(list, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		NR > 1 && $2 == family && ($10 in want) { found = 1 } END { exit !found }' /proc/net/netlink
}
