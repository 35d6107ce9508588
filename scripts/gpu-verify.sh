#!/usr/bin/env bash
# One GPU-machine lease that verifies this tree on NVIDIA: every glyphstream-bench* in the
# bundle is run interleaved (so a base binary built from another commit gives a same-lease A/B),
# then the GPU tests under the validation layer. Bundle first, on the dev machine, e.g.:
#   git worktree add /tmp/ref 188e805 && (cd /tmp/ref && scripts/build.sh)
#   cp /tmp/ref/build/tools/bench/glyphstream-bench /tmp/bins/glyphstream-bench-188e805
#   scripts/gpu-bundle.sh .gpu build/tools/bench/glyphstream-bench /tmp/bins/glyphstream-bench-* \
#     build/tests/{linear_light,zoom,lcd,render_thread,rotation,rendering,layout_memo,clip,vulkan_embedded,text_layout}_test \
#     build/src/gpu/vulkan/gpu_vulkan_test build/src/gpu/gl/gpu_gl_test build/src/pipeline/{pipeline_gl,render_link}_test
#   cp scripts/gpu-verify.sh .gpu/
#   # the binaries, stripped, in one archive (uncompressed they no longer fit the 64 MiB carry):
#   strip --strip-all .gpu/bin/* && tar -C .gpu -cJf .gpu/bin.tar.xz bin && rm -r .gpu/bin
# then `device run` with carry [".gpu"]: bash .gpu/gpu-verify.sh [TESTS...] (results in $OUT:
# tests.txt, w4.txt, w4vk_clip.txt, coldpage.txt, lcd.txt, rt.txt, others.txt, in that order,
# each written as soon as it is complete).
# GPU_VERIFY_PARTS (default: all of them) picks the parts.
cd "$(dirname "$0")/.."
[[ -f .gpu/bin.tar.xz && ! -d .gpu/bin ]] && tar -C .gpu -xJf .gpu/bin.tar.xz
R=.gpu/run.sh; B=.gpu/bin
parts=${GPU_VERIFY_PARTS:-tests w4 coldpage lcd rt others}
mapfile -t benches < <(ls $B/glyphstream-bench* | sort)
name() { local n=${1##*/glyphstream-bench}; echo "${n#-}" | sed 's/^$/new/'; }
bench() { timeout 40 $R "$@" 2>&1 | grep -E "^(gl|vulkan|steady|scroll|zoom|cold|burst|busy) |render thread submit|movable p50|handoff p50" ; }
tests=("$@")
[[ ${#tests[@]} -gt 0 ]] || tests=(linear_light_test zoom_test lcd_test render_thread_test render_link_test rotation_test rendering_test layout_memo_test clip_test vulkan_embedded_test gpu_vulkan_test gpu_gl_test pipeline_gl_test text_layout_test)
if [[ $parts == *tests* ]]; then
{
  for t in "${tests[@]}"; do
    [[ -x $B/$t ]] || { echo "$t: not in the bundle"; continue; }
    s=$SECONDS
    timeout 100 $R $B/$t --gtest_brief=1 > /tmp/t.log 2>&1; rc=$?
    echo "$t rc=$rc $((SECONDS-s))s $(grep -E '^\[  (PASSED|FAILED)' /tmp/t.log | tr '\n' ' ')"
    grep -E "FAILED|VUID|Validation Error" /tmp/t.log | head -8
  done
} > "$OUT/tests.txt" 2>&1
fi
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
if [[ $parts == *coldpage* ]]; then
{
  # issue 26's page (2,000+ CJK/Cyrillic characters at 3 sizes), fresh process each time
  for r in 1 2 3; do
    for t in 1 16 16p 15p; do
      timeout 60 $R $B/glyphstream-bench --workload cold-page --upload-mode async --threads ${t%p} \
        $([[ $t == *p ]] && echo --prefetch-layout) --frames 5 --json /tmp/cold-page.json 2>&1 \
        | grep -E "^(gl|vulkan) |layout|pack" | sed "s/^/cold-page r$r t$t /"
    done
  done
} > "$OUT/coldpage.txt" 2>&1
fi

if [[ $parts == *lcd* ]]; then
{
  # issue 24: LCD text against grey, same binary, interleaved
  for r in 1 2; do for b in gl vulkan; do for aa in gray subpixel; do
    bench $B/glyphstream-bench --backend $b --workload steady --upload-mode async --frames 300 \
      --antialias $aa | sed "s/^/W4 r$r $aa /"
    bench $B/glyphstream-bench --backend $b --workload cold --upload-mode async --antialias $aa \
      | sed "s/^/W1 r$r $aa /"
  done; done; done
} > "$OUT/lcd.txt" 2>&1
fi
if [[ $parts == *rt* ]]; then
{
  # issue 25: frames built on this thread, submitted on a render thread, against single-thread
  for r in 1 2; do for b in gl vulkan; do for w in scroll zoom; do
    bench $B/glyphstream-bench --backend $b --workload $w --threads 16 --upload-mode async \
      | sed "s/^/st r$r /"
    bench $B/glyphstream-bench --backend $b --workload $w --threads 16 --upload-mode async \
      --render-thread | sed "s/^/rt r$r /"
  done; done; done
} > "$OUT/rt.txt" 2>&1
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
echo done
