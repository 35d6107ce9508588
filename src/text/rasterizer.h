// Glyph rasterization with FreeType: one Rasterizer per thread (its own FT_Library and faces),
// never shared. Grayscale antialiased coverage, or premultiplied RGBA for colour glyphs.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "text/font_registry.h"

namespace glyphstream::text {

struct RasterRequest {
  FaceId face = 0;
  uint32_t glyph_id = 0;
  uint32_t size_26_6 = 0;    // pixel size in 1/64 px
  uint8_t subpixel_bin = 0;  // the outline is shifted right by subpixel_bin / 4 px
};

struct GlyphBitmap {
  int width = 0;  // 0 x 0 for glyphs without pixels (space)
  int height = 0;
  int left = 0;  // bitmap left edge relative to the integer pen position, px
  int top = 0;   // bitmap top edge above the baseline, px (positive up)
  PixelFormat format = PixelFormat::kCoverage8;
  std::vector<uint8_t> pixels;  // tight rows: width * bytes_per_pixel(format) bytes each
};

class Rasterizer {
 public:
  explicit Rasterizer(const FontRegistry* registry);
  ~Rasterizer();
  Rasterizer(const Rasterizer&) = delete;
  Rasterizer& operator=(const Rasterizer&) = delete;

  // Renders one glyph. Colour bitmap fonts (CBDT emoji) are scaled from their strike to the
  // requested size. Errors: kFontLoadFailed (bad font), kInvalidArgument (size out of range,
  // glyph id outside the face).
  Result<GlyphBitmap> rasterize(const RasterRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glyphstream::text
