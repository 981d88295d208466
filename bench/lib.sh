# lib.sh - what the end-to-end benchmark scripts share; sourced, not run.
# Sets ROOT (the project), BENCH_SRC (the C tools' sources), BENCH_BIN (where they are built), UPCALL.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_SRC=${BENCH_SRC:-$(cd "$ROOT/../shared/bench" 2> /dev/null && pwd || echo /work/shared/bench)}
export BENCH_BIN=${BENCH_BIN:-${TMPDIR:-/tmp}/bench-bin}
UPCALL=$ROOT/bin/upcall

# cpu_ticks PID: utime+stime of the whole process (all threads), in clock ticks
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2> /dev/null | awk '{print $12 + $13}'; }

# build_jar: the CLI jar, built once outside any measurement (bin/upcall would otherwise do it in run 1)
build_jar() {
	if [ ! -f "$ROOT/upcall-cli/target/upcall.jar" ]; then
		(cd "$ROOT" && mvn -B -q -DskipTests -pl upcall-cli -am package) || exit 1
	fi
}
