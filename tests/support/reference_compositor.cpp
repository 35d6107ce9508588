#include "reference_compositor.h"

#include <algorithm>
#include <cmath>

#include "gpu/srgb.h"

namespace glyphstream::gpu {
namespace {

uint8_t to_unorm8(float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); }

struct Rgba {
  float c[4] = {0, 0, 0, 0};
};

// The blender sees the shader output already rounded to the target's 8 bits. `src1`: the
// second output of dual-source blending (kLcd24 batches), each channel's own factor; without
// it, src's alpha for every channel.
void blend(const Rgba& src, uint8_t* d, const Rgba* src1 = nullptr) {
  for (int c = 0; c < 4; ++c) {
    const float f = float(to_unorm8(src1 ? src1->c[c] : src.c[3])) / 255.f;
    const float s = float(to_unorm8(src.c[c])) / 255.f;
    d[c] = to_unorm8(s + (float(d[c]) / 255.f) * (1.f - f));
  }
}

// Linear-light blending on an sRGB target (GL_FRAMEBUFFER_SRGB, Vulkan *_SRGB): the colour
// channels of the destination decoded, blended with the (unrounded) linear source, encoded and
// rounded; alpha is stored linearly and blends as above.
void blend_linear(const Rgba& src, uint8_t* d, const Rgba* src1) {
  for (int c = 0; c < 3; ++c) {
    const float f = src1 ? src1->c[c] : src.c[3];
    const float dst = srgb_to_linear(float(d[c]) / 255.f);
    d[c] = to_unorm8(linear_to_srgb(std::clamp(src.c[c] + dst * (1.f - f), 0.f, 1.f)));
  }
  const float f = float(to_unorm8(src1 ? src1->c[3] : src.c[3])) / 255.f;
  d[3] = to_unorm8(float(to_unorm8(src.c[3])) / 255.f + (float(d[3]) / 255.f) * (1.f - f));
}

// A colour glyph's texel (premultiplied, sRGB-encoded) as the shaders' color_texel() gives it
// for linear light: the straight colour decoded, premultiplied again.
Rgba linear_color_texel(const Rgba& t) {
  if (t.c[3] <= 0.f) return t;
  Rgba out = t;
  for (int c = 0; c < 3; ++c) out.c[c] = srgb_to_linear(std::min(t.c[c] / t.c[3], 1.f)) * t.c[3];
  return out;
}

float overlap(float a0, float a1, float b0, float b1) {
  return std::max(0.f, std::min(a1, b1) - std::max(a0, b0));
}

float glsl_floor_mod(float x, float y) { return x - y * std::floor(x / y); }

// The shaders' squiggle_coverage() (pango-cairo's error underline), step for step.
float squiggle_coverage(float px, float py, const GlyphInstance& r) {
  const float sq = r.h / 2.5f, unit = 1.5f * sq;
  const float units = std::floor((r.w + unit * 0.5f) / unit);
  if (units < 1.f) return 0.f;
  const float x0 = r.x + (r.w - units * unit) * 0.5f, len = units * unit;
  const float end_slope = glsl_floor_mod(units, 2.f) == 1.f ? 1.f : -1.f;
  float cov = 0.f;
  for (int i = 0; i < 8; ++i) {
    const float t = px + (float(i) + 0.5f) / 8.f - x0;
    const float tc = std::clamp(t, 0.f, len);
    const float phase = glsl_floor_mod(tc, 2.f * unit);
    const float wave = phase <= unit ? phase : 2.f * unit - phase;
    const float slope = t < 0.f ? 1.f : end_slope;
    const float yc = r.y + 0.5f * sq + wave + (t - tc) * slope;
    float lo = yc - 0.5f * sq, hi = yc + 0.5f * sq;
    if (t < 0.f) lo = std::max(lo, r.y - t);
    if (t > len && end_slope > 0.f) hi = std::min(hi, r.y + r.h - (t - len));
    if (t > len && end_slope < 0.f) lo = std::max(lo, r.y + (t - len));
    cov += overlap(lo, hi, py, py + 1.f);
  }
  return cov / 8.f;
}

struct Source {
  const CpuPage* page = nullptr;  // null: kNoPage
  Rgba color;                     // straight, from the instance (linear light: decoded)
  bool linear_light = false;
};

Rgba fetch(const CpuPage& page, int x, int y) {
  x = std::min(x, page.width - 1), y = std::min(y, page.height - 1);
  const uint8_t* t =
      page.pixels + size_t(y) * page.stride + size_t(x) * size_t(bytes_per_pixel(page.format));
  Rgba out;
  if (page.format == PixelFormat::kLcd24) {
    // The GS_LCD shader's page_texel(): three R8 texels a pixel, (R, G, B, G).
    for (int c = 0; c < 3; ++c) out.c[c] = float(t[c]) / 255.f;
    out.c[3] = out.c[1];
    return out;
  }
  const int channels = page.format == PixelFormat::kCoverage8 ? 1 : 4;
  for (int c = 0; c < channels; ++c) out.c[c] = float(t[c]) / 255.f;
  return out;
}

Rgba mix(const Rgba& a, const Rgba& b, float f) {
  Rgba out;
  for (int c = 0; c < 4; ++c) out.c[c] = a.c[c] * (1.f - f) + b.c[c] * f;
  return out;
}

// The shaders' scaled_texel(): bilinear over the glyph's texels at the pixel centre.
Rgba scaled_texel(const CpuPage& page, const GlyphInstance& g, float cx, float cy) {
  const float sx = (cx - g.x) * float(g.tw) / g.w - 0.5f;
  const float sy = (cy - g.y) * float(g.th) / g.h - 0.5f;
  const float fx0 = std::floor(sx), fy0 = std::floor(sy);
  const float fx = sx - fx0, fy = sy - fy0;
  const int x0 = std::clamp(int(fx0), 0, g.tw - 1) + g.u;
  const int x1 = std::clamp(int(fx0) + 1, 0, g.tw - 1) + g.u;
  const int y0 = std::clamp(int(fy0), 0, g.th - 1) + g.v;
  const int y1 = std::clamp(int(fy0) + 1, 0, g.th - 1) + g.v;
  return mix(mix(fetch(page, x0, y0), fetch(page, x1, y0), fx),
             mix(fetch(page, x0, y1), fetch(page, x1, y1), fx), fy);
}

// The shader's output for pixel (px, py), or false where it discards. On a kLcd24 page (the
// GS_LCD shader) *dual is set and *src1 is the second output of dual-source blending; every
// other output blends as premultiplied alpha (the LCD shader's o_blend = vec4(o_color.a)).
bool shade(const GlyphInstance& g, const Source& s, int px, int py, Rgba* out, Rgba* src1,
           bool* dual) {
  *dual = false;
  const Rgba& k = s.color;
  Rgba premul;
  for (int c = 0; c < 3; ++c) premul.c[c] = k.c[c] * k.c[3];
  premul.c[3] = k.c[3];
  const uint32_t kind = instance_kind(g.kind);
  if (is_rect_kind(kind)) {
    const float fx = float(px), fy = float(py);
    const float cov =
        kind == uint32_t(InstanceKind::kRect)
            ? overlap(g.x, g.x + g.w, fx, fx + 1.f) * overlap(g.y, g.y + g.h, fy, fy + 1.f)
            : squiggle_coverage(fx, fy, g);
    if (cov <= 0.f) return false;
    for (int c = 0; c < 4; ++c) out->c[c] = premul.c[c] * cov;
    return true;
  }
  if (!s.page) return false;
  Rgba texel;
  if (kind == uint32_t(InstanceKind::kScaledGlyph)) {
    const float cx = float(px) + 0.5f, cy = float(py) + 0.5f;
    if (cx < g.x || cy < g.y || cx >= g.x + g.w || cy >= g.y + g.h || g.tw == 0 || g.th == 0) {
      return false;
    }
    texel = scaled_texel(*s.page, g, cx, cy);
  } else {
    const int lx = px - int(g.x), ly = py - int(g.y);
    if (lx < 0 || ly < 0 || lx >= int(g.w) || ly >= int(g.h)) return false;
    const int tx = g.u + lx, ty = g.v + ly;
    if (tx >= s.page->width || ty >= s.page->height) return false;
    texel = fetch(*s.page, tx, ty);
  }
  if (s.page->format == PixelFormat::kColor32) {
    if (s.linear_light) texel = linear_color_texel(texel);
    for (int c = 0; c < 4; ++c) out->c[c] = texel.c[c] * k.c[3];
  } else if (s.page->format == PixelFormat::kLcd24) {
    *dual = true;
    for (int c = 0; c < 4; ++c) src1->c[c] = texel.c[c] * k.c[3];
    for (int c = 0; c < 3; ++c) out->c[c] = k.c[c] * src1->c[c];
    out->c[3] = src1->c[3];
  } else {
    for (int c = 0; c < 4; ++c) out->c[c] = premul.c[c] * texel.c[0];
  }
  return true;
}

void draw_instance(const GlyphInstance& g, const Source& s, int w, int h, uint8_t* rgba) {
  // The quad the vertex shader emits: every pixel the rect touches (a squiggle's ends reach
  // past its rect).
  const float grow =
      instance_kind(g.kind) == uint32_t(InstanceKind::kErrorSquiggle) ? 0.5f * g.h : 0.f;
  // Then clamped to the instance's clip: pixels whose centre lies outside it are never drawn.
  const int x0 = std::max({0, int(std::floor(g.x - grow)), int(g.clip.x0)});
  const int y0 = std::max({0, int(std::floor(g.y)), int(g.clip.y0)});
  const int x1 = std::min({w, int(std::ceil(g.x + g.w + grow)), int(g.clip.x1)});
  const int y1 = std::min({h, int(std::ceil(g.y + g.h)), int(g.clip.y1)});
  for (int py = y0; py < y1; ++py) {
    for (int px = x0; px < x1; ++px) {
      Rgba src, src1;
      bool dual = false;
      if (shade(g, s, px, py, &src, &src1, &dual)) {
        uint8_t* d = rgba + (size_t(py) * size_t(w) + size_t(px)) * 4;
        if (s.linear_light) {
          blend_linear(src, d, dual ? &src1 : nullptr);
        } else {
          blend(src, d, dual ? &src1 : nullptr);
        }
      }
    }
  }
}

}  // namespace

