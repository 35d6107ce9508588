// Text quality options (TextStyle::rendering): antialiasing, hinting and glyph positions, with
// pango-view's names and meanings (its cairo font options), so that one command line drives
// glyphstream-render and pango-view alike. Zero is the default everywhere and is what
// glyphstream always drew: grey antialiasing, no hinting, unhinted metrics, quarter-pixel
// positions, i.e. pango-view --hinting none --hint-metrics on --subpixel-positions
// --antialias gray (pango-view 1.50's --hint-metrics is inverted: HintMetrics). Every field is
// part of the layout cache key and of the glyph cache key, so one frame may mix styles.
#pragma once

#include <cstdint>

namespace glyphstream {

// --antialias: how glyph edges are drawn. kNone: every pixel fully covered or not at all
// (FreeType's monochrome rasterizer, hinted for monochrome as cairo hints it), each glyph at a
// whole pixel (a quarter-pixel shift of on-or-off pixels only moves or doubles a stem). kSubpixel:
// LCD glyphs with one coverage per colour stripe (subpixel_order), each channel of the target
// blended with its own; drawn greyscale where the device lacks dual-source blending or the
// target is translucent (TextSystemDesc::translucent_target; FrameStats::lcd_fallback_draws).
enum class Antialias : uint8_t { kGray = 0, kNone, kSubpixel };
// --subpixel-order: the order of a pixel's colour stripes (with kSubpixel only).
enum class SubpixelOrder : uint8_t { kRgb = 0, kBgr, kVrgb, kVbgr };
// --hinting: how outlines are fitted to the pixel grid, as cairo asks FreeType: kNone
// unhinted; kSlight FreeType's light hinting; kMedium and kFull its normal hinting (with
// antialias none: its monochrome hinting); kAuto the font's hint style in fontconfig's
// configuration. A font that fontconfig's configuration keeps unhinted (Debian: WenQuanYi
// Micro Hei, DejaVu below 7.5 px) stays unhinted, and one it gives the auto-hinter gets it, as
// in cairo. A hinted glyph is drawn at a whole pixel (its outline is fitted to the grid; a
// quarter-pixel shift would undo that), as cairo's image backend draws it.
enum class HintStyle : uint8_t { kNone = 0, kAuto, kSlight, kMedium, kFull };
// cairo's hint metrics. kOff: the fonts' ascent and descent as they are (what glyphstream
// always did). kOn: as pango-cairo with CAIRO_HINT_METRICS_ON, every line's ascent and descent
// (empty lines' too) rounded up to whole pixels, so lines sit on whole pixels; glyph advances
// and shapes do not change. pango-view 1.50 hands its --hint-metrics flag to cairo inverted:
// `pango-view --hint-metrics on` draws kOff, `--hint-metrics off` (and no flag: an image
// surface's default) draws kOn; glyphstream-render's flag follows pango-view's drawing.
enum class HintMetrics : uint8_t { kOff = 0, kOn };

struct RenderingStyle {
  Antialias antialias = Antialias::kGray;              // --antialias
  SubpixelOrder subpixel_order = SubpixelOrder::kRgb;  // --subpixel-order
  HintStyle hinting = HintStyle::kNone;                // --hinting
  HintMetrics hint_metrics = HintMetrics::kOff;        // cairo's (pango-view's flag inverted)
  // --subpixel-positions off (pango-view's default): glyph positions are rounded to whole
  // pixels by Pango (advances too) and every glyph lands on a whole pixel of the target. false
  // (--subpixel-positions): positions are kept to a quarter pixel.
  bool whole_pixel_positions = false;
  // Coverage curve (no pango-view equivalent; glyphstream-render's --coverage-gamma and
  // --coverage-contrast), in the style of Skia's and WebRender's text gamma tables: each
  // coverage a of a grey or monochrome glyph becomes (a + contrast a (1 - a))^(1 / gamma) when it
  // is rasterized (so the atlas keeps one raster per curve; colour glyphs are left alone).
  // gamma > 1 thickens and darkens edges, < 1 thins them; contrast > 0 raises partial coverage
  // (Skia's contrast boost). Off by default: gamma 0 (or 1) and contrast 0. Quantized for the
  // glyph cache: gamma to 0.1 in [0.5, 3], contrast to 0.2 in [0, 1]; outside those bounds (or
  // NaN) kInvalidArgument. The same curve for every colour: a style for light text on dark
  // backgrounds may want another curve than one for dark text on light (docs/USING.md).
  float coverage_gamma = 0;
  float coverage_contrast = 0;

  friend bool operator==(const RenderingStyle&, const RenderingStyle&) = default;
};

}  // namespace glyphstream
