// What Pango's wrapping costs over its parts (issue 26, "A shaping fast path, measured before
// building it" in docs/performance/issue-26-speed.md): a paragraph laid out from Pango's own
// pieces, each used once: pango_itemize (Pango's font choice per character), every item shaped once
// (pango_shape_full, or HarfBuzz directly on the item's hb_font with one reused buffer), Pango's
// break opportunities (pango_get_log_attrs) and a greedy wrap at them. No line metrics, markup,
// bidi, tabs, hyphens or justification: the floor of a shaping fast path, not one. Text-layer code
// (Pango and HarfBuzz), kept out of the installed library.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace glyphstream::baseline {

struct ShapeWrapResult {
  std::vector<float> x;  // each glyph's pen position from its line's left edge, px, text order
  int lines = 0;
  int items = 0;  // Pango items, each shaped once
};

class ShapeWrapBaseline {
 public:
  // A pangoft2 font map at text::Layouter's settings (72 dpi, fonts' hinting off, pango_cairo's
  // metrics). direct_hb: hb_shape on the item's font instead of pango_shape_full.
  explicit ShapeWrapBaseline(bool direct_hb = false);
  ~ShapeWrapBaseline();
  ShapeWrapBaseline(const ShapeWrapBaseline&) = delete;
  ShapeWrapBaseline& operator=(const ShapeWrapBaseline&) = delete;

  // Left-to-right text without newlines, tabs or markup; wrap_px > 0.
  ShapeWrapResult layout(std::string_view utf8, const std::string& font, float wrap_px);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glyphstream::baseline
