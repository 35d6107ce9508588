#!/usr/bin/env bash
# Packs programs for the NVIDIA GPU machine: ../shared/gpu/bundle.sh (programs, libraries, GL
# loaders, a few fonts), plus the other fonts and the fontconfig rules this machine uses, so that
# the GPU machine lays out and rasterizes the same glyphs as here. Without the rules, the
# bundle's bare fonts.conf lays colour emoji out at their 109 ppem strike size (the Debian rule
# 10-scale-bitmap-fonts.conf scales them) and falls back to other fonts for Latin and Arabic.
# Strips the result to stay under the 64 MiB that a device run may carry.
#
#   scripts/gpu-bundle.sh .gpu build/tools/bench/glyphstream-bench build/tests/pipeline_test ...
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 OUT PROGRAM..." >&2; exit 2; }
out=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
bundle=${GLYPHSTREAM_GPU_BUNDLE:-$repo/../shared/gpu/bundle.sh}
bash "$bundle" "$@"

# Fonts the sample and the benchmark texts use here (fontconfig's choices on Debian 12 with
# scripts/install-deps.sh), beyond those bundle.sh copies.
noto=/usr/share/fonts/truetype/noto
for f in NotoSans-Regular NotoSans-Bold NotoSans-Italic NotoSans-BoldItalic \
         NotoSansDevanagari-Regular NotoSansDevanagari-Bold NotoSansTakri-Regular \
         NotoSansArabic-Regular NotoSansHebrew-Regular; do
  [[ -f $noto/$f.ttf ]] && cp "$noto/$f.ttf" "$out/fonts/"
done

# This machine's fontconfig rules, inlined into the bundle's fonts.conf (an <include> of a
# relative folder would resolve against the GPU machine's /etc/fonts).
python3 - "$out/fonts.conf" /etc/fonts/conf.d <<'PY'
import pathlib, re, sys
conf, rules_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
body = []
for f in sorted(rules_dir.glob("*.conf")):
    text = f.resolve().read_text(encoding="utf-8")
    m = re.search(r"<fontconfig>(.*)</fontconfig>", text, re.S)
    if m:
        inner = re.sub(r"<include\b[^>]*>.*?</include>", "", m.group(1), flags=re.S)
        body.append(f"<!-- {f.name} -->\n{inner}")
text = conf.read_text(encoding="utf-8")
conf.write_text(text.replace("</fontconfig>", "\n".join(body) + "\n</fontconfig>"), encoding="utf-8")
PY

# The Khronos validation layer (Vulkan tests fail on any message it reports), xz-packed (22 MB
# unpacked) to stay under the size a device run may carry; run.sh unpacks it into /tmp and
# points VK_LAYER_PATH at it.
layer=/usr/lib/x86_64-linux-gnu/libVkLayer_khronos_validation.so
manifest=/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json
if [[ -f $layer && -f $manifest ]]; then
  layers=$(mktemp -d)
  cp "$layer" "$manifest" "$layers/"
  strip --strip-unneeded "$layers/$(basename "$layer")" 2>/dev/null || true
  # A bare library name would be looked up on the library path; ./ is beside the manifest.
  sed -i 's|"library_path": "libVkLayer|"library_path": "./libVkLayer|' "$layers/$(basename "$manifest")"
  tar -C "$layers" -cJf "$out/vk-layers.tar.xz" .
  rm -rf "$layers"
  sed -i 's|^exec "\$@"|mkdir -p /tmp/vk-layers \&\& tar -C /tmp/vk-layers -xJf "$here/vk-layers.tar.xz"\nexport VK_LAYER_PATH=/tmp/vk-layers\nexec "$@"|' "$out/run.sh"
fi

strip "$out"/bin/* 2>/dev/null || true
strip --strip-unneeded "$out"/lib/* 2>/dev/null || true
du -sh "$out"
