// Paints the text layer's decorations (text/decoration.h) on the CPU the way pango-cairo fills
// them, around a glyph layer drawn by the GPU: the check that the decoration data the GPU stage
// receives is complete and placed as Pango's own renderer places it, before the GPU draws it.
#pragma once

#include <cstdint>
#include <vector>

#include "text/decoration.h"

namespace glyphstream::oracle {

// Pango's order on a premultiplied RGBA8 image cleared to `background`: backgrounds, then
// `glyph_layer` (premultiplied glyphs over transparent) composited over, then lines and
// squiggles. Decorations are offset by (dx, dy); those without colour use `style_rgba`.
std::vector<uint8_t> paint_with_decorations(const std::vector<uint8_t>& glyph_layer, int width,
                                            int height, uint32_t background_rgba,
                                            uint32_t style_rgba,
                                            const std::vector<text::Decoration>& decorations,
                                            float dx, float dy);

}  // namespace glyphstream::oracle
