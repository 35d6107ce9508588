#!/usr/bin/env bash
# CI job: builds the asan (AddressSanitizer + UndefinedBehaviorSanitizer) and tsan
# (ThreadSanitizer) presets and runs the unit and integration suites under each (benchmarks are
# not built). Suppressions cover third-party libraries only (tools/sanitizers/, see
# docs/RELIABILITY.md).
#
#   scripts/ci-sanitizers.sh            # both presets
#   scripts/ci-sanitizers.sh tsan       # one of them
#
# GLYPHSTREAM_JOBS (default 2) sets build and test parallelism; GLYPHSTREAM_TEST_SCALE (percent,
# default 25 here) shrinks the iteration counts of the suites that honour it.
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
[[ ${#presets[@]} -gt 0 ]] || presets=(asan tsan)
jobs=${GLYPHSTREAM_JOBS:-2}
export GLYPHSTREAM_TEST_SCALE=${GLYPHSTREAM_TEST_SCALE:-25}
# shellcheck source=../tools/sanitizers/env.sh
source tools/sanitizers/env.sh

start_all=$SECONDS
status=0
for preset in "${presets[@]}"; do
  case $preset in asan | tsan) ;; *) echo "unknown preset '$preset' (asan, tsan)" >&2; exit 2 ;; esac
  t0=$SECONDS
  echo "== $preset: configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  t1=$SECONDS
  echo "== $preset: unit + integration tests"
  # ctest's own preset filters by label; options are exported above, so running the test
  # binaries by hand behaves the same.
  if ! ctest --preset "$preset" -j "$jobs"; then
    status=1
  fi
  echo "== $preset: build $((t1 - t0)) s, tests $((SECONDS - t1)) s"
done
echo "== sanitizers: total $((SECONDS - start_all)) s, $( ((status == 0)) && echo clean || echo FAILED)"
exit $status
