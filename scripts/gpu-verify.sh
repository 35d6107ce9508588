#!/usr/bin/env bash
# One GPU-machine lease that verifies this tree on NVIDIA: every glyphstream-bench* in the
# bundle is run interleaved (so a base binary built from another commit gives a same-lease A/B),
# then the GPU tests under the validation layer. Bundle first, on the dev machine, e.g.:
#   git worktree add /tmp/ref 188e805 && (cd /tmp/ref && scripts/build.sh)
#   cp /tmp/ref/build/tools/bench/glyphstream-bench /tmp/bins/glyphstream-bench-188e805
#   scripts/gpu-bundle.sh .gpu build/tools/bench/glyphstream-bench /tmp/bins/glyphstream-bench-* \
#     build/tests/{rotation,rendering,layout_memo,clip,vulkan_embedded,text_layout}_test \
#     build/src/gpu/vulkan/gpu_vulkan_test build/src/gpu/gl/gpu_gl_test build/src/pipeline/pipeline_gl_test
#   cp scripts/gpu-verify.sh .gpu/
# then `device run` with carry [".gpu"]: bash .gpu/gpu-verify.sh [TESTS...] (results in $OUT:
# w4.txt, w4vk_clip.txt, tests.txt, others.txt, each written as soon as it is complete).
# GPU_VERIFY_PARTS (default "w4 tests others") picks the parts.
cd "$(dirname "$0")/.."
R=.gpu/run.sh; B=.gpu/bin
parts=${GPU_VERIFY_PARTS:-w4 tests others coldpage}
mapfile -t benches < <(ls $B/glyphstream-bench* | sort)
name() { local n=${1##*/glyphstream-bench}; echo "${n#-}" | sed 's/^$/new/'; }
bench() { timeout 40 $R "$@" 2>&1 | grep -E "^(gl|vulkan) " ; }
tests=("$@")
[[ ${#tests[@]} -gt 0 ]] || tests=(rotation_test rendering_test layout_memo_test clip_test vulkan_embedded_test gpu_vulkan_test gpu_gl_test pipeline_gl_test text_layout_test)
if [[ $parts == *w4* ]]; then
{
  echo "# $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null) $(nproc) cores"
  for r in 1 2 3; do
    for bin in "${benches[@]}"; do
      bench $bin --workload steady --upload-mode async --frames 300 | sed "s/^/W4 r$r $(name $bin) /"
    done
    bench $B/glyphstream-bench --workload steady --upload-mode async --frames 300 --height 1100 | sed "s/^/W4 r$r new-nocull /"
  done
} > "$OUT/w4.txt" 2>&1
{
  for r in 1 2; do
    for bin in "${benches[@]}"; do
      bench $bin --backend vulkan --workload steady --upload-mode async --frames 300 | sed "s/^/W4vk r$r $(name $bin) /"
    done
    bench $B/glyphstream-bench --workload steady --upload-mode async --frames 300 --clip | sed "s/^/W4clip r$r new /"
  done
} > "$OUT/w4vk_clip.txt" 2>&1
fi
if [[ $parts == *tests* ]]; then
{
  for t in "${tests[@]}"; do
    [[ -x $B/$t ]] || { echo "$t: not in the bundle"; continue; }
    s=$SECONDS
    timeout 60 $R $B/$t --gtest_brief=1 > /tmp/t.log 2>&1; rc=$?
    echo "$t rc=$rc $((SECONDS-s))s $(grep -E '^\[  (PASSED|FAILED)' /tmp/t.log | tr '\n' ' ')"
    grep -E "FAILED|VUID|Validation Error" /tmp/t.log | head -8
  done
} > "$OUT/tests.txt" 2>&1
fi
if [[ $parts == *others* ]]; then
{
  for r in 1 2; do
    for w in cold scroll zoom; do
      for bin in "${benches[@]}"; do
        bench $bin --workload $w --upload-mode async | sed "s/^/$w r$r $(name $bin) /"
      done
    done
  done
  timeout 60 $R $B/glyphstream-bench --workload rotate --upload-mode async --frames 15 2>&1 | tail -6
  timeout 60 $R $B/glyphstream-bench --workload rotate --upload-mode async --frames 15 --backend vulkan 2>&1 | tail -6
} > "$OUT/others.txt" 2>&1
fi
if [[ $parts == *coldpage* ]]; then
{
  # issue 26's page (2,000+ CJK/Cyrillic characters at 3 sizes), fresh process each time
  for r in 1 2 3; do
    for t in 1 16; do
      timeout 60 $R $B/glyphstream-bench --workload cold-page --upload-mode async --threads $t \
        --frames 5 --json /tmp/cold-page.json 2>&1 | grep -E "^(gl|vulkan) |layout|pack" \
        | sed "s/^/cold-page r$r t$t /"
    done
  done
} > "$OUT/coldpage.txt" 2>&1
fi
echo done
