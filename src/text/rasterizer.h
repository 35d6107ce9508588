// Glyph rasterization with FreeType: one Rasterizer per thread (its own FT_Library and faces),
// never shared. Grayscale antialiased (or monochrome) coverage, or premultiplied RGBA for colour
// glyphs; outlines hinted as cairo asks FreeType to hint them for the request's render mode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "text/font_registry.h"

namespace glyphstream::text {

// Glyph ids with this bit set are not glyphs of the face: the stroked frame of a missing
// glyph's hex box (text/hex_box.h), as pango-cairo strokes it. size_26_6 holds the frame's path
// height; the low 28 bits its path width (bits 12..27, in 1/1024 of the height) and line width
// (bits 0..11, in 1/4096 of the height), so that a scaled size (draw_text_scaled, a raster
// reduced to fit a page) scales the whole frame. The bitmap puts the top-left corner of the path
// at the pen position (y is then the path's top edge, not a baseline).
constexpr uint32_t kHexFrameGlyphFlag = 0x10000000u;
uint32_t hex_frame_glyph_id(double width_px, double line_width_px, double height_px);
// The frame's path width and line width in px at `size_26_6`.
void hex_frame_geometry(uint32_t glyph_id, uint32_t size_26_6, double* width_px,
                        double* line_width_px);
// Also not glyphs of the face: the arrow pango-cairo fills for a line or paragraph separator it
// shows (\n, U+2028, U+2029: single-paragraph mode, or a line separator in text), its
// draw_unknown_glyph's polygon. size_26_6 holds the arrow's length; bits 14..27 the tip length
// and bits 0..13 the line width, each as a fraction of the length (1/4096), so that a scaled
// size (draw_text_scaled) scales the whole arrow. The polygon's first point (the tip) sits at
// the pen position.
constexpr uint32_t kLineBreakArrowGlyphFlag = 0x20000000u;
uint32_t line_break_arrow_glyph_id(double length_px, double tip_length_px, double line_width_px);

// Also not glyphs of a face: a decoration (background, line) of text rotated by an angle that
// is not a multiple of 90 degrees (text/rotation.h), a w x h rectangle from its top-left corner
// at the pen, turned by the request's angle. size_26_6 holds w + h; bits 0..23 h / (w + h) in
// 1/2^24, so that a scaled size scales both.
constexpr uint32_t kRotatedRectGlyphFlag = 0x40000000u;
// The glyph id and size of a w x h rectangle (w + h at most 4096 px: larger ones are clamped).
void rotated_rect_glyph(double w, double h, uint32_t* glyph_id, uint32_t* size_26_6);

// The largest size a request may ask: 4096 px.
constexpr uint32_t kMaxRasterSize26_6 = 4096 * 64;

// Raster angles are quantized to 1/16 degree: bin = round(degrees * 16) mod 5760, counter-
// clockwise on screen (Pango's sense); bin 0 is upright (text/rotation.cpp).
constexpr int kAngleBinsPerDegree = 16;
constexpr uint32_t kAngleBins = 360 * kAngleBinsPerDegree;
uint16_t angle_bin(double degrees_ccw);
double angle_degrees(uint16_t bin);

struct RasterRequest {
  FaceId face = 0;
  uint32_t glyph_id = 0;
  uint32_t size_26_6 = 0;    // pixel size in 1/64 px
  uint8_t subpixel_bin = 0;  // the outline is shifted right by subpixel_bin / 4 px
  // Turned counter-clockwise by angle_bin / 16 degrees about the pen before the shift
  // (FreeType's outline transform; text/rotation.h). Colour strikes are resampled.
  uint16_t angle_bin = 0;
  // render mode: hinting, monochrome, coverage curve (text/rendering_options.h)
  uint16_t render = 0;
};

struct GlyphBitmap {
  int width = 0;  // 0 x 0 for glyphs without pixels (space)
  int height = 0;
  int left = 0;  // bitmap left edge relative to the integer pen position, px
  int top = 0;   // bitmap top edge above the baseline, px (positive up)
  PixelFormat format = PixelFormat::kCoverage8;
  std::vector<uint8_t> pixels;  // tight rows: width * bytes_per_pixel(format) bytes each
};

// Decoded colour strikes (premultiplied BGRA as FreeType renders them from the font's PNG),
// shared by the rasterizers of one text system: an emoji drawn at several sizes (three text
// sizes, every frame of a zoom) is inflated once. Thread-safe; bounded by bytes, least recently
// used out.
class ColorStrikeCache {
 public:
  struct Strike {
    int width = 0, height = 0;  // tight rows of width * 4 bytes
    int left = 0, top = 0;      // FreeType's bitmap_left / bitmap_top at the strike size
    std::vector<uint8_t> bgra;
  };
  explicit ColorStrikeCache(size_t max_bytes = size_t(16) << 20) : max_bytes_(max_bytes) {}

  std::shared_ptr<const Strike> find(FaceId face, int strike, uint32_t glyph);
  void insert(FaceId face, int strike, uint32_t glyph, std::shared_ptr<const Strike> value);
  size_t bytes() const;
  size_t size() const;

