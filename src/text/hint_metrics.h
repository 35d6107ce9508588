// RenderingStyle::hint_metrics on the Pango side. The layout's font map is pangoft2, whose
// logical glyph extents are the font's unrounded ascent and descent: what pango-cairo gives
// with cairo's hint metrics off. With them on (HintMetrics::kOn), pango-cairo rounds every
// glyph's logical rectangle out to whole pixels (pangocairo-font.c,
// _pango_cairo_font_private_glyph_extents_cache_init: the top down, the ascent and descent
// up), cairo rounds every glyph's ink box out to whole pixels, and pango-cairo hints its hex
// boxes; the layouter then lays out on a second pangoft2 font map,
// marked here, whose fonts report extents that way (the font class's get_glyph_extents entry,
// hex_box.cpp), so that Pango stacks, breaks and ellipsizes lines as pango-cairo does.
#pragma once

#include <pango/pangofc-font.h>

namespace glyphstream::text {

// Marks `map`: its fonts' metrics are hinted (once, before any font of it is loaded).
void mark_metrics_hinted(PangoFontMap* map);
// Whether `font` comes from a marked map.
bool metrics_hinted(PangoFont* font);

// pango-cairo's rounding of a logical rectangle with hint metrics on, applied to pangoft2's
// unrounded one (y = -ascent, height = ascent + descent, Pango units): y to the whole pixel
// away from the baseline, height = ceil(ascent) + ceil(descent).
void hint_logical_rect(PangoRectangle* logical);

// cairo's glyph ink box with hint metrics on (cairo-ft-font.c, _cairo_ft_scaled_glyph_init):
// FreeType's unhinted box of an outline glyph (26.6) rounded out to whole pixels, Pango units.
// False, leaving *ink as it is, for a glyph that is not an outline (a colour bitmap: cairo
// rounds it on its strike's grid whatever the hint metrics) or that FreeType cannot load.
// Kept with the font. (A hinted style's glyphs: cairo's box is the hinted outline's, this the
// unhinted one's, so a line's ink extents may differ by a pixel or two; positions do not.)
bool cairo_hinted_ink(PangoFont* font, PangoGlyph glyph, PangoRectangle* ink);

// The font's FreeType face at its size, what cairo reads metrics from (Pango deprecates the
// accessor in favour of HarfBuzz, which has neither FreeType's size metrics nor its 26.6 glyph
// boxes). Unlock every face locked.
FT_Face lock_ft_face(PangoFont* font);
void unlock_ft_face(PangoFont* font);

// pango-cairo's font metrics with hint metrics on: ascent, descent and height rounded up to
// whole pixels (in place; rounding again changes nothing).
void hint_font_metrics(PangoFontMetrics* metrics);

// cairo's HINT() of pangocairo-font.c at a scale of 1: up to the next whole pixel, px.
double hint_px(double value);

}  // namespace glyphstream::text
