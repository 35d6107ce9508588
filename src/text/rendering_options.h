// RenderingStyle (glyphstream/rendering.h) on the text side: the checks every entry point
// makes, and the render mode byte that travels with a glyph (atlas::GlyphKey::flags,
// RasterRequest::render) and tells the rasterizer how cairo would load and render it.
#pragma once

#include <cstdint>

#include "glyphstream/rendering.h"
#include "glyphstream/status.h"

namespace glyphstream::text {

// Every enum field holds a value of its enum (kInvalidArgument naming the field), then what is
// not implemented (kUnsupported: hint metrics on).
Status check_rendering_style(const RenderingStyle& r);

// The render mode byte: bit 0 monochrome (antialias none), bits 1..2 the hint style the
// rasterizer applies (kAuto resolved), bit 3 FreeType's auto-hinter forced, bit 4 LCD
// (antialias subpixel: three coverages per pixel, a kLcd32 bitmap) and bits 5..6 its
// SubpixelOrder. 0 is grey and unhinted, what glyphstream always drew.
namespace render_mode {
inline constexpr uint8_t kMono = 0x01;
inline constexpr uint8_t kHintShift = 1;
inline constexpr uint8_t kHintMask = 0x06;
inline constexpr uint8_t kHintNone = 0, kHintSlight = 1, kHintMedium = 2, kHintFull = 3;
inline constexpr uint8_t kAutohint = 0x08;
inline constexpr uint8_t kLcd = 0x10;
inline constexpr uint8_t kOrderShift = 5;
inline constexpr uint8_t kOrderMask = 0x60;
inline constexpr uint8_t kAllBits = 0x7f;
inline uint8_t hint(uint8_t mode) { return uint8_t((mode & kHintMask) >> kHintShift); }
inline SubpixelOrder order(uint8_t mode) {
  return SubpixelOrder((mode & kOrderMask) >> kOrderShift);
}
inline bool vertical_lcd(uint8_t mode) {
  return (mode & kLcd) != 0 &&
         (order(mode) == SubpixelOrder::kVrgb || order(mode) == SubpixelOrder::kVbgr);
}
}  // namespace render_mode

// What fontconfig's configuration says about hinting one font (at one size): a font may refuse
// hinting (WenQuanYi Micro Hei, DejaVu below 7.5 px in Debian's rules), ask for the
// auto-hinter, and give the hint style that HintStyle::kAuto takes.
struct FontHinting {
  bool hinting = true;
  uint8_t style = render_mode::kHintFull;  // FC_HINT_STYLE, full when absent (as cairo reads it)
  bool autohint = false;
};
// For the font of a PangoFc pattern (FcPattern*, void* here so that fontconfig stays out of the
// header): the pattern's family, file and size run through the configuration's pattern and
// font rules again, since the layout's own font map pins hinting off for metrics.
FontHinting font_hinting(const void* fc_pattern);

// The render mode of a checked style for a font, as cairo merges its context's font options
// with the font's pattern (cairo-ft-font.c, _cairo_ft_options_merge): the style's hint style,
// or with kAuto the font's; none where the font refuses hinting; the auto-hinter where the
// font asks for it.
uint8_t render_mode_of(const RenderingStyle& r, const FontHinting& font);

// Whether a glyph of this render mode lands on a whole pixel: with whole-pixel positions, and
// when hinted (its outline is fitted to the grid, which a quarter-pixel shift would undo) or
// monochrome (its pixels are on or off: a shift only moves or doubles a stem), as cairo's image
// backend draws every glyph.
inline bool lands_on_whole_pixel(const RenderingStyle& r, uint8_t mode) {
  return r.whole_pixel_positions || render_mode::hint(mode) != 0 ||
         (mode & render_mode::kMono) != 0;
}

}  // namespace glyphstream::text
