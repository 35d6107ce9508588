// An independent CPU reference for integration tests: lays out with the text layer, rasterizes
// every glyph itself, and composites the bitmaps with the same premultiplied-alpha math the
// GPU uses. A glyph that the pipeline loses, misplaces or draws from stale atlas pixels makes
// the two images differ.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/text_system.h"
#include "text/font_registry.h"
#include "text/layout.h"
#include "text/rasterizer.h"

namespace glyphstream::testing {

class CpuReference {
 public:
  static Result<std::unique_ptr<CpuReference>> create();

  // Starts a width x height image filled with a straight-alpha colour.
  void clear(int width, int height, Color color);
  // Draws text the way TextSystem::draw_text does (same pen rounding and sub-pixel bins), with
  // its decorations in Pango's order (backgrounds, glyphs, lines). The GPU puts a whole
  // frame's backgrounds under all its glyphs and its lines over them: texts that overlap
  // another text's decorations match only one per frame.
  Status draw_text(float x, float y, const std::string& utf8, const TextStyle& style);
  // Draws text the way TextSystem::draw_text_scaled settles: laid out at the style's size, each
  // glyph at (x, y) + scale * its layout position, rasterized at its size * scale. Appends each
  // glyph's bitmap box (viewport px) with pixels to *boxes when given.
  Status draw_text_scaled(float x, float y, float scale, const std::string& utf8,
                          const TextStyle& style, std::vector<Rect>* boxes = nullptr);
  const std::vector<uint8_t>& image() const { return image_; }  // RGBA8, top row first
  // Draws that follow keep only the pixels whose centre lies inside `clip` (DrawParams::clip's
  // rule, computed here on its own); none: the whole image.
  void set_clip(std::optional<RectF> clip) { clip_ = clip; }
  // Draws that follow blend in linear light, as on an sRGB target with
  // TextSystemDesc::linear_light: the image holds sRGB-encoded values (clear() stores the colour
  // as given), each pixel is decoded, blended with the decoded text colour (colour glyphs: the
  // straight colour decoded), and encoded (the exact sRGB curve).
  void set_linear_light(bool on) { linear_light_ = on; }
  // Whether pixel (x, y) is inside the clip.
  bool in_clip(int x, int y) const;

 private:
  Status draw_glyphs(float x, float y, float scale, const text::LayoutResult& layout,
                     const TextStyle& style, std::vector<Rect>* boxes);
  void blend(const text::GlyphBitmap& bm, int x0, int y0, Color c);
  text::FontRegistry registry_;
  std::unique_ptr<text::Layouter> layouter_;
  std::unique_ptr<text::Rasterizer> rasterizer_;
  int width_ = 0, height_ = 0;
  std::vector<uint8_t> image_;
  std::optional<RectF> clip_;
  bool linear_light_ = false;
};

// Number of pixels that differ from the background colour by more than `threshold`.
int count_ink(const std::vector<uint8_t>& rgba, int width, int x0, int y0, int x1, int y1,
              Color background, int threshold);

}  // namespace glyphstream::testing
