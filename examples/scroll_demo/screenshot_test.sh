#!/usr/bin/env bash
# The demo's screenshot test under Xvfb (GL on llvmpipe): the run scrolls unattended, checks its
# last frame (text in every visible line, clean margins, text in the overlay) and writes it as
# PNG.
#
# Usage: screenshot_test.sh SCROLL_DEMO OUT_DIR   (ctest runs it as scroll_demo_screenshots)
set -euo pipefail

demo=$1
out=$2
frames=${GLYPHSTREAM_DEMO_FRAMES:-120}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

fail() {
  echo "screenshot_test: FAIL: $*" >&2
  exit 1
}

# run NAME ARGS...: one unattended run in its own X server; the log in $out/NAME.log.
run() {
  local name=$1
  shift
  echo "screenshot_test: $name: $*"
  if ! timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$demo" --auto-scroll \
    --frames "$frames" --screenshot "$out/$name.png" --check "$@" >"$out/$name.log" 2>&1; then
    cat "$out/$name.log" >&2
    fail "$name (log above)"
  fi
  cat "$out/$name.log"
  # The demo exits non-zero on any validation message; a message in the log fails too.
  if grep -q "vulkan validation" "$out/$name.log"; then fail "$name: validation messages"; fi
}

run gl
echo "screenshot_test: OK: GL screenshot checked"
