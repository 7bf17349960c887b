#!/usr/bin/env bash
# The sanitizer run of CI: builds the `asan` preset (Debug, AddressSanitizer and
# UndefinedBehaviorSanitizer, warnings are errors), runs the whole test suite in it, then runs
# every capture of ../shared/corpus (when present) through the CLI's `index`, `analyze` and
# `trace -f payload` in it. Any sanitizer report fails the run (halt_on_error, and a report's
# own exit status, 99, that no command of the CLI uses). A capture the CLI refuses (exit 1, a
# clear message) is fine: the corpus holds broken files on purpose.
#
#   .ci/sanitizers.sh            from the source tree's root (after .ci/deps.sh)
#   JOBS=N .ci/sanitizers.sh     captures checked N at a time (default: the processors)
set -euo pipefail
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=halt_on_error=1:exitcode=99:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:exitcode=99:print_stacktrace=1

cmake --preset asan
cmake --build --preset asan
ctest --preset asan

corpus=../shared/corpus
if [ ! -d "$corpus" ]; then
  echo "sanitizers: $corpus is not present beside the source tree: the corpus pass is skipped"
  exit 0
fi

cli=$PWD/build-asan/app/flowinspector-cli
work=$(mktemp -d "${TMPDIR:-/tmp}/fi-sanitizers.XXXXXX")
trap 'rm -rf "$work"' EXIT

# check CAPTURE: the three commands on one capture; prints one line per command that a
# sanitizer stopped (its report goes to $work/reports), nothing when all is well.
check() {
  local capture=$1 name out status args
  name=$(printf '%s' "$capture" | tr '/' '_')
  for command in index analyze payload; do
    out=$work/$name.$command
    case $command in
      payload) args=(trace -f payload -o "$out.dir" "$capture") ;;
      *) args=("$command" "$capture") ;;
    esac
    "$cli" "${args[@]}" >/dev/null 2>"$out.err" && status=0 || status=$?
    rm -rf "$out.dir"
    if [ "$status" -gt 1 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$out.err"; then
      echo "sanitizers: $command $capture: exit status $status"
      { echo "== $command $capture (exit status $status)"; cat "$out.err"; } >>"$work/reports"
    fi
    rm -f "$out.err"
  done
}
export -f check
export cli work

captures=$(find "$corpus" -type f ! -path "$corpus/expected/*" ! -name '*.md' ! -name '*.json' | sort)
count=$(printf '%s\n' "$captures" | wc -l)
echo "sanitizers: $count captures of $corpus through index, analyze and trace -f payload"
failures=$(printf '%s\n' "$captures" | xargs -d '\n' -P "${JOBS:-$(nproc)}" -I{} bash -c 'check "$1"' _ {})
if [ -n "$failures" ]; then
  printf '%s\n' "$failures"
  cat "$work/reports"
  echo "sanitizers: $(printf '%s\n' "$failures" | wc -l) of $((count * 3)) runs stopped by a sanitizer or crashed"
  exit 1
fi
echo "sanitizers: $((count * 3)) runs, no sanitizer report"
