// The oracle: Pango + cairo on the CPU (what pango-view draws with --pixels --hinting none
// --hint-metrics on --subpixel-positions --antialias gray, its --hint-metrics reaching cairo
// inverted: oracle_case.h), rendering one case into an image surface. Test-only:
// cairo never enters the library.
// RunClip::kNone is pango-view's drawing without cairo's clip of each run to its glyphs' ink
// boxes (run_clip.h): the oracle of the LCD cases, whose filter spill that clip cuts at a run's
// outer edge. run_clip_test.cpp holds it to pango-view's image: it differs only outside the
// runs' clip boxes (within 2 px of one), and not at all for unhinted greyscale.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "oracle_case.h"
#include "run_clip.h"

typedef struct _PangoLayout PangoLayout;  // pango/pango-layout.h

namespace glyphstream::oracle {

struct LineBand {
  int y0 = 0, y1 = 0;  // image rows [y0, y1) of one line's logical extents (margin included)
};

struct OracleImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // premultiplied RGBA8, top row first (as the framebuffer holds)
  std::vector<LineBand> lines;
  std::vector<PixelBox> run_clips;  // cairo's clip of each run (unrotated cases; run_clip.h)
};

enum class RunClip {
  kPangoView,  // pango_cairo_show_layout as it is: each run clipped to its glyphs' ink boxes
  kNone,       // the same drawing with that clip widened to the surface (unrotated cases only)
};

// Renders `c` at (margin, margin) on a (width + 2 margin) x (layout height + 2 margin) surface
// cleared to c.bg. With `png_path` set, also writes the surface with cairo's own PNG writer.
Result<OracleImage> render_with_pango_cairo(const OracleCase& c, const std::string& png_path = "",
                                            RunClip run_clip = RunClip::kPangoView);

// The PangoLayout of the whole text that render_with_pango_cairo draws (its own font map and
// context, held by the layout), for tests that ask Pango's own answers. g_object_unref it.
Result<PangoLayout*> pango_cairo_layout(const OracleCase& c);
// The same layout in Pango's FT2 font map (the library's backend: 72 dpi, hinting off). Vertical
// and upside-down runs get other line extents there than in pango-cairo (pangocairo-font.c
// centres a vertical font's extents on the baseline, FT2 keeps the font's ascent): the layout
// queries of a case with a gravity are compared with this one.
Result<PangoLayout*> pango_ft2_layout(const OracleCase& c);

}  // namespace glyphstream::oracle