void composite(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
               std::span<const CpuPage> pages, int w, int h, std::vector<uint8_t>* rgba,
               bool linear_light) {
  if (!rgba || w <= 0 || h <= 0) return;
  const size_t size = size_t(w) * size_t(h) * 4;
  if (rgba->size() != size) rgba->assign(size, 0);
  auto page_at = [&](uint32_t id) -> const CpuPage* {
    return id < pages.size() && pages[id].pixels ? &pages[id] : nullptr;
  };
  for (const DrawBatch& b : batches) {
    const bool no_page = b.page == kNoPage;
    if (!no_page && !page_at(b.page)) continue;
    if (b.color_page != kNoPage && !page_at(b.color_page)) continue;
    if (uint64_t(b.first) + b.count > instances.size()) continue;
    for (uint32_t i = b.first; i < b.first + b.count; ++i) {
      const GlyphInstance& g = instances[i];
      // A flagged glyph samples the batch's colour page (backend.h: kSampleColorPage).
      Source s{no_page                      ? nullptr
               : samples_color_page(g.kind) ? page_at(b.color_page)
                                            : &pages[b.page],
               {},
               linear_light};
      // The shader's colour unpacking: float(byte) / 255.0 (linear light: rgb decoded).
      for (int c = 0; c < 4; ++c) s.color.c[c] = float((g.color >> (24 - 8 * c)) & 255u) / 255.f;
      if (linear_light) {
        for (int c = 0; c < 3; ++c) s.color.c[c] = srgb_to_linear(s.color.c[c]);
      }
      draw_instance(g, s, w, h, rgba->data());
    }
  }
}

