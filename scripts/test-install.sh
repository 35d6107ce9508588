#!/usr/bin/env bash
# glyphstream as an application sees it: installs into a fresh temporary prefix, builds
# examples/scroll_demo against that prefix alone, checks the pkg-config file with a tiny
# program, runs the demo under Xvfb (GLX on Mesa) in async and sync modes and compares the
# screenshots (and a run that switches the mode live, and one with --backend vulkan on lavapipe
# with the validation layer). Exits non-zero with a message on any
# failure.
#
# Usage: scripts/test-install.sh [BUILD_DIR]   (default: build/; configured if it is not yet)
# ctest runs it as `install_and_example` (cmake/GlyphstreamInstall.cmake).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$src/build}")
jobs=${GLYPHSTREAM_JOBS:-2}
frames=${GLYPHSTREAM_DEMO_FRAMES:-300}

say() { echo "test-install: $*"; }
fail() {
  echo "test-install: FAIL: $*" >&2
  exit 1
}

for tool in cmake pkg-config c++ xvfb-run xauth python3; do
  command -v "$tool" >/dev/null || fail "'$tool' is missing (scripts/install-deps.sh installs it)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/glyphstream-install.XXXXXX")
cleanup() {
  local rc=$?
  if ((rc == 0)); then rm -rf "$work"; else echo "test-install: kept $work for inspection" >&2; fi
}
trap cleanup EXIT
prefix=$work/prefix

# --- 1. Build what gets installed (a no-op after a full build) --------------------------------
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f $build/CMakeCache.txt ]]; then
  say "configuring $build"
  cmake -S "$src" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGLYPHSTREAM_BUILD_TESTS=OFF -DGLYPHSTREAM_BUILD_BENCH=OFF >/dev/null ||
    fail "cannot configure $build"
fi
targets=(glyphstream)
if grep -q '^GLYPHSTREAM_BUILD_TOOLS:BOOL=ON' "$build/CMakeCache.txt"; then
  targets+=(glyphstream-render)
  if grep -q '^GLYPHSTREAM_BUILD_BENCH:BOOL=ON' "$build/CMakeCache.txt"; then
    targets+=(glyphstream-bench)
  fi
fi
say "building ${targets[*]} in $build"
cmake --build "$build" -j "$jobs" --target "${targets[@]}" >"$work/build.log" 2>&1 || {
  tail -n 40 "$work/build.log" >&2
  fail "building glyphstream failed"
}

# --- 2. Install into a fresh prefix -----------------------------------------------------------
say "installing into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || {
  cat "$work/install.log" >&2
  fail "cmake --install failed"
}
config=$(find "$prefix" -path '*/cmake/glyphstream/glyphstreamConfig.cmake' | head -n 1)
pcfile=$(find "$prefix" -path '*/pkgconfig/glyphstream.pc' | head -n 1)
[[ -f $prefix/include/glyphstream/text_system.h ]] || fail "headers not installed"
[[ -n $config ]] || fail "glyphstreamConfig.cmake not installed"
[[ -f $(dirname "$config")/glyphstreamConfigVersion.cmake ]] || fail "no package version file"
[[ -n $pcfile ]] || fail "glyphstream.pc not installed"
ls "$prefix"/lib*/libglyphstream.* >/dev/null 2>&1 || fail "libglyphstream not installed"
if [[ " ${targets[*]} " == *" glyphstream-render "* ]]; then
  [[ -x $prefix/bin/glyphstream-render ]] || fail "glyphstream-render not installed"
fi
if grep -rqs "$src" "$prefix/include" "$(dirname "$config")" "$pcfile"; then
  fail "installed files mention the source tree $src"
fi

# --- 3. pkg-config: flags, and a tiny program that renders through the installed library ------
say "checking pkg-config"
export PKG_CONFIG_PATH=$(dirname "$pcfile")
pkg-config --exists --print-errors glyphstream || fail "pkg-config cannot use glyphstream.pc"
pc_flags=$(pkg-config --cflags --libs glyphstream) || fail "pkg-config --cflags --libs failed"
[[ $pc_flags == *-lglyphstream* ]] || fail "pkg-config --libs lacks -lglyphstream: $pc_flags"
cat >"$work/hello.cpp" <<'EOF'
#include <glyphstream/headless_gl.h>
#include <glyphstream/text_system.h>

#include <cstdio>
#include <vector>

int main() {
  auto gl = glyphstream::HeadlessGl::create({200, 60});
  if (!gl.ok()) return std::printf("%s\n", gl.status().to_string().c_str()), 1;
  auto ts = glyphstream::TextSystem::create();
  if (!ts.ok()) return std::printf("%s\n", ts.status().to_string().c_str()), 1;
  (*gl)->clear(0, 0, 0, 1);
  glyphstream::TextStyle style;
  if (!(*ts)->begin_frame(200, 60).ok() || !(*ts)->draw_text(4, 4, "pkg-config ok", style).ok() ||
      !(*ts)->flush().ok())
    return 1;
  std::vector<uint8_t> rgba;
  if (!(*gl)->read_pixels(&rgba).ok()) return 1;
  int ink = 0;
  for (size_t i = 0; i < rgba.size(); i += 4) ink += rgba[i] > 128;
  std::printf("ink %d\n", ink);
  return ink > 50 ? 0 : 1;
}
EOF
# shellcheck disable=SC2086  # word splitting of the flags is wanted
c++ -std=c++20 -Wall -Wextra -o "$work/hello" "$work/hello.cpp" $pc_flags ||
  fail "a program does not compile and link with \`pkg-config --cflags --libs glyphstream\`"
