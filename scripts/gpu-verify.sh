#!/usr/bin/env bash
# One GPU-machine lease that verifies this tree on NVIDIA (session 8's prepared run; never ran:
# no device machine could be started). Bundle first, on the dev machine:
#   git worktree add /tmp/base 3d7853a && (cd /tmp/base && scripts/build.sh)   # session start
#   git worktree add /tmp/ref 188e805 && (cd /tmp/ref && scripts/build.sh)     # issue 26's ref
#   cp /tmp/base/build/tools/bench/glyphstream-bench /tmp/glyphstream-bench-base
#   cp /tmp/ref/build/tools/bench/glyphstream-bench /tmp/glyphstream-bench-188e805
#   scripts/gpu-bundle.sh .gpu build/tools/bench/glyphstream-bench /tmp/glyphstream-bench-base \
#     /tmp/glyphstream-bench-188e805 build/tests/{rotation,rendering,layout_memo,clip,vulkan_embedded,text_layout}_test \
#     build/src/gpu/vulkan/gpu_vulkan_test build/src/gpu/gl/gpu_gl_test build/src/pipeline/pipeline_gl_test
#   cp scripts/gpu-verify.sh .gpu/
# then `device run` with carry [".gpu"]: bash .gpu/gpu-verify.sh (about 5 minutes; results in
# $OUT: w4.txt, w4vk_clip.txt, tests.txt, others.txt, each written as soon as it is complete).
cd "$(dirname "$0")/.."
R=.gpu/run.sh; B=.gpu/bin
bench() { timeout 40 $R "$@" 2>&1 | grep -E "^(gl|vulkan) " ; }
{
  echo "# $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null) $(nproc) cores"
  for r in 1 2 3; do
    for b in base 188e805 new; do
      bin=$B/glyphstream-bench-$b; [[ $b == new ]] && bin=$B/glyphstream-bench
      bench $bin --workload steady --upload-mode async --frames 300 | sed "s/^/W4 r$r $b /"
    done
    bench $B/glyphstream-bench --workload steady --upload-mode async --frames 300 --height 1100 | sed "s/^/W4 r$r new-nocull /"
  done
} > "$OUT/w4.txt" 2>&1
{
  for r in 1 2; do
    for b in base new; do
      bin=$B/glyphstream-bench-$b; [[ $b == new ]] && bin=$B/glyphstream-bench
      bench $bin --backend vulkan --workload steady --upload-mode async --frames 300 | sed "s/^/W4vk r$r $b /"
    done
    bench $B/glyphstream-bench --workload steady --upload-mode async --frames 300 --clip | sed "s/^/W4clip r$r new /"
  done
} > "$OUT/w4vk_clip.txt" 2>&1
{
  for t in rotation_test rendering_test layout_memo_test clip_test vulkan_embedded_test gpu_vulkan_test gpu_gl_test pipeline_gl_test text_layout_test; do
    s=$SECONDS
    timeout 45 $R $B/$t --gtest_brief=1 > /tmp/t.log 2>&1; rc=$?
    echo "$t rc=$rc $((SECONDS-s))s $(grep -E '^\[  (PASSED|FAILED)' /tmp/t.log | tr '\n' ' ')"
    grep -E "FAILED|VUID|Validation Error" /tmp/t.log | head -8
  done
} > "$OUT/tests.txt" 2>&1
{
  for r in 1 2; do
    for w in cold scroll zoom; do
      for b in base new; do
        bin=$B/glyphstream-bench-$b; [[ $b == new ]] && bin=$B/glyphstream-bench
        bench $bin --workload $w --upload-mode async | sed "s/^/$w r$r $b /"
      done
    done
  done
  timeout 60 $R $B/glyphstream-bench --workload rotate --upload-mode async --frames 15 2>&1 | tail -6
  timeout 60 $R $B/glyphstream-bench --workload rotate --upload-mode async --frames 15 --backend vulkan 2>&1 | tail -6
} > "$OUT/others.txt" 2>&1
echo done
