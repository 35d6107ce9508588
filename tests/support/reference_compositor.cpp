#include "reference_compositor.h"

#include <algorithm>
#include <cmath>

namespace glyphstream::gpu {
namespace {

uint8_t to_unorm8(float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); }

}  // namespace

void composite(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
               std::span<const CpuPage> pages, int w, int h, std::vector<uint8_t>* rgba) {
  if (!rgba || w <= 0 || h <= 0) return;
  const size_t size = size_t(w) * size_t(h) * 4;
  if (rgba->size() != size) rgba->assign(size, 0);
  for (const DrawBatch& b : batches) {
    if (b.page >= pages.size() || !pages[b.page].pixels) continue;
    if (uint64_t(b.first) + b.count > instances.size()) continue;
    const CpuPage& page = pages[b.page];
    const bool color_page = page.format == PixelFormat::kColor32;
    const int bpp = bytes_per_pixel(page.format);
    for (uint32_t i = b.first; i < b.first + b.count; ++i) {
      const GlyphInstance& g = instances[i];
      // The shader's colour unpacking: float(byte) / 255.0.
      const float cr = float((g.color >> 24) & 255u) / 255.f;
      const float cg = float((g.color >> 16) & 255u) / 255.f;
      const float cb = float((g.color >> 8) & 255u) / 255.f;
      const float ca = float(g.color & 255u) / 255.f;
      for (int ly = 0; ly < g.h; ++ly) {
        const int py = g.y + ly;
        const int ty = g.v + ly;
        if (py < 0 || py >= h || ty >= page.height) continue;
        for (int lx = 0; lx < g.w; ++lx) {
          const int px = g.x + lx;
          const int tx = g.u + lx;
          if (px < 0 || px >= w || tx >= page.width) continue;
          const uint8_t* t = page.pixels + size_t(ty) * page.stride + size_t(tx) * size_t(bpp);
          float src[4];
          if (color_page) {
            for (int c = 0; c < 4; ++c) src[c] = (float(t[c]) / 255.f) * ca;
          } else {
            const float cov = float(t[0]) / 255.f;
            src[0] = (cr * ca) * cov;
            src[1] = (cg * ca) * cov;
            src[2] = (cb * ca) * cov;
            src[3] = ca * cov;
          }
          uint8_t* d = rgba->data() + (size_t(py) * size_t(w) + size_t(px)) * 4;
          // The blender sees the shader output already rounded to the target's 8 bits.
          const float sa = float(to_unorm8(src[3])) / 255.f;
          for (int c = 0; c < 4; ++c) {
            const float s = float(to_unorm8(src[c])) / 255.f;
            d[c] = to_unorm8(s + (float(d[c]) / 255.f) * (1.f - sa));
          }
        }
      }
    }
  }
}

}  // namespace glyphstream::gpu
