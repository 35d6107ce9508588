#include "cpu_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "gpu/srgb.h"
#include "reference_compositor.h"

namespace glyphstream::testing {
namespace {

uint8_t to_byte(float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); }

// One stored channel blended with src (premultiplied) and the factor k = 1 - coverage: as
// stored, or (linear light, colour channels) decoded, blended and encoded.
uint8_t over(uint8_t dst, float src, float k, bool linear) {
  if (!linear) return to_byte(src + float(dst) / 255.f * k);
  const float d = gpu::srgb_to_linear(float(dst) / 255.f);
  return to_byte(gpu::linear_to_srgb(std::clamp(src + d * k, 0.f, 1.f)));
}

// The layout's decorations of one layer, as the pipeline queues them (at the draw position,
// the style's colour where they have none) and the GPU draws them (the reference
// compositor's rect kinds), scaled about the text origin as draw_text_scaled scales them.
void draw_decorations(const text::LayoutResult& layout, text::DecorationLayer layer, float x,
                      float y, float scale, uint32_t style_rgba, int width, int height,
                      const gpu::InstanceClip& clip, bool linear_light,
                      std::vector<uint8_t>* image) {
  std::vector<gpu::GlyphInstance> quads;
  for (const text::Decoration& d : layout.decorations) {
    if (d.layer != layer) continue;
    gpu::GlyphInstance q;
    q.x = x + d.x * scale, q.y = y + d.y * scale, q.w = d.w * scale, q.h = d.h * scale;
    q.color = d.has_color ? d.color_rgba : style_rgba;
    q.kind =
        uint32_t(d.kind == text::DecorationKind::kErrorSquiggle ? gpu::InstanceKind::kErrorSquiggle
                                                                : gpu::InstanceKind::kRect);
    q.clip = clip;
    quads.push_back(q);
  }
  const gpu::DrawBatch batch{gpu::kNoPage, 0, uint32_t(quads.size())};
  if (!quads.empty()) {
    gpu::composite(quads, {&batch, 1}, {}, width, height, image, linear_light);
  }
}

}  // namespace

Result<std::unique_ptr<CpuReference>> CpuReference::create() {
  auto ref = std::unique_ptr<CpuReference>(new CpuReference());
  GS_ASSIGN_OR_RETURN(ref->layouter_, text::Layouter::create(&ref->registry_));
  ref->rasterizer_ = std::make_unique<text::Rasterizer>(&ref->registry_);
  return ref;
}

void CpuReference::clear(int width, int height, Color c) {
  width_ = width;
  height_ = height;
  image_.assign(size_t(width) * size_t(height) * 4, 0);
  // The framebuffer stores what glClear writes: the colour as given, quantized.
  for (size_t i = 0; i < image_.size(); i += 4) {
    image_[i] = to_byte(c.r);
    image_[i + 1] = to_byte(c.g);
    image_[i + 2] = to_byte(c.b);
    image_[i + 3] = to_byte(c.a);
  }
}

Status CpuReference::draw_text(float x, float y, const std::string& utf8, const TextStyle& style) {
  return draw_text_scaled(x, y, 1.0f, utf8, style, nullptr);
}

Status CpuReference::draw_text_scaled(float x, float y, float scale, const std::string& utf8,
                                      const TextStyle& style, std::vector<Rect>* boxes) {
  text::LayoutParams params;
  params.font = style.font;
  params.wrap_width = style.wrap_width;
  params.markup = style.markup;
  params.paragraph = style.paragraph;
  params.rendering = style.rendering;
  GS_ASSIGN_OR_RETURN(text::LayoutResult layout, layouter_->layout(utf8, params));
  return draw_glyphs(x, y, scale, layout, style, boxes);
}

// RenderingStyle's coverage curve as its comment states it, per pixel in double precision from
// the style's own numbers (quantized as documented), not the library's tables or glyph keys.
static void reference_coverage_curve(const RenderingStyle& r, text::GlyphBitmap* bm) {
  if (bm->format != PixelFormat::kCoverage8) return;
  const double gamma = r.coverage_gamma == 0 ? 1.0 : std::round(r.coverage_gamma * 10) / 10;
  const double contrast = std::round(r.coverage_contrast * 5) / 5;
  if (gamma == 1.0 && contrast == 0) return;
  for (uint8_t& p : bm->pixels) {
    const double a = p / 255.0, boosted = a + contrast * a * (1 - a);
    p = uint8_t(std::lround(255 * std::pow(boosted, 1 / gamma)));
  }
}

