// The colour a glyph or decoration is drawn in, from the style's colour and what markup set,
// as pango-cairo resolves it (its set_color): markup's foreground (or a line's own colour)
// replaces the style colour *with* its alpha (opaque unless fgalpha is set); fgalpha alone keeps
// the style's rgb with the markup alpha; with neither the style colour is used as it is,
// translucent or not. Plain C++: the pipeline calls it per quad.
#pragma once

#include <cstdint>

namespace glyphstream::text {

// Colours are straight RGBA8, 0xRRGGBBAA. `markup_rgba` holds markup's rgb (if has_rgb) and
// alpha (if has_alpha).
constexpr uint32_t resolve_markup_color(uint32_t style_rgba, uint32_t markup_rgba, bool has_rgb,
                                        bool has_alpha) {
  const uint32_t rgb = (has_rgb ? markup_rgba : style_rgba) & 0xffffff00u;
  const uint32_t alpha = has_alpha ? (markup_rgba & 0xffu) : has_rgb ? 0xffu : (style_rgba & 0xffu);
  return rgb | alpha;
}

}  // namespace glyphstream::text