std::vector<GlyphInstance> random_kind_instances(std::mt19937& rng, int n, bool page, int page_w,
                                                 int page_h, int view_w, int view_h) {
  std::uniform_real_distribution<float> unit(0.f, 1.f);
  std::vector<GlyphInstance> out;
  for (int i = 0; i < n; ++i) {
    GlyphInstance g;
    g.kind = page ? uint32_t(rng() % 4) : uint32_t(InstanceKind::kRect) + uint32_t(rng() % 2);
    g.x = unit(rng) * float(view_w + 20) - 20.f;
    g.y = unit(rng) * float(view_h + 20) - 20.f;
    g.w = 0.25f + unit(rng) * 60.f;
    g.h = 0.25f + unit(rng) * 12.f;
    if (g.kind == uint32_t(InstanceKind::kGlyph)) {
      g.x = std::floor(g.x), g.y = std::floor(g.y);
      g.w = std::ceil(g.w), g.h = std::ceil(g.h);
    }
    g.tw = uint16_t(1 + rng() % 24), g.th = uint16_t(1 + rng() % 24);
    g.u = uint16_t(rng() % uint32_t(std::max(1, page_w - g.tw)));
    g.v = uint16_t(rng() % uint32_t(std::max(1, page_h - g.th)));
    g.color = uint32_t(rng());
    if (i % 5 == 0) g.color |= 0xff;  // opaque
    out.push_back(g);
  }
  return out;
}

void random_kind_batches(std::mt19937& rng, std::span<const CpuPage> pages, int view_w, int view_h,
                         std::vector<GlyphInstance>* instances, std::vector<DrawBatch>* batches) {
  instances->clear();
  batches->clear();
  for (const uint32_t page : {kNoPage, 0u, 1u, kNoPage}) {
    const CpuPage* p = page == kNoPage ? nullptr : &pages[page];
    const auto more = random_kind_instances(rng, 40, p != nullptr, p ? p->width : 0,
                                            p ? p->height : 0, view_w, view_h);
    batches->push_back({page, uint32_t(instances->size()), uint32_t(more.size())});
    instances->insert(instances->end(), more.begin(), more.end());
  }
}

}  // namespace glyphstream::gpu
