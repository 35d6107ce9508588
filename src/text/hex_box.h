// Missing glyphs as Pango's cairo renderer draws them: a box holding the code point in hex
// digits ("hex box"), with the advance pango-cairo gives it. The layout font map is pangoft2,
// whose unknown-glyph metrics differ; install_pango_cairo_metrics() gives pangoft2 fonts
// pango-cairo's metrics, so that lines also break as pango-view's do (and, for the fonts of a
// map whose metrics are hinted, pango-cairo's rounding of them: hint_metrics.h).
#pragma once

#include <pango/pango.h>

#include <cstdint>

namespace glyphstream::text {

// pango-cairo's hex box geometry for one font (pangocairo-font.c, metrics not hinted), px.
struct HexBoxInfo {
  int rows = 2;                    // digit rows (4 digits: 2 x 2; 6 digits: 2 x 3)
  double digit_width = 0;          // widest ink of 0-9A-F in the mini font
  double digit_height = 0;         // tallest ink of 0-9A-F
  double pad = 0;                  // (ascent + descent) / 43, at most the mini font size
  double line_width = 0;           // of the stroked frame: pad
  double box_height = 0;           // 3 pad + rows (pad + digit_height)
  double box_descent = 0;          // of the box below the baseline
  PangoFont* mini_font = nullptr;  // "monospace" at size / 2.2, other fields of the font's
};

// Once per process: makes every pangoft2 font report pango-cairo's hex-box extents for
// unknown glyphs, and a font of a map marked by mark_metrics_hinted its logical extents and
// metrics rounded as pango-cairo's with hint metrics on (a font of `map` is loaded to reach
// the class). Thread-safe.
void install_pango_cairo_metrics(PangoFontMap* map, PangoContext* context);

// The font's hex box (computed once, kept with the font); null if the font has no metrics.
const HexBoxInfo* hex_box_info(PangoFont* font);

// Digit columns of the hex box for an unknown glyph (PANGO_GLYPH_UNKNOWN_FLAG | code point).
int hex_box_columns(uint32_t pango_glyph, int rows);

}  // namespace glyphstream::text
