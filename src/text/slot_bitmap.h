// FreeType's rendered bitmaps (a glyph slot's FT_Bitmap) as GlyphBitmaps: grey coverage (any
// number of grey levels), monochrome (1 bit to 0/255), colour (premultiplied BGRA to RGBA) and
// LCD. LCD (subpixel) bitmaps: FreeType's FT_PIXEL_MODE_LCD / LCD_V output (three coverages per
// pixel, side by side or stacked, filtered by FT_LCD_FILTER_DEFAULT as cairo asks) turned into
// a kLcd24 bitmap, three bytes per pixel: R, G, B are the coverages of the target's red, green
// and blue channels, as cairo's _fill_xrender_bitmap orders them (for bgr / vbgr the stripes
// are swapped, the first one being blue). cairo's component-alpha ARGB adds green's coverage as
// A; the atlas does not store it (the shaders take G for it).
#pragma once

#include <ft2build.h>
#include FT_FREETYPE_H

#include <cstdint>

#include "glyphstream/rendering.h"
#include "text/rasterizer.h"

namespace glyphstream::text {

// Sets out's size, format and pixels (not left / top); an empty bitmap gives 0 x 0. False for
// a pixel mode it does not know. `order` swaps red and blue of LCD bitmaps for bgr / vbgr.
bool slot_to_glyph_bitmap(const FT_Bitmap& bm, SubpixelOrder order, GlyphBitmap* out);

// `buffer` holds `rows` rows of `pitch` bytes (negative: bottom-up) of `width` bytes each.
// Horizontal (vertical = false): width is three times the pixel width. Vertical: rows is three
// times the pixel height. swap_rb: bgr / vbgr. Sets out's size, format and pixels.
void lcd_to_rgb(const uint8_t* buffer, int pitch, int width, int rows, bool vertical, bool swap_rb,
                GlyphBitmap* out);

// The kLcd24 box of an FT_PIXEL_MODE_LCD / LCD_V bitmap: its pixel width and height.
int lcd_pixel_width(const FT_Bitmap& bm);
int lcd_pixel_height(const FT_Bitmap& bm);

// lcd_to_rgb() into memory the caller chose (an atlas page): the w x h kLcd24 pixels of an
// FT_PIXEL_MODE_LCD / LCD_V bitmap at `dst`, rows `stride` bytes apart; every byte of the box
// is written.
void lcd_bitmap_to_rgb(const FT_Bitmap& bm, bool swap_rb, uint8_t* dst, size_t stride);

}  // namespace glyphstream::text