# shellcheck disable=SC2046
c++ -std=c++20 -o "$work/hello-static" "$work/hello.cpp" $(pkg-config --static --cflags --libs glyphstream) ||
  fail "a program does not link with \`pkg-config --static --cflags --libs glyphstream\`"
"$work/hello" >"$work/hello.log" 2>&1 || {
  cat "$work/hello.log" >&2
  fail "the pkg-config-built program did not render text (headless EGL)"
}
unset PKG_CONFIG_PATH

# --- 4. The example, against the prefix alone -------------------------------------------------
# A copy outside the source tree, and nothing in the environment that could find another copy.
say "building examples/scroll_demo against $prefix"
cp -r "$src/examples/scroll_demo" "$work/scroll_demo"
env -u CMAKE_PREFIX_PATH -u glyphstream_DIR -u glyphstream_ROOT -u PKG_CONFIG_PATH \
  cmake -S "$work/scroll_demo" -B "$work/demo-build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
  >"$work/demo-configure.log" 2>&1 || {
  cat "$work/demo-configure.log" >&2
  fail "configuring the example against the installed package failed"
}
found_dir=$(sed -n 's/^glyphstream_DIR:PATH=//p' "$work/demo-build/CMakeCache.txt")
[[ $found_dir == "$prefix"/* ]] || fail "the example found glyphstream in '$found_dir', not in $prefix"
cmake --build "$work/demo-build" -j "$jobs" >"$work/demo-build.log" 2>&1 || {
  cat "$work/demo-build.log" >&2
  fail "building the example against the installed package failed"
}
demo=$work/demo-build/scroll_demo

# --- 5. Run it under Xvfb, async and sync, and compare -----------------------------------------
declare -A sums
# "live": starts async and cycles async -> sync -> whole-page every 7 frames, as the M key does.
# "vulkan": the demo's own Vulkan device and swap chain (lavapipe), validation layer on.
for mode in async sync live vulkan; do
  say "running the demo under Xvfb: $frames frames, $mode uploads"
  shot=$work/demo-$mode.png
  mode_args=(--upload-mode "$mode")
  [[ $mode == live ]] && mode_args=(--upload-mode async --switch-mode-every 7)
  validation=0
  [[ $mode == vulkan ]] && mode_args=(--backend vulkan --upload-mode async) && validation=1
  if ! GLYPHSTREAM_VK_VALIDATION=$validation timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" \
    "$demo" --auto-scroll \
    --frames "$frames" --screenshot "$shot" "${mode_args[@]}" --check \
    >"$work/demo-$mode.log" 2>&1; then
    cat "$work/demo-$mode.log" >&2
    fail "the demo failed in $mode mode (log above)"
  fi
  cat "$work/demo-$mode.log"
  # The file itself: a PNG of the window's size.
  python3 - "$shot" <<'EOF' || fail "$shot is not a 1000x700 PNG"
import struct, sys
data = open(sys.argv[1], "rb").read(32)
assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1000, 700), f"{w}x{h}"
EOF
  sums[$mode]=$(sed -n 's/.* fnv1a=\([0-9a-f]*\).*/\1/p' "$work/demo-$mode.log")
  [[ -n ${sums[$mode]} ]] || fail "the demo printed no screenshot checksum in $mode mode"
done
cp "$work/demo-async.png" "$build/scroll_demo-async.png" 2>/dev/null || true
if [[ ${sums[async]} != "${sums[sync]}" ]] || ! cmp -s "$work/demo-async.png" "$work/demo-sync.png"; then
  cp "$work/demo-sync.png" "$build/scroll_demo-sync.png" 2>/dev/null || true
  fail "async and sync screenshots differ (${sums[async]} vs ${sums[sync]}); see $build/scroll_demo-{async,sync}.png"
fi
if [[ ${sums[async]} != "${sums[live]}" ]] || ! cmp -s "$work/demo-async.png" "$work/demo-live.png"; then
  cp "$work/demo-live.png" "$build/scroll_demo-live.png" 2>/dev/null || true
  fail "switching the upload mode live changed the picture (${sums[async]} vs ${sums[live]}); see $build/scroll_demo-{async,live}.png"
fi
if [[ ${sums[async]} != "${sums[vulkan]}" ]] || ! cmp -s "$work/demo-async.png" "$work/demo-vulkan.png"; then
  cp "$work/demo-vulkan.png" "$build/scroll_demo-vulkan.png" 2>/dev/null || true
  fail "the Vulkan window differs from the GL one (${sums[async]} vs ${sums[vulkan]}); see $build/scroll_demo-{async,vulkan}.png"
fi
say "OK: installed package, pkg-config, example built against $prefix alone; async == sync == live switching == vulkan (${sums[async]})"
