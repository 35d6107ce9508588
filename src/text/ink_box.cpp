#include "text/ink_box.h"

#include <hb.h>
#include <pango/pango.h>

#include <algorithm>
#include <cmath>

#include "text/rasterizer.h"

namespace glyphstream::text {
namespace {

// Whole pixels added on every side: rounding out to pixels and the pen's integer part (the
// glyph's true origin lies up to 1 px right of and 0.5 px around its integer pen), with room
// for outlines that stray a little past a font's declared box (1/16 em).
double margin(double size_px) { return 2.0 + std::ceil(size_px / 16.0); }

int16_t clamp16(double v) { return int16_t(std::clamp(v, -32767.0, 32766.0)); }

InkBox box(double x0, double y0, double x1, double y1, double m) {
  InkBox b;
  b.x0 = clamp16(std::floor(x0) - m);
  b.y0 = clamp16(std::floor(y0) - m);
  b.x1 = clamp16(std::ceil(x1) + m);
  b.y1 = clamp16(std::ceil(y1) + m);
  return b;
}

int be16(const uint8_t* p) { return int16_t(uint16_t(p[0] << 8 | p[1])); }

}  // namespace

InkBox ink_box_from_head(const uint8_t* head, unsigned bytes, double size_px, bool color) {
  // 'head': unitsPerEm at 18 (uint16), xMin, yMin, xMax, yMax at 36..43 (int16), in font units
  // with y up; magicNumber 0x5F0F3CF5 at 12.
  if (head == nullptr || bytes < 54 || !(size_px > 0)) return {};
  const uint32_t magic =
      uint32_t(head[12]) << 24 | uint32_t(head[13]) << 16 | uint32_t(head[14]) << 8 | head[15];
  const int upem = be16(head + 18) & 0xFFFF;
  if (magic != 0x5F0F3CF5u || upem < 16) return {};
  const double s = size_px / upem;
  double x0 = be16(head + 36) * s, y0 = -be16(head + 42) * s;  // y down
  double x1 = be16(head + 40) * s, y1 = -be16(head + 38) * s;
  if (color) {
    x0 = std::min(x0, -0.5 * size_px), x1 = std::max(x1, 2.0 * size_px);
    y0 = std::min(y0, -1.5 * size_px), y1 = std::max(y1, 1.0 * size_px);
  }
  if (!(x1 >= x0 && y1 >= y0)) return {};
  return box(x0, y0, x1, y1, margin(size_px));
}

InkBox font_ink_box(PangoFont* font, double size_px, bool color) {
  hb_font_t* hb = font != nullptr ? pango_font_get_hb_font(font) : nullptr;
  if (hb == nullptr) return {};
  hb_blob_t* blob = hb_face_reference_table(hb_font_get_face(hb), HB_TAG('h', 'e', 'a', 'd'));
  unsigned bytes = 0;
  const char* data = hb_blob_get_data(blob, &bytes);
  const InkBox b = ink_box_from_head(reinterpret_cast<const uint8_t*>(data), bytes, size_px, color);
  hb_blob_destroy(blob);
  return b;
}

InkBox flagged_glyph_ink(uint32_t id, uint32_t size_26_6) {
  // The geometry rasterizer.cpp decodes (render_hex_frame, render_line_break_arrow), rounded
  // out by the margins; the sub-pixel shift is inside them.
  const double size = size_26_6 / 64.0;
  if (id & kHexFrameGlyphFlag) {  // a stroked rectangle, w x size, from the pen down
    double w = 0, lw = 0;
    hex_frame_geometry(id, size_26_6, &w, &lw);
    const double half = lw / 2;
    return box(-half, -half, w + half, size + half, margin(size));
  }
  if (id & kLineBreakArrowGlyphFlag) {  // an arrow `size` long, pointing left, its stem up
    const double tip = size * ((id >> 14) & 0x3FFF) / 4096.0, lw = size * (id & 0x3FFF) / 4096.0;
    const double up = std::max(size - 0.5 * tip, 2.5 * lw), down = 2.5 * lw;
    return box(0, -up, size + 0.5 * lw, down, margin(size));
  }
  if (id & kRotatedRectGlyphFlag) {  // w x h from the pen down, before its rotation
    const double h = size * double(id & 0xFFFFFF) / double(1 << 24);
    return box(0, 0, size - h, h, 2.0);
  }
  return {};
}

}  // namespace glyphstream::text
