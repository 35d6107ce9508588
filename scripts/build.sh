#!/usr/bin/env bash
# Configures and builds glyphstream in build/ (or $GLYPHSTREAM_BUILD_DIR) with Ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${GLYPHSTREAM_BUILD_DIR:-build}
jobs=${GLYPHSTREAM_JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
