#!/usr/bin/env bash
# The tracing core's speed and memory benchmark, every figure measured in this one run:
#   1. `flowinspector-cli stats` against a plain pcap_next_ex loop (fi-pcap-loop) over the same
#      capture: the time ratio and stats' peak memory (goal: at most 2.0x, 64 MiB);
#   2. `flowinspector-cli trace -f pcap` writing every flow to its own file, against `stats`:
#      the time ratio and peak memory (goal: at most 10x), under `ulimit -n 256`;
#   3. the floor of that: fi-file-floor writing the same files (names and sizes) with nothing
#      but open, write and close, against `stats` and against `trace -f pcap`.
#
# Every trace and floor run writes into a directory of its own, and all are removed only at the
# end: on ext4 without a journal, creating files within minutes of deleting many others costs
# several times more (the inode allocator skips the recently deleted inodes one by one), which
# would measure the previous run's deletion, not this one's writing.
#
#   tests/benchmarks/run_core_benchmark.sh [BUILD_DIR] [CAPTURE]
#
# BUILD_DIR (default: build) must already hold the built flowinspector-cli, fi-pcap-loop and
# fi-make-capture; this script builds nothing. Without CAPTURE, a 2,000,000-packet capture
# (about 1.1 GB, 250,000 flows) is made with fi-make-capture in a temporary directory that is
# removed at the end (PACKETS and FLOWS, the number of connections, change its size). RUNS
# (default 3) runs of each program, alternately, after one read of the file so that all see a
# warm page cache; the median wall times give the ratios. Needs /usr/bin/time (package time).

set -euo pipefail

build=${1:-build}
capture=${2:-}
runs=${RUNS:-3}
packets=${PACKETS:-2000000}
flows=${FLOWS:-80000}

die() { echo "run_core_benchmark: $*" >&2; exit 1; }

[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
cli=$build/app/flowinspector-cli
loop=$build/tests/benchmarks/fi-pcap-loop
make=$build/tests/benchmarks/fi-make-capture
floor=$build/tests/benchmarks/fi-file-floor
[[ -x $cli ]] || die "$cli not built"
[[ -x $loop ]] || die "$loop not built"
[[ -x $floor ]] || die "$floor not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/fi-core-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ -z $capture ]]; then
    [[ -x $make ]] || die "$make not built"
    capture=$work/bench.pcap
    echo "== making the capture ($packets packets, $flows connections)"
    "$make" "$capture" --packets "$packets" --flows "$flows"
fi
[[ -r $capture ]] || die "$capture: cannot read"
size=$(stat -c %s "$capture")
echo "== capture: $capture ($size bytes)"

echo "== warming the page cache"
cat "$capture" > /dev/null

# The wall time in seconds of a /usr/bin/time -v report ("h:mm:ss" or "m:ss.cc").
wall_seconds() {
    sed -n 's/^.*Elapsed (wall clock) time.*): //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; ++i) s = s * 60 + $i; printf "%.3f\n", s }'
}
# field LABEL FILE: the value of one line of a /usr/bin/time -v report.
field() {
    sed -n "s/^[[:space:]]*$1: //p" "$2"
}
peak_kib() {
    field "Maximum resident set size (kbytes)" "$1"
}
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run NAME N COMMAND...: one timed run; its output goes to $work/NAME.N.{out,err,time}, and
# its wall time in seconds, taken around /usr/bin/time with nanosecond resolution (the report's
# own "Elapsed" has only centiseconds), to $work/NAME.N.wall.
run() {
    local name=$1 n=$2
    shift 2
    local start end
    start=$(date +%s%N)
    if ! /usr/bin/time -v -o "$work/$name.$n.time" "$@" > "$work/$name.$n.out" 2> "$work/$name.$n.err"; then
        cat "$work/$name.$n.err" >&2
        die "$name run $n failed: $*"
    fi
    end=$(date +%s%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }' > "$work/$name.$n.wall"
    printf '   %-9s run %d: %7.3f s wall (time -v: %s s, user %s s, sys %s s), peak RSS %6d KiB\n' \
        "$name" "$n" "$(cat "$work/$name.$n.wall")" "$(wall_seconds "$work/$name.$n.time")" \
        "$(field "User time (seconds)" "$work/$name.$n.time")" \
        "$(field "System time (seconds)" "$work/$name.$n.time")" "$(peak_kib "$work/$name.$n.time")"
}

echo "== $runs runs of each, alternately"
for ((n = 1; n <= runs; ++n)); do
    run baseline "$n" "$loop" "$capture"
    run stats "$n" "$cli" stats "$capture"
    run trace "$n" bash -c 'ulimit -n 256 && exec "$0" trace "$1" -o "$2" -f pcap' "$cli" "$capture" "$work/out.$n"
    if ((n == 1)); then
        find "$work/out.1" -maxdepth 1 -type f -printf '%s %f\n' > "$work/files.txt"
    fi
    run floor "$n" "$floor" "$work/files.txt" "$work/floor.$n"
done
files=$(wc -l < "$work/files.txt")

echo "== baseline: $(cat "$work/baseline.1.out")"
echo "== stats:    $(cat "$work/stats.1.out")"
echo "== trace:    $(cat "$work/trace.1.out") ($files files)"
echo "== floor:    $(cat "$work/floor.1.out")"

peak() { for f in "$work"/$1.*.time; do peak_kib "$f"; done | sort -n | tail -1; }
base_wall=$(cat "$work"/baseline.*.wall | median)
stats_wall=$(cat "$work"/stats.*.wall | median)
trace_wall=$(cat "$work"/trace.*.wall | median)
floor_wall=$(cat "$work"/floor.*.wall | median)
echo "== median wall time: baseline ${base_wall} s, stats ${stats_wall} s, trace -f pcap ${trace_wall} s, floor ${floor_wall} s"
echo "== machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
awk -v s="$stats_wall" -v b="$base_wall" -v t="$trace_wall" -v f="$floor_wall" -v sr="$(peak stats)" \
    -v br="$(peak baseline)" -v tr="$(peak trace)" 'BEGIN {
    ratio = b > 0 ? s / b : 0
    printf "stats/pcap_next_ex time ratio: %.2fx, peak RSS %.0f MiB (baseline %.0f MiB)", ratio, sr / 1024, br / 1024
    printf " [goal: <= 2.0x, <= 64 MiB: %s]\n", (ratio <= 2.0 && sr / 1024 <= 64) ? "goal met" : "GOAL MISSED"
    tratio = s > 0 ? t / s : 0
    printf "trace -f pcap/stats time ratio: %.2fx, peak RSS %.0f MiB", tratio, tr / 1024
    printf " [goal: <= 10x: %s]\n", tratio <= 10 ? "goal met" : "GOAL MISSED"
    fratio = s > 0 ? f / s : 0
    tfratio = f > 0 ? t / f : 0
    printf "floor (the same files by open/write/close)/stats time ratio: %.2fx; trace -f pcap/floor: %.2fx\n", fratio, tfratio
}'
