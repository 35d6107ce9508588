// RenderingStyle (glyphstream/rendering.h) on the text side: the checks every entry point
// makes, and the render mode byte that travels with a glyph (atlas::GlyphKey::flags,
// RasterRequest::render) and tells the rasterizer how cairo would load and render it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "glyphstream/rendering.h"
#include "glyphstream/status.h"

namespace glyphstream::text {

// Every enum field holds a value of its enum and the coverage curve is within its bounds
// (kInvalidArgument naming the field).
Status check_rendering_style(const RenderingStyle& r);

// The render mode byte: bit 0 monochrome (antialias none), bits 1..2 the hint style the
// rasterizer applies (kAuto resolved), bit 3 FreeType's auto-hinter forced, bit 4 LCD
// (antialias subpixel: three coverages per pixel, a kLcd24 bitmap) and bits 5..6 its
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
inline uint8_t hint(uint16_t mode) { return uint8_t((mode & kHintMask) >> kHintShift); }
inline SubpixelOrder order(uint16_t mode) {
  return SubpixelOrder((mode & kOrderMask) >> kOrderShift);
}
inline bool vertical_lcd(uint16_t mode) {
  return (mode & kLcd) != 0 &&
         (order(mode) == SubpixelOrder::kVrgb || order(mode) == SubpixelOrder::kVbgr);
}
// The render mode travels in a 16-bit word (ShapedGlyph::render, GlyphKey::flags,
// RasterRequest::render): the byte above, and the coverage curve in the high byte.
inline constexpr int kCurveShift = 8;
inline uint8_t curve(uint16_t mode) { return uint8_t(mode >> kCurveShift); }
inline uint16_t with_curve(uint8_t mode, uint8_t curve) {
  return uint16_t(mode | curve << kCurveShift);
}
// No unknown mode bit, and a curve of coverage_curve_of's encoding (or 0).
inline bool valid(uint16_t mode) {
  const uint8_t c = curve(mode);
  return (mode & 0xff & ~kAllBits) == 0 &&
         (c == 0 || ((c & 31) != 0 && (c & 31) <= 26 && c >> 5 <= 5));
}
}  // namespace render_mode

// The coverage curve (RenderingStyle::coverage_gamma, coverage_contrast) of a checked style as
// one byte: 0 off; else bits 0..4 the gamma in tenths above 0.4 (1..26: 0.5..3.0), bits 5..7
// the contrast in fifths (0..5).
uint8_t coverage_curve_of(const RenderingStyle& r);
// The curve's gamma and contrast (1 and 0 for 0).
float curve_gamma(uint8_t curve);
float curve_contrast(uint8_t curve);
// Applies the curve to coverage bytes (a table per curve, made once).
void apply_coverage_curve(uint8_t curve, uint8_t* coverage, size_t count);

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

// A glyph's render mode word: render_mode_of and coverage_curve_of; 0 for a colour glyph (one
// way to draw it).
uint16_t render_word_of(const RenderingStyle& r, const FontHinting& font, bool color_glyph);

// Whether a glyph of this render mode lands on a whole pixel: with whole-pixel positions, and
// when hinted (its outline is fitted to the grid, which a quarter-pixel shift would undo) or
// monochrome (its pixels are on or off: a shift only moves or doubles a stem), as cairo's image
// backend draws every glyph.
inline bool lands_on_whole_pixel(const RenderingStyle& r, uint16_t mode) {
  return r.whole_pixel_positions || render_mode::hint(mode) != 0 ||
         (mode & render_mode::kMono) != 0;
}

}  // namespace glyphstream::text
