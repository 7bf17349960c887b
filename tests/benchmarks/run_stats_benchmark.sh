#!/usr/bin/env bash
# The `stats` speed and memory benchmark: `flowinspector-cli stats` against a plain
# pcap_next_ex loop (fi-pcap-loop) over the same capture, both timed with /usr/bin/time -v.
#
#   tests/benchmarks/run_stats_benchmark.sh [BUILD_DIR] [CAPTURE]
#
# BUILD_DIR (default: build) must already hold the built flowinspector-cli, fi-pcap-loop and
# fi-make-capture; this script builds nothing. Without CAPTURE, a 2,000,000-packet capture
# (about 1.3 GB) is made with fi-make-capture in a temporary directory that is removed at the
# end (PACKETS and FLOWS in the environment change its size). RUNS (default 3) runs of each
# program, alternately, after one read of the file so that both see a warm page cache; the
# median wall times give the ratio. The goal: ratio at most about 2.5, stats peak RSS under
# 100 MiB.

set -euo pipefail

build=${1:-build}
capture=${2:-}
runs=${RUNS:-3}
packets=${PACKETS:-2000000}
flows=${FLOWS:-20000}

die() { echo "run_stats_benchmark: $*" >&2; exit 1; }

[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
cli=$build/app/flowinspector-cli
loop=$build/tests/benchmarks/fi-pcap-loop
make=$build/tests/benchmarks/fi-make-capture
[[ -x $cli ]] || die "$cli not built"
[[ -x $loop ]] || die "$loop not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/fi-stats-bench.XXXXXX")
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
done

echo "== baseline: $(cat "$work/baseline.1.out")"
echo "== stats:    $(cat "$work/stats.1.out")"

base_wall=$(cat "$work"/baseline.*.wall | median)
stats_wall=$(cat "$work"/stats.*.wall | median)
base_rss=$(for f in "$work"/baseline.*.time; do peak_kib "$f"; done | sort -n | tail -1)
stats_rss=$(for f in "$work"/stats.*.time; do peak_kib "$f"; done | sort -n | tail -1)

echo "== median wall time: baseline ${base_wall} s, stats ${stats_wall} s"
awk -v s="$stats_wall" -v b="$base_wall" -v sr="$stats_rss" -v br="$base_rss" 'BEGIN {
    ratio = b > 0 ? s / b : 0
    printf "stats/pcap_next_ex time ratio: %.2fx, peak RSS %.0f MiB (baseline %.0f MiB)", ratio, sr / 1024, br / 1024
    verdict = (ratio <= 2.5 && sr / 1024 < 100) ? "goal met" : "GOAL MISSED"
    printf " [goal: <= 2.5x, < 100 MiB: %s]\n", verdict
}'
