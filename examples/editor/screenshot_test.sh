#!/usr/bin/env bash
# The editor under Xvfb (GL on llvmpipe, Vulkan on lavapipe with the validation layer), driven through its input layer by --script (synthetic
# clicks, drags and keys, one event per frame; no X input is faked). Each run's last frame is
# checked by the editor against the layout's own answers (--check: the caret's pixels where
# TextLayout::caret() puts it, the selection's where selection_rects() puts it, behind the text,
# and no pixel outside the panel's clip), and its final state must show what the script did.
#
# Usage: screenshot_test.sh EDITOR OUT_DIR   (ctest runs it as editor_screenshots)
set -euo pipefail

editor=$1
out=$2
mkdir -p "$out"

fail() {
  echo "editor screenshot_test: FAIL: $*" >&2
  exit 1
}

here=$(cd "$(dirname "$0")" && pwd)

# run1 NAME SCRIPT ARGS...: one scripted run in its own X server; the log in $out/NAME.log.
run1() {
  local name=$1 script=$2
  shift 2
  if ! timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$editor" --size 900x620 \
    --script "$script" --trace --screenshot "$out/$name.png" --check "$@" >"$out/$name.log" 2>&1; then
    cat "$out/$name.log" >&2
    fail "$name (log above)"
  fi
  grep "editor: final\|editor: check" "$out/$name.log"
  grep -q "editor: check: OK" "$out/$name.log" || fail "$name: the frame was not checked"
  if grep -q "vulkan validation" "$out/$name.log"; then fail "$name: validation messages"; fi
}

# run NAME SCRIPT: on GL (NAME) and on Vulkan (NAME-vulkan), the same picture.
run() {
  local name=$1 script=$2
  echo "editor screenshot_test: $name: $script"
  run1 "$name" "$script" --backend gl
  GLYPHSTREAM_VK_VALIDATION=1 run1 "$name-vulkan" "$script" --backend vulkan
  grep -q "validation)" "$out/$name-vulkan.log" || fail "$name: Vulkan ran without validation"
  python3 "$here/../scroll_demo/compare_png.py" "$out/$name.png" "$out/$name-vulkan.png" ||
    fail "$name: the Vulkan frame differs from the GL one ($out/$name{,-vulkan}.png)"
}

# final NAME: the final state line of a run.
final() { grep "editor: final" "$out/$1.log"; }
# selection NAME: "START END" of the final selection.
selection() { final "$1" | sed -E 's/.*selection \[([0-9]+), ([0-9]+)\).*/\1 \2/'; }
caret() { final "$1" | sed -E 's/.*caret ([0-9]+) .*/\1/'; }

# A drag across the Latin, Arabic and Hebrew paragraphs, extended by Shift+Right.
run drag-bidi "click 300 70; drag 120 80 700 200; shift+key right; shift+key right"
read -r s e <<<"$(selection drag-bidi)"
[ "$s" -lt "$e" ] || fail "drag-bidi: no selection ($s, $e)"

# Scrolled so that lines are cut by the panel's top and bottom edges; a selection by keys;
# centred.
run scrolled-clip "scroll 157; click 400 300; key down; key down; shift+key down; shift+key down; key align"
read -r s e <<<"$(selection scrolled-clip)"
[ "$s" -lt "$e" ] || fail "scrolled-clip: no selection"
final scrolled-clip | grep -q "align center" || fail "scrolled-clip: not centred"
final scrolled-clip | grep -q "scroll 0.0" && fail "scrolled-clip: not scrolled"

# Right-aligned; shift-click selects from the caret to the click.
run right-aligned "key align; key align; click 820 100; shift-click 500 330"
read -r s e <<<"$(selection right-aligned)"
[ "$s" -lt "$e" ] || fail "right-aligned: no selection"
final right-aligned | grep -q "align right" || fail "right-aligned: not right-aligned"

# Keys: each Right press moves the caret (the trace shows every step).
run keys "click 60 60; key right; key right; key right; key end; shift+key home"
steps=$(grep "editor: event" "$out/keys.log" | sed -E 's/.*caret ([0-9]+) .*/\1/' | tr '\n' ' ')
read -r -a c <<<"$steps"
[ "${c[1]}" -lt "${c[2]}" ] && [ "${c[2]}" -lt "${c[3]}" ] && [ "${c[3]}" -lt "${c[4]}" ] ||
  fail "keys: Right did not move the caret forward in Latin text (carets: $steps)"
read -r s e <<<"$(selection keys)"
[ "$s" -lt "$e" ] || fail "keys: Shift+Home selected nothing"

echo "editor screenshot_test: OK: caret, selection and clip match the layout in every run;" \
  "Vulkan == GL, no validation message"
