#!/usr/bin/env bash
# CI job: builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs every fuzzer over a
# copy of its seed corpus for a short time; fails on any crash, leak or sanitizer report.
#
#   scripts/ci-fuzz.sh                   # every fuzzer, GLYPHSTREAM_FUZZ_SECONDS (60) each
#   scripts/ci-fuzz.sh text_fuzzer       # one of them
#
# Crash inputs are kept in $GLYPHSTREAM_FUZZ_ARTIFACTS (default build-fuzz/artifacts/) so that
# each one can become a named regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${GLYPHSTREAM_FUZZ_SECONDS:-60}
jobs=${GLYPHSTREAM_JOBS:-2}
artifacts=${GLYPHSTREAM_FUZZ_ARTIFACTS:-$PWD/build-fuzz/artifacts}
# shellcheck source=../tools/sanitizers/env.sh
source tools/sanitizers/env.sh

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

fuzzers=("$@")
if [[ ${#fuzzers[@]} -eq 0 ]]; then
  while IFS= read -r bin; do fuzzers+=("$(basename "$bin")"); done \
    < <(find build-fuzz -name '*_fuzzer' -type f -executable -not -path '*/CMakeFiles/*' | sort)
fi
[[ ${#fuzzers[@]} -gt 0 ]] || { echo "no fuzzers were built" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
status=0
for name in "${fuzzers[@]}"; do
  bin=$(find build-fuzz -name "$name" -type f -executable -not -path '*/CMakeFiles/*' | head -n 1)
  [[ -n $bin ]] || { echo "!! $name was not built" >&2; status=1; continue; }
  corpus_name=${name%_fuzzer}
  # Runs on a copy: new inputs the fuzzer finds must not modify the repository.
  mkdir -p "$work/$corpus_name"
  if [[ -d fuzz/corpus/$corpus_name ]]; then cp -r "fuzz/corpus/$corpus_name/." "$work/$corpus_name/"; fi
  echo "== $name: ${seconds} s over $(ls "$work/$corpus_name" | wc -l) seeds"
  t0=$SECONDS
  if ! "$bin" "$work/$corpus_name" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$name-" >"$work/$name.log" 2>&1; then
    status=1
    echo "!! $name FAILED; crash inputs in $artifacts; last lines of its log:"
  fi
  tail -n 25 "$work/$name.log"
  echo "== $name: $((SECONDS - t0)) s"
done
exit $status
