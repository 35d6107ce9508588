/* The fontstash side of the cold-page comparison (issue 26, "The cold page" in
 * docs/performance/issue-26-speed.md): the same 2,210 characters as glyphstream-bench --workload
 * cold-page (bench/texts/cold_page_text.cpp, cold_page_text()), at 14, 20 and 32 px per em,
 * rasterized and packed by fontstash with its FreeType backend into one 4096 x 2048 texture, one
 * thread, no GPU (no render callbacks).
 *
 * fontstash's code is not part of this repository: bench/fontstash/build.sh compiles this file
 * against a fontstash.h that you put in a scratch folder yourself (see build.sh).
 *
 * Output: one line of JSON: glyphs, add_fonts_ms, draw_ms (rasterize + pack + quads),
 * create_ms (the texture's allocation and clearing), total_ms, draw_cpu_ms (draw_ms's CPU
 * time). */
/* More glyphs than fontstash starts with: its glyph array is reallocated as it grows, and
 * fonsDrawText keeps a pointer to the previous glyph across that (a crash at 256 glyphs). */
#define FONS_INIT_GLYPHS 8192
#define FONTSTASH_IMPLEMENTATION
#define FONS_USE_FREETYPE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fontstash.h"

static double clock_ms(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }
/* This thread's CPU time: on a shared machine, the work without the waits for a core. */
static double cpu_ms(void) { return clock_ms(CLOCK_THREAD_CPUTIME_ID); }

/* cold_page_text() of bench/texts/cold_page_text.cpp, character for character. */
static int page_chars(unsigned int* out) {
  unsigned int chars[2210];
  int n = 0;
  for (int i = 0; i < 2000; ++i) chars[n++] = 0x4E00u + (unsigned)((i * 11) % 0x51A5);
  for (int i = 0; i < 210; ++i) chars[n++] = 0x0400u + (unsigned)i;
  unsigned int state = 26;
  for (size_t i = (size_t)n - 1; i > 0; --i) {
    state = state * 1664525u + 1013904223u;
    const size_t j = (state >> 8) % (i + 1);
    const unsigned int t = chars[i];
    chars[i] = chars[j];
    chars[j] = t;
  }
  int m = 0, cyrillic_run = 0;
  for (int i = 0; i < n; ++i) {
    const int cyrillic = chars[i] < 0x500;
    if (cyrillic && cyrillic_run >= 3 + (int)(chars[i] % 6)) {
      out[m++] = ' ';
      cyrillic_run = 0;
    }
    cyrillic_run = cyrillic ? cyrillic_run + 1 : 0;
    out[m++] = chars[i];
  }
  return m;
}

static int put_utf8(unsigned int c, char* s) {
  if (c < 0x80) {
    s[0] = (char)c;
    return 1;
  }
  if (c < 0x800) {
    s[0] = (char)(0xc0 | (c >> 6));
    s[1] = (char)(0x80 | (c & 0x3f));
    return 2;
  }
  s[0] = (char)(0xe0 | (c >> 12));
  s[1] = (char)(0x80 | ((c >> 6) & 0x3f));
  s[2] = (char)(0x80 | (c & 0x3f));
  return 3;
}

/* fontstash sizes are line heights in tenths; FT_Set_Pixel_Sizes gets
 * (FT_UInt)(size * upem / (ascender - descender)). The smallest size that gives `ppem`. */
static float fons_size_for_ppem(FT_Face face, int ppem) {
  const float k = (float)face->units_per_EM / (float)(face->ascender - face->descender);
  for (int isize = 1; isize < 32000; ++isize) {
    const float size = (float)isize / 10.0f;
    if ((FT_UInt)(size * k) == (FT_UInt)ppem) return size;
  }
  return (float)ppem;
}

int main(int argc, char** argv) {
  const char* latin = argc > 1 ? argv[1] : "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  const char* cjk = argc > 2 ? argv[2] : "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
  static unsigned int text[4096];
  const int n = page_chars(text);

  double t0 = now_ms();
  struct FONSparams params;
  memset(&params, 0, sizeof params);
  params.width = 4096;
  params.height = 2048;
  params.flags = FONS_ZERO_TOPLEFT;
  struct FONScontext* fs = fonsCreateInternal(&params);
  if (!fs) return 1;
  const double t1 = now_ms();
  const int font_latin = fonsAddFont(fs, "latin", latin);
  const int font_cjk = fonsAddFont(fs, "cjk", cjk);
  if (font_latin == FONS_INVALID || font_cjk == FONS_INVALID) return 1;
  const double t2 = now_ms();
  const double c2 = cpu_ms();

  /* Runs of one script each (fontstash draws a run with one font, up to its NUL). */
  static char run[16384];
  const int ppems[3] = {14, 20, 32};
  float y = 40;
  for (int s = 0; s < 3; ++s) {
    const float size_latin = fons_size_for_ppem(fs->fonts[font_latin]->font.font, ppems[s]);
    const float size_cjk = fons_size_for_ppem(fs->fonts[font_cjk]->font.font, ppems[s]);
    float x = 0;
    int i = 0;
    while (i < n) {
      const int cjk_run = text[i] >= 0x4E00;
      int len = 0;
      for (; i < n && (text[i] >= 0x4E00) == cjk_run; ++i) len += put_utf8(text[i], run + len);
      run[len] = 0;
      fonsSetFont(fs, cjk_run ? font_cjk : font_latin);
      fonsSetSize(fs, cjk_run ? size_cjk : size_latin);
      x = fonsDrawText(fs, x, y, run, NULL);
      if (x > 2552) {
        x = 0;
        y += (float)ppems[s] * 1.3f;
      }
    }
    y += (float)ppems[s] * 2;
  }
  const double t3 = now_ms();
  const double c3 = cpu_ms();
  int glyphs = 0;
  for (int f = 0; f < fs->nfonts; ++f) glyphs += fs->fonts[f]->nglyphs;
  printf(
      "{\"glyphs\": %d, \"create_ms\": %.3f, \"add_fonts_ms\": %.3f, \"draw_ms\": %.3f, "
      "\"total_ms\": %.3f, \"draw_cpu_ms\": %.3f}\n",
      glyphs, t1 - t0, t2 - t1, t3 - t2, t3 - t0, c3 - c2);
  fonsDeleteInternal(fs);
  return 0;
}
