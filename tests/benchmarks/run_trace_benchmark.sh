#!/usr/bin/env bash
# The per-flow files benchmark: `flowinspector-cli trace CAPTURE -o DIR -f FORMAT` against
# `flowinspector-cli stats` over the same capture, both timed with /usr/bin/time -v.
#
#   tests/benchmarks/run_trace_benchmark.sh [BUILD_DIR] [CAPTURE]
#
# BUILD_DIR (default: build) must already hold the built flowinspector-cli and, without
# CAPTURE, fi-make-capture; this script builds nothing. Without CAPTURE, a 2,000,000-packet
# capture is made in a temporary directory (PACKETS and FLOWS in the environment change it).
# RUNS (default 3) runs of each, alternately, after one read of the capture so that both see a
# warm page cache; each trace writes a new directory under OUT (default: the temporary
# directory; give one on the disk you care about), removed after the run and outside its
# timing (how long that removal takes is printed too). FORMAT (default pcap) is the trace's
# format. The goal: trace at most 10x the time of stats; the peak RSS is printed.

set -euo pipefail

build=${1:-build}
capture=${2:-}
runs=${RUNS:-3}
packets=${PACKETS:-2000000}
flows=${FLOWS:-20000}
format=${FORMAT:-pcap}

die() { echo "run_trace_benchmark: $*" >&2; exit 1; }

[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
cli=$build/app/flowinspector-cli
make=$build/tests/benchmarks/fi-make-capture
[[ -x $cli ]] || die "$cli not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/fi-trace-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=${OUT:-$work}
mkdir -p "$out"

if [[ -z $capture ]]; then
    [[ -x $make ]] || die "$make not built"
    capture=$work/bench.pcap
    echo "== making the capture ($packets packets, $flows connections)"
    "$make" "$capture" --packets "$packets" --flows "$flows"
fi
[[ -r $capture ]] || die "$capture: cannot read"
echo "== capture: $capture ($(stat -c %s "$capture") bytes), trace -f $format into $out"

echo "== warming the page cache"
cat "$capture" > /dev/null

field() { sed -n "s/^[[:space:]]*$1: //p" "$2"; }
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'; }

# run NAME N COMMAND...: one timed run; wall seconds (nanosecond clock) to $work/NAME.N.wall.
run() {
    local name=$1 n=$2 start
    shift 2
    start=$(date +%s%N)
    if ! /usr/bin/time -v -o "$work/$name.$n.time" "$@" > "$work/$name.$n.out" 2> "$work/$name.$n.err"; then
        cat "$work/$name.$n.err" >&2
        die "$name run $n failed: $*"
    fi
    seconds_since "$start" > "$work/$name.$n.wall"
    printf '   %-6s run %d: %8.3f s wall, user %s s, sys %s s, peak RSS %7d KiB\n' "$name" "$n" \
        "$(cat "$work/$name.$n.wall")" "$(field "User time (seconds)" "$work/$name.$n.time")" \
        "$(field "System time (seconds)" "$work/$name.$n.time")" \
        "$(field "Maximum resident set size (kbytes)" "$work/$name.$n.time")"
}

echo "== $runs runs of each, alternately"
for ((n = 1; n <= runs; ++n)); do
    dir=$out/fi-trace-bench-out.$$.$n
    run trace "$n" "$cli" trace "$capture" -o "$dir" -f "$format"
    start=$(date +%s%N)
    rm -rf "$dir"
    printf '   (removing its %s output: %s s)\n' "$format" "$(seconds_since "$start")"
    run stats "$n" "$cli" stats "$capture"
done

echo "== trace: $(cat "$work/trace.1.out")"
echo "== stats: $(cat "$work/stats.1.out")"
trace_wall=$(cat "$work"/trace.*.wall | median)
stats_wall=$(cat "$work"/stats.*.wall | median)
trace_rss=$(for f in "$work"/trace.*.time; do field "Maximum resident set size (kbytes)" "$f"; done | sort -n | tail -1)
awk -v t="$trace_wall" -v s="$stats_wall" -v r="$trace_rss" 'BEGIN {
    ratio = s > 0 ? t / s : 0
    printf "median wall: trace %.3f s, stats %.3f s; trace/stats %.2fx, trace peak RSS %.0f MiB", t, s, ratio, r / 1024
    printf " [goal: <= 10x: %s]\n", ratio <= 10 ? "goal met" : "GOAL MISSED"
}'