Status CpuReference::draw_glyphs(float x, float y, float scale, const text::LayoutResult& layout,
                                 const TextStyle& style, std::vector<Rect>* boxes) {
  const uint32_t default_color = style.color.to_rgba8();
  // The compositor's clip: the columns and rows in_clip() keeps.
  int x0 = width_, x1 = 0, y0 = height_, y1 = 0;
  for (int px = 0; px < width_; ++px) {
    if (in_clip(px, -1)) x0 = std::min(x0, px), x1 = std::max(x1, px + 1);
  }
  for (int py = 0; py < height_; ++py) {
    if (in_clip(-1, py)) y0 = std::min(y0, py), y1 = std::max(y1, py + 1);
  }
  gpu::InstanceClip clip;
  clip.x0 = uint16_t(std::min(x0, x1)), clip.x1 = uint16_t(x1);
  clip.y0 = uint16_t(std::min(y0, y1)), clip.y1 = uint16_t(y1);
  draw_decorations(layout, text::DecorationLayer::kBelowGlyphs, x, y, scale, default_color, width_,
                   height_, clip, linear_light_, &image_);
  for (const text::ShapedGlyph& layout_glyph : layout.glyphs) {
    // Scaled about the layout's origin (scale 1: the glyph as laid out).
    text::ShapedGlyph g = layout_glyph;
    if (scale != 1.0f) {
      g.x = layout_glyph.x * scale;
      g.y = layout_glyph.y * scale;
      g.size_26_6 =
          uint32_t(std::max<long>(1, std::lround(double(layout_glyph.size_26_6) * double(scale))));
    }
    // The pen rounding TextSystem documents: whole part of the position plus the rounded
    // fractional part, in quarter-pixel bins horizontally.
    const double whole_x = std::floor(double(x)), whole_y = std::floor(double(y));
    const double px = double(float(double(x) - whole_x)) + double(g.x);
    // Colour strikes have no sub-pixel variants and whole-pixel glyphs (hinted, monochrome,
    // --subpixel-positions off) none by choice: their pen is rounded to the nearest pixel.
    const bool whole = g.is_color_font || g.whole_pixel;
    double ix = whole ? std::round(px) : std::floor(px);
    int bin = whole ? 0 : int(std::lround((px - ix) * 4.0));
    if (bin == 4) bin = 0, ix += 1;
    const int pen_x = int(whole_x) + int(ix);
    const int pen_y =
        int(whole_y) + int(std::lround(double(float(double(y) - whole_y)) + double(g.y)));
    GS_ASSIGN_OR_RETURN(text::GlyphBitmap bm,
                        rasterizer_->rasterize_uncurved({g.face, g.glyph_id, g.size_26_6,
                                                         uint8_t(bin), g.angle_bin, g.render}));
    reference_coverage_curve(style.rendering, &bm);
    const uint32_t rgba =
        g.has_color ? ((g.color_rgba & 0xffffff00u) | (default_color & 0xffu)) : default_color;
    blend(bm, pen_x + bm.left, pen_y - bm.top, Color::from_rgba8(rgba));
    if (boxes && bm.width > 0 && bm.height > 0) {
      boxes->push_back({pen_x + bm.left, pen_y - bm.top, bm.width, bm.height});
    }
  }
  draw_decorations(layout, text::DecorationLayer::kAboveGlyphs, x, y, scale, default_color, width_,
                   height_, clip, linear_light_, &image_);
  return {};
}

void CpuReference::blend(const text::GlyphBitmap& bm, int x0, int y0, Color c) {
  // The text colour as the shaders see it: straight, decoded to linear for linear light.
  float rgb[3] = {c.r, c.g, c.b};
  if (linear_light_) {
    for (float& v : rgb) v = gpu::srgb_to_linear(float(to_byte(v)) / 255.f);
  }
  for (int row = 0; row < bm.height; ++row) {
    const int ty = y0 + row;
    if (ty < 0 || ty >= height_) continue;
    for (int col = 0; col < bm.width; ++col) {
      const int tx = x0 + col;
      if (tx < 0 || tx >= width_ || !in_clip(tx, ty)) continue;
      uint8_t* d = &image_[(size_t(ty) * size_t(width_) + size_t(tx)) * 4];
      if (bm.format == PixelFormat::kLcd24) {
        // Each channel over its own coverage (dual-source blending): colour * cov + dst * (1 -
        // cov), cov = coverage * alpha; alpha by the green coverage, as cairo keeps it.
        const uint8_t* t = &bm.pixels[(size_t(row) * size_t(bm.width) + size_t(col)) * 3];
        for (int k = 0; k < 4; ++k) {
          const float cov = float(t[k < 3 ? k : 1]) / 255.f * c.a;
          const float src = k < 3 ? rgb[k] * cov : cov;
          d[k] = over(d[k], src, 1.f - cov, linear_light_ && k < 3);
        }
        continue;
      }
      float s[4];
      if (bm.format == PixelFormat::kCoverage8) {
        const float cov = float(bm.pixels[size_t(row) * size_t(bm.width) + size_t(col)]) / 255.f;
        s[3] = c.a * cov;
        for (int k = 0; k < 3; ++k) s[k] = rgb[k] * s[3];
      } else {
        // Colour glyphs: premultiplied sRGB-encoded texels (linear light: the straight colour
        // decoded, then premultiplied again).
        const uint8_t* t = &bm.pixels[(size_t(row) * size_t(bm.width) + size_t(col)) * 4];
        const float a = float(t[3]) / 255.f;
        for (int k = 0; k < 3; ++k) {
          const float v = float(t[k]) / 255.f;
          s[k] = (linear_light_ && a > 0 ? gpu::srgb_to_linear(std::min(v / a, 1.f)) * a : v) * c.a;
        }
        s[3] = a * c.a;
      }
      for (int k = 0; k < 4; ++k) d[k] = over(d[k], s[k], 1.f - s[3], linear_light_ && k < 3);
    }
  }
}

bool CpuReference::in_clip(int x, int y) const {
  if (!clip_) return true;
  // A coordinate of -1 asks about the other axis only.
  const double cx = double(x) + 0.5, cy = double(y) + 0.5;
  const double x0 = clip_->x, y0 = clip_->y;
  const double x1 = x0 + double(clip_->w), y1 = y0 + double(clip_->h);
  return (x < 0 || (cx >= x0 && cx < x1)) && (y < 0 || (cy >= y0 && cy < y1));
}

int count_ink(const std::vector<uint8_t>& rgba, int width, int x0, int y0, int x1, int y1, Color bg,
              int threshold) {
  const int br = to_byte(bg.r), bgc = to_byte(bg.g), bb = to_byte(bg.b);
  int n = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const uint8_t* p = &rgba[(size_t(y) * size_t(width) + size_t(x)) * 4];
      const int d = std::max({std::abs(p[0] - br), std::abs(p[1] - bgc), std::abs(p[2] - bb)});
      if (d > threshold) ++n;
    }
  }
  return n;
}

}  // namespace glyphstream::testing
