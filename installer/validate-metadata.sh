#!/usr/bin/env bash
# The package's metadata through its validators: desktop-file-validate on the .desktop file,
# appstreamcli validate --no-net on the configured metainfo, and every groff warning (-ww) on each
# configured man page. Any complaint fails.
#   installer/validate-metadata.sh SOURCE_DIR GENERATED_DIR     (ctest: package_metadata)
set -euo pipefail
source_dir=$1 gen=$2
status=0
check() { # NAME COMMAND...: fails on a non-zero exit or any output on stderr
  local name=$1 err
  shift
  if ! err=$("$@" 2>&1 >/dev/null) || [ -n "$err" ]; then
    echo "FAIL: $name" >&2
    [ -z "$err" ] || echo "$err" >&2
    status=1
  else
    echo "ok: $name"
  fi
}
# desktop-file-validate prints its complaints on stdout.
out=$(desktop-file-validate "$source_dir/resources/flowinspector.desktop" 2>&1) && [ -z "$out" ] &&
  echo "ok: desktop-file-validate" || { echo "FAIL: desktop-file-validate"; echo "$out"; status=1; } >&2
shopt -s nullglob
metainfo=("$gen"/*.metainfo.xml)
[ ${#metainfo[@]} -eq 1 ] || { echo "FAIL: no single metainfo in $gen" >&2; status=1; }
for m in "${metainfo[@]}"; do
  out=$(appstreamcli validate --no-net --explain "$m" 2>&1) && echo "ok: appstreamcli validate $(basename "$m")" ||
    { echo "FAIL: appstreamcli validate"; echo "$out"; status=1; } >&2
done
pages=("$gen"/man/*.1)
[ ${#pages[@]} -ge 1 ] || { echo "FAIL: no man page in $gen/man" >&2; status=1; }
for page in "${pages[@]}"; do
  check "man --warnings $(basename "$page")" env MANWIDTH=80 man --warnings=w -l "$page"
  grep -q '@[A-Z_]*@' "$page" && { echo "FAIL: $page has an unconfigured @VARIABLE@" >&2; status=1; }
done
exit $status