 private:
  static uint64_t key(FaceId face, int strike, uint32_t glyph) {
    return (uint64_t(face) << 40) ^ (uint64_t(uint32_t(strike) & 0xff) << 32) ^ glyph;
  }
  using Lru = std::list<uint64_t>;
  struct Entry {
    std::shared_ptr<const Strike> value;
    Lru::iterator position;
  };
  mutable std::mutex mutex_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  Lru lru_;  // most recent first
  std::unordered_map<uint64_t, Entry> map_;
};

// A glyph loaded and measured but not rendered yet (Rasterizer::prepare): `direct` when it
// waits in the rasterizer for render_prepared() into memory the caller chose (an atlas page,
// issue 26), `bitmap` then holding the box only (width, height, left, top, format; no pixels);
// otherwise `bitmap` is the whole raster (colour, monochrome, hex boxes, ...). A direct
// greyscale glyph waits as an outline, which keep_prepared() can move out (`keepable`); a
// direct LCD glyph as FreeType's LCD bitmap, rendered already (FreeType has no LCD render into
// caller memory), which render_prepared() converts into the page: one copy instead of two.
struct PreparedGlyph {
  bool direct = false;
  GlyphBitmap bitmap;
  bool keepable = false;
};

// Outlines kept past the next prepare() (issue 26): a worker prepares many glyphs, and each is
// rendered later, by any thread, once the atlas has placed it. Append-only blocks that never
// move, reused after reset(); one arena per thread, written by that thread only.
class OutlineArena {
 public:
  // `bytes` bytes, 16-byte aligned, that stay where they are until reset().
  uint8_t* take(size_t bytes);
  // Forgets every outline; keeps up to kKeptBytes of blocks for the next ones.
  void reset();
  size_t capacity() const;
  static constexpr size_t kBlock = size_t(256) << 10;
  static constexpr size_t kKeptBytes = size_t(8) << 20;

 private:
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
  std::vector<size_t> sizes_;
  size_t block_ = 0, used_ = 0;
};

// A prepared glyph's outline moved out of its rasterizer (Rasterizer::keep_prepared), already at
// its box's origin: any rasterizer renders it (render_kept) while its arena is not reset.
struct KeptOutline {
  const uint8_t* data = nullptr;  // points, contour ends, tags (FreeType's types)
  int n_points = 0, n_contours = 0, flags = 0;
  int width = 0, height = 0;  // the box (GlyphBitmap's width and height)
  uint32_t glyph_id = 0;      // for messages
  uint8_t curve = 0;          // the coverage curve (text/rendering_options.h)
  bool valid() const { return data != nullptr; }
};

class Rasterizer {
 public:
  // `strikes` (optional, may be shared by several rasterizers) keeps decoded colour strikes.
  explicit Rasterizer(const FontRegistry* registry, ColorStrikeCache* strikes = nullptr);
  ~Rasterizer();
  Rasterizer(const Rasterizer&) = delete;
  Rasterizer& operator=(const Rasterizer&) = delete;

  // Renders one glyph. Colour bitmap fonts (CBDT emoji) are scaled from their strike to the
  // requested size. Errors: kFontLoadFailed (bad font), kInvalidArgument (size out of range,
  // glyph id outside the face). The request's coverage curve (text/rendering_options.h) is
  // applied to coverage bitmaps.
  // The same as prepare() then, when direct, render_prepared() into the bitmap's own pixels.
  Result<GlyphBitmap> rasterize(const RasterRequest& request);
  // rasterize() without the coverage curve (the CPU reference applies its own).
  Result<GlyphBitmap> rasterize_uncurved(RasterRequest request) {
    request.render &= 0xff;
    return rasterize(request);
  }
  // Loads the glyph and measures it (the first half of rasterize(); the same errors).
  Result<PreparedGlyph> prepare(const RasterRequest& request);
  // Renders the last prepare()'s direct outline into its box at `dst`, rows `stride` bytes
  // apart, which must be zero (FreeType writes only covered pixels); no other call of this
  // rasterizer in between. The pixels equal rasterize()'s (the coverage curve included).
  Status render_prepared(uint8_t* dst, size_t stride);
  // prepare()'s result as rasterize() returns it: a direct glyph rendered into its own pixels.
  Result<GlyphBitmap> finish(PreparedGlyph prepared);
  // Moves the last prepare()'s direct outline into `arena` instead (render_prepared() is then
  // refused); invalid when there is none.
  KeptOutline keep_prepared(OutlineArena& arena);
  // Renders an outline kept by any rasterizer into its box at `dst` (zero, rows `stride` bytes
  // apart), from any thread; leaves this rasterizer's prepared glyph alone. The pixels equal
  // rasterize()'s.
  Status render_kept(const KeptOutline& outline, uint8_t* dst, size_t stride);

 private:
  Result<PreparedGlyph> prepare_uncurved(const RasterRequest& request);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glyphstream::text
