#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS (default 60) with ASan+UBSan, seeded from the corpus
# (../shared/corpus when present, the demo capture, and what earlier runs found), and prints the
# executions of each. Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_decode fuzz_capture fuzz_filter fuzz_stream fuzz_analysis)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" --target "${targets[@]}"

work="$root/build-fuzz/corpus"
mkdir -p "$work"
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  seeds=()
  case $t in
    fuzz_capture)
      seeds+=("$root/resources/demo" "$here/regressions/capture")
      [ -d "$root/../shared/corpus" ] && seeds+=("$root/../shared/corpus/tcpdump" "$root/../shared/corpus/zeek")
      ;;
    fuzz_decode)
      seeds+=("$here/regressions/decode")
      if [ -d "$root/../shared/corpus" ]; then # the corpus captures' first frames
        python3 "$here/frames_from_captures.py" "$work/fuzz_decode-frames" "$root/../shared/corpus/tcpdump" \
          "$root/../shared/corpus/zeek"
        seeds+=("$work/fuzz_decode-frames")
      fi
      ;;
    fuzz_filter) seeds+=("$here/regressions/filter") ;;
    fuzz_stream) seeds+=("$here/regressions/stream") ;;
    fuzz_analysis) seeds+=("$here/regressions/analysis") ;;
  esac
  existing=()
  for s in "${seeds[@]}"; do [ -d "$s" ] && existing+=("$s"); done
  echo "== $t, $seconds s"
  ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$root/build-fuzz/tests/fuzz/$t" -max_total_time="$seconds" -max_len=1048576 -timeout=10 \
    -artifact_prefix="$root/build-fuzz/$t-" "$work/$t" "${existing[@]}" 2>&1 |
    grep -E "^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|Done [0-9]+ runs" | tail -3
done
