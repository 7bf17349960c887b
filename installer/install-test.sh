#!/usr/bin/env bash
# The package as a person installs it: builds the .deb from a build directory (cpack), installs
# it into this machine with apt-get, runs the installed flowinspector-cli and flowinspector on
# the demo capture, removes the package with --purge and checks that nothing it installed is
# left; lintian checks the package first. Needs root (it installs into this machine); skipped
# with a message otherwise.
#
#   installer/install-test.sh [BUILD_DIR]     (default: build-ci, built)
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD
build_dir=$(realpath "${1:-build-ci}")
demo=$source_dir/resources/demo/demo.pcapng

say() { echo "install-test: $*"; }
fail() { echo "install-test: FAILED: $*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  say "skipped: installing a package needs root"
  exit 0
fi
installed() { dpkg-query -W -f='${Status}' flowinspector 2>/dev/null | grep -q "install ok installed"; }
installed && fail "flowinspector is installed already; remove it first (this test removes what it installs)"
[ -f "$build_dir/CPackConfig.cmake" ] || fail "$build_dir is not a configured build directory"

work=$(mktemp -d)
cleanup() {
  if installed; then
    say "removing the package after a failure"
    DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq flowinspector >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say "building the package"
(cd "$build_dir" && cpack -G DEB -B "$work/package" >"$work/cpack.log") || { cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/package/flowinspector_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single flowinspector_*.deb"
deb=${debs[0]}
say "$(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"

say "lintian (an error fails; the warnings kept are listed in the README)"
lintian --fail-on error "$deb" || fail "lintian finds an error"

say "installing it with apt-get"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
installed || fail "apt-get install left the package not installed"
dpkg -L flowinspector >"$work/listed"
# What the package owns: its files, and its directories that no other package holds.
files=() dirs=()
while IFS= read -r path; do
  if [ -d "$path" ] && [ ! -L "$path" ]; then dirs+=("$path"); else files+=("$path"); fi
done <"$work/listed"
say "installed ${#files[@]} files"

version=$(dpkg-query -W -f='${Version}' flowinspector)
[ "$(/usr/bin/flowinspector-cli --version)" = "flowinspector-cli $version" ] || fail "flowinspector-cli --version is not $version"
[ "$(/usr/bin/flowinspector --version)" = "flowinspector $version" ] || fail "flowinspector --version is not $version"

say "flowinspector-cli index on the demo capture"
/usr/bin/flowinspector-cli index "$demo" >"$work/index.json" || fail "flowinspector-cli index exited $?"
head -c 16 "$work/index.json" | grep -q '^{' || fail "the index is not a JSON object"
grep -q '^ "flows": \[' "$work/index.json" || fail "the index has no flows array"
flows=$(grep -c '^   "label": ' "$work/index.json" || true)
[ "$flows" -gt 0 ] || fail "the index lists no flow"
# The installed binary gives what the tested build gives.
if [ -x "$build_dir/app/flowinspector-cli" ]; then
  "$build_dir/app/flowinspector-cli" index "$demo" | cmp -s - "$work/index.json" ||
    fail "the installed flowinspector-cli indexes the demo capture differently from $build_dir"
fi
say "  $flows flows"

say "flowinspector, offscreen, on the demo capture (--quit-after-load)"
status=0
QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/config" timeout 120 \
  /usr/bin/flowinspector --quit-after-load "$demo" >"$work/gui.log" 2>&1 || status=$?
[ "$status" -eq 0 ] || { cat "$work/gui.log"; fail "flowinspector exited $status"; }

say "the man pages and the MIME types"
for page in flowinspector flowinspector-cli; do
  [ -n "$(MANWIDTH=80 man "$page" 2>"$work/man.err" | head -1)" ] || fail "man $page shows nothing"
  [ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man $page warns"; }
done
if [ -f /usr/share/mime/globs2 ]; then # shared-mime-info installed: its trigger has run
  for glob in '*.pcap.gz' '*.pcapng.gz' '*.pcap.zst' '*.pcapng.zst' '*.pcapng'; do
    grep -qF ":$glob" /usr/share/mime/globs2 || fail "no MIME type for $glob in /usr/share/mime/globs2"
  done
fi

say "removing it with apt-get remove --purge"
DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq flowinspector >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get remove"; }
! installed || fail "the package is still installed"
left=0
for path in "${files[@]}"; do
  if [ -e "$path" ] || [ -L "$path" ]; then echo "  left: $path" >&2; left=1; fi
done
for dir in "${dirs[@]}"; do
  # Left rightly: a directory another package owns, or one that holds others' files.
  if [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ] && ! dpkg-query -S "$dir" >/dev/null 2>&1; then
    echo "  left, empty: $dir" >&2; left=1
  fi
done
[ "$left" -eq 0 ] || fail "files of the package are left after its removal"
say "passed: installed, ran, removed; nothing of it left"
