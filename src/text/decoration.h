// What Pango draws besides glyphs: run backgrounds, underlines (single, double, low), overlines,
// strikethroughs and error squiggles, as rectangles placed by Pango's own renderer (thickness
// and position from the font's metrics, in Pango's drawing order).
#pragma once

#include <cstdint>
#include <vector>

namespace glyphstream::text {

enum class DecorationKind : uint8_t {
  kBackground = 0,     // a run's background (markup background/bgcolor): fill w x h
  kSolidLine = 1,      // underline / double underline (two entries) / overline /
                       // strikethrough: fill w x h
  kErrorSquiggle = 2,  // underline="error": the zigzag pango-cairo strokes inside w x h
};

// Where a decoration goes relative to the glyphs (Pango: backgrounds, glyphs, lines).
enum class DecorationLayer : uint8_t {
  kBelowGlyphs = 0,  // backgrounds
  kAboveGlyphs = 1,  // every line and squiggle
};

struct Decoration {
  DecorationKind kind = DecorationKind::kSolidLine;
  DecorationLayer layer = DecorationLayer::kAboveGlyphs;
  float x = 0, y = 0, w = 0, h = 0;  // px, layout coordinates (top-left origin, y down), unrounded
  uint32_t color_rgba = 0;  // straight RGBA8 (0xRRGGBBAA): rgb if has_color, alpha if has_alpha
  bool has_color = false;   // false: the style's rgb (as the glyphs without markup colour)
  bool has_alpha = false;   // fgalpha / bgalpha; false: see text/markup_color.h
};

}  // namespace glyphstream::text
