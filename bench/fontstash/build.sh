#!/usr/bin/env bash
# Builds the fontstash side of the cold-page comparison (issue 26, "The cold page" in
# docs/performance/issue-26-speed.md) in a scratch folder outside the repository. fontstash's code
# never enters the repository and this script fetches nothing: put fontstash's src/fontstash.h
# (github.com/memononen/fontstash, measured: commit 06670f0) into the folder yourself first.
#
#   mkdir -p /tmp/fontstash-harness && cp /path/to/fontstash/src/fontstash.h /tmp/fontstash-harness/
#   bench/fontstash/build.sh /tmp/fontstash-harness      # -> /tmp/fontstash-harness/harness
#   /tmp/fontstash-harness/harness                       # one JSON line per run (a fresh process)
set -euo pipefail
dir=${1:-/tmp/fontstash-harness}
here=$(cd "$(dirname "$0")" && pwd)
if [[ ! -f "$dir/fontstash.h" ]]; then
  echo "build.sh: $dir/fontstash.h is missing (see the comment at the top of this script)" >&2
  exit 2
fi
build() {  # build OUTPUT INCLUDE_DIR
  cc -O2 -g -std=c99 -D_POSIX_C_SOURCE=199309L -w -I"$2" $(pkg-config --cflags freetype2) \
    "$here/harness.c" -o "$1" $(pkg-config --libs freetype2) -lm
  echo "$1"
}
build "$dir/harness" "$dir"
# A variant without hinting (glyphstream's default, --hinting none): fontstash's FreeType
# backend loads with FT_LOAD_RENDER alone, which hints; the copy here adds FT_LOAD_NO_HINTING.
mkdir -p "$dir/nohint"
sed 's/FT_Load_Glyph(font->font, glyph, FT_LOAD_RENDER)/FT_Load_Glyph(font->font, glyph, FT_LOAD_RENDER | FT_LOAD_NO_HINTING)/' \
  "$dir/fontstash.h" >"$dir/nohint/fontstash.h"
grep -q FT_LOAD_NO_HINTING "$dir/nohint/fontstash.h" || { echo "build.sh: no FT_Load_Glyph to patch" >&2; exit 2; }
build "$dir/harness-nohint" "$dir/nohint"
