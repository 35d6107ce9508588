#!/usr/bin/env bash
# The test job: installs what is missing, builds, and runs the whole test suite (unit tests,
# integration tests on real OpenGL through EGL, the main-job check).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j "${GLYPHSTREAM_JOBS:-$(nproc)}"
