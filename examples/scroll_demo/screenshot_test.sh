#!/usr/bin/env bash
# The demo's screenshot test under Xvfb: GL (llvmpipe) and Vulkan (lavapipe, validation layer
# with synchronization validation on: the demo exits non-zero on any message). Each run scrolls
# unattended, checks its last frame (text in every visible line, clean margins, text in the
# overlay) and writes it as PNG. Vulkan must give the same picture in async, sync and
# live-switched upload modes (as GL does in scripts/test-install.sh), and the same pixels as GL:
# on this machine both rasterize on the CPU (llvmpipe, lavapipe) with the same blending, and
# they agree exactly. A resized window (swap chain recreated mid-run) is checked the same way.
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
  if grep -q "vulkan validation" "$out/$name.log"; then fail "$name: validation messages"; fi
}

# same A B WHAT: the two screenshots are pixel-identical.
same() {
  python3 "$here/compare_png.py" "$out/$1.png" "$out/$2.png" || fail "$3 ($out/{$1,$2}.png)"
}

run gl --backend gl
run gl-resized --backend gl --resize-at 30
export GLYPHSTREAM_VK_VALIDATION=1
run vulkan-async --backend vulkan --upload-mode async
grep -q "validation)" "$out/vulkan-async.log" || fail "the Vulkan run did not enable validation"
run vulkan-sync --backend vulkan --upload-mode sync
run vulkan-live --backend vulkan --upload-mode async --switch-mode-every 7
run vulkan-resized --backend vulkan --resize-at 30
run vulkan-stats --backend vulkan --show-stats

same vulkan-async vulkan-sync "Vulkan async and sync screenshots differ"
same vulkan-async vulkan-live "switching the upload mode live changed the Vulkan picture"
same gl vulkan-async "the Vulkan screenshot differs from the GL one"
same gl-resized vulkan-resized "after a resize, the Vulkan screenshot differs from the GL one"
grep -q " 900x640 " "$out/vulkan-resized.log" || fail "the resized Vulkan window is not 900x640"
echo "screenshot_test: OK: Vulkan == GL (also resized), Vulkan async == sync == live," \
  "no validation message"
