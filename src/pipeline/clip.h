// Clipping and culling (DrawParams::clip): the clip of one draw call as the pixels it keeps, and
// the tests that drop a glyph or a decoration wholly outside them before anything is rasterized
// or queued.
//
// The rule (pixel centres): a pixel is drawn only when its centre lies inside the clip, i.e.
// columns ceil(x - 0.5) .. ceil(x + w - 0.5) - 1 and the same for rows. A clip on whole pixels
// thus keeps exactly the pixels it covers, each as it is without the clip; a fractional edge
// keeps the pixels whose centre it contains (never a partial coverage).
#pragma once

#include <optional>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "gpu/backend.h"
#include "text/ink_box.h"

namespace glyphstream::pipeline {

// kInvalidArgument unless the clip is finite with w, h >= 0 (or absent). `what` names the call.
Status check_clip(const std::optional<RectF>& clip, const char* what);

// The pixels a draw call may write: the viewport (viewport_w, viewport_h <= 32768), intersected
// with the clip by the pixel-centre rule.
gpu::InstanceClip clip_pixels(const std::optional<RectF>& clip, int viewport_w, int viewport_h);

inline bool clip_empty(const gpu::InstanceClip& c) { return c.x0 >= c.x1 || c.y0 >= c.y1; }

// True when no pixel of the clip overlaps [x0, x1) x [y0, y1) (px, may be fractional).
inline bool outside(const gpu::InstanceClip& c, double x0, double y0, double x1, double y1) {
  return !(x1 > double(c.x0) && x0 < double(c.x1) && y1 > double(c.y0) && y0 < double(c.y1));
}

// A glyph whose integer pen is (pen_x, pen_y), its ink box scaled by `scale` (1 for draw_text):
// true when none of its raster can land in the clip. An unknown box is culled only by an empty
// clip.
inline bool glyph_outside(const gpu::InstanceClip& c, const text::InkBox& ink, int pen_x, int pen_y,
                          float scale) {
  if (clip_empty(c)) return true;
  if (!ink.known()) return false;
  // Scaled: the box scales with the glyph's size; 2 px more for the rounding at the new size.
  const double s = double(scale), m = scale == 1.0f ? 0.0 : 2.0;
  return outside(c, pen_x + ink.x0 * s - m, pen_y + ink.y0 * s - m, pen_x + ink.x1 * s + m,
                 pen_y + ink.y1 * s + m);
}

}  // namespace glyphstream::pipeline
