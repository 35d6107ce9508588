// The bytes of bare FreeType's LCD bitmaps against its greyscale bitmaps for the same glyphs
// (issue 24's "LCD at most 3.2x the atlas bytes of greyscale"): what no atlas layout can go
// below with three coverages a pixel. For 94 characters from a start code point, at one size,
// in four quarter-pixel positions, unhinted, with cairo's filter (FT_LCD_FILTER_DEFAULT); also
// what trimming all-zero edge columns and rows would save. Not built by the project:
//
//   gcc -O2 -o /tmp/lcd_bytes bench/freetype_floor/lcd_bytes.c $(pkg-config --cflags --libs
//   freetype2) /tmp/lcd_bytes FONT_FILE PX [START_HEX]     # START_HEX default 21 (ASCII '!')
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_LCD_FILTER_H
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  const FT_Bitmap* b;
  int bpp;
} Raster;

static int ink(const Raster* r, int x, int y) {
  for (int k = 0; k < r->bpp; ++k) {
    if (r->b->buffer[y * r->b->pitch + x * r->bpp + k]) return 1;
  }
  return 0;
}

static int column_empty(const Raster* r, int x, int y0, int y1) {
  for (int y = y0; y < y1; ++y) {
    if (ink(r, x, y)) return 0;
  }
  return 1;
}

static int row_empty(const Raster* r, int y, int x0, int x1) {
  for (int x = x0; x < x1; ++x) {
    if (ink(r, x, y)) return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s FONT_FILE PX [START_HEX]\n", argv[0]);
    return 2;
  }
  FT_Library lib;
  FT_Face face;
  if (FT_Init_FreeType(&lib) || FT_New_Face(lib, argv[1], 0, &face)) return 1;
  FT_Library_SetLcdFilter(lib, FT_LCD_FILTER_DEFAULT);
  const int px = atoi(argv[2]);
  const long start = argc > 3 ? strtol(argv[3], NULL, 16) : 0x21;
  FT_Set_Pixel_Sizes(face, 0, (FT_UInt)px);
  long bytes[2] = {0, 0}, trimmed[2] = {0, 0};
  for (int lcd = 0; lcd < 2; ++lcd) {
    for (long c = start; c < start + 94; ++c) {
      for (int bin = 0; bin < 4; ++bin) {
        FT_Vector shift = {bin * 16, 0};
        FT_Set_Transform(face, NULL, &shift);
        if (FT_Load_Char(face, (FT_ULong)c, FT_LOAD_NO_HINTING | (lcd ? FT_LOAD_TARGET_LCD : 0)) ||
            FT_Render_Glyph(face->glyph, lcd ? FT_RENDER_MODE_LCD : FT_RENDER_MODE_NORMAL)) {
          continue;
        }
        const Raster r = {&face->glyph->bitmap, lcd ? 3 : 1};
        const int w = (int)r.b->width / r.bpp, h = (int)r.b->rows;
        int x0 = 0, x1 = w, y0 = 0, y1 = h;
        while (x0 < x1 && column_empty(&r, x0, 0, h)) ++x0;
        while (x1 > x0 && column_empty(&r, x1 - 1, 0, h)) --x1;
        while (y0 < y1 && row_empty(&r, y0, x0, x1)) ++y0;
        while (y1 > y0 && row_empty(&r, y1 - 1, x0, x1)) --y1;
        bytes[lcd] += (long)w * h * r.bpp;
        trimmed[lcd] += (long)(x1 - x0) * (y1 - y0) * r.bpp;
      }
    }
  }
  printf(
      "%d px from U+%04lX: grey %ld B, LCD %ld B, LCD / grey %.2fx; trimmed edges %.2fx "
      "(grey -%.1f%%, LCD -%.1f%%)\n",
      px, start, bytes[0], bytes[1], (double)bytes[1] / (double)bytes[0],
      (double)trimmed[1] / (double)trimmed[0],
      100.0 * (double)(bytes[0] - trimmed[0]) / (double)bytes[0],
      100.0 * (double)(bytes[1] - trimmed[1]) / (double)bytes[1]);
  FT_Done_Face(face);
  FT_Done_FreeType(lib);
  return 0;
}
