#include "text/slot_bitmap.h"

#include <cstddef>
#include <cstring>

namespace glyphstream::text {

bool slot_to_glyph_bitmap(const FT_Bitmap& bm, SubpixelOrder order, GlyphBitmap* out_ptr) {
  GlyphBitmap& out = *out_ptr;
  out = GlyphBitmap{};
  if (bm.width == 0 || bm.rows == 0) return true;  // space and friends: no pixels
  out.width = static_cast<int>(bm.width);
  out.height = static_cast<int>(bm.rows);
  const size_t w = bm.width, h = bm.rows;
  switch (bm.pixel_mode) {
    case FT_PIXEL_MODE_GRAY: {
      out.format = PixelFormat::kCoverage8;
      out.pixels.resize(w * h);
      if (bm.num_grays == 256) {
        for (size_t y = 0; y < h; ++y) {
          std::memcpy(out.pixels.data() + y * w, bm.buffer + std::ptrdiff_t(y) * bm.pitch, w);
        }
      } else {
        const unsigned max = bm.num_grays > 1 ? bm.num_grays - 1 : 1;
        for (size_t y = 0; y < h; ++y) {
          const uint8_t* row = bm.buffer + std::ptrdiff_t(y) * bm.pitch;
          for (size_t x = 0; x < w; ++x) out.pixels[y * w + x] = uint8_t(row[x] * 255u / max);
        }
      }
      break;
    }
    case FT_PIXEL_MODE_MONO: {
      out.format = PixelFormat::kCoverage8;
      out.pixels.resize(w * h);
      for (size_t y = 0; y < h; ++y) {
        const uint8_t* row = bm.buffer + std::ptrdiff_t(y) * bm.pitch;
        for (size_t x = 0; x < w; ++x) {
          out.pixels[y * w + x] = (row[x >> 3] & (0x80 >> (x & 7))) ? 255 : 0;
        }
      }
      break;
    }
    case FT_PIXEL_MODE_LCD:
    case FT_PIXEL_MODE_LCD_V: {
      lcd_to_rgb(bm.buffer, bm.pitch, int(bm.width), int(bm.rows),
                 bm.pixel_mode == FT_PIXEL_MODE_LCD_V,
                 order == SubpixelOrder::kBgr || order == SubpixelOrder::kVbgr, &out);
      break;
    }
    case FT_PIXEL_MODE_BGRA: {
      out.format = PixelFormat::kColor32;
      out.pixels.resize(w * h * 4);
      for (size_t y = 0; y < h; ++y) {
        const uint8_t* row = bm.buffer + std::ptrdiff_t(y) * bm.pitch;
        uint8_t* dst = out.pixels.data() + y * w * 4;
        for (size_t x = 0; x < w; ++x) {  // premultiplied BGRA -> premultiplied RGBA
          dst[4 * x + 0] = row[4 * x + 2];
          dst[4 * x + 1] = row[4 * x + 1];
          dst[4 * x + 2] = row[4 * x + 0];
          dst[4 * x + 3] = row[4 * x + 3];
        }
      }
      break;
    }
    default:
      return false;
  }
  return true;
}

namespace {

// The w x h kLcd24 pixels of an LCD buffer (see lcd_to_rgb) at dst, rows `stride` bytes apart.
void lcd_rows_to_rgb(const uint8_t* buffer, int pitch, int w, int h, bool vertical, bool swap_rb,
                     uint8_t* dst_rows, size_t stride) {
  const int r = swap_rb ? 2 : 0, b = swap_rb ? 0 : 2;
  for (int y = 0; y < h; ++y) {
    uint8_t* dst = dst_rows + size_t(y) * stride;
    for (int x = 0; x < w; ++x) {
      uint8_t s[3];
      for (int k = 0; k < 3; ++k) {
        const int sy = vertical ? 3 * y + k : y, sx = vertical ? x : 3 * x + k;
        s[k] = buffer[std::ptrdiff_t(sy) * pitch + sx];
      }
      dst[3 * x + 0] = s[r];
      dst[3 * x + 1] = s[1];
      dst[3 * x + 2] = s[b];
    }
  }
}

}  // namespace

void lcd_to_rgb(const uint8_t* buffer, int pitch, int width, int rows, bool vertical, bool swap_rb,
                GlyphBitmap* out) {
  const int w = vertical ? width : width / 3;
  const int h = vertical ? rows / 3 : rows;
  out->width = w;
  out->height = h;
  out->format = PixelFormat::kLcd24;
  if (w <= 0 || h <= 0) {
    out->width = out->height = 0;
    out->pixels.clear();
    return;
  }
  out->pixels.resize(size_t(w) * size_t(h) * 3);
  lcd_rows_to_rgb(buffer, pitch, w, h, vertical, swap_rb, out->pixels.data(), size_t(w) * 3);
}

int lcd_pixel_width(const FT_Bitmap& bm) {
  return bm.pixel_mode == FT_PIXEL_MODE_LCD_V ? int(bm.width) : int(bm.width) / 3;
}

int lcd_pixel_height(const FT_Bitmap& bm) {
  return bm.pixel_mode == FT_PIXEL_MODE_LCD_V ? int(bm.rows) / 3 : int(bm.rows);
}

void lcd_bitmap_to_rgb(const FT_Bitmap& bm, bool swap_rb, uint8_t* dst, size_t stride) {
  lcd_rows_to_rgb(bm.buffer, bm.pitch, lcd_pixel_width(bm), lcd_pixel_height(bm),
                  bm.pixel_mode == FT_PIXEL_MODE_LCD_V, swap_rb, dst, stride);
}

}  // namespace glyphstream::text
