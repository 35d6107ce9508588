// Ink measures of an image against its background: what two renderers that place glyphs at
// slightly different sub-pixel positions still agree on.
#pragma once

#include <cstdint>
#include <vector>

namespace glyphstream::oracle {

struct Ink {
  double sum = 0;         // sum of per-pixel ink, in pixels of full ink
  double cx = 0, cy = 0;  // ink-weighted centre, px
  int x0 = 0, y0 = 0;     // bounding box of pixels with at least half ink,
  int x1 = -1, y1 = -1;   // inclusive; x1 < x0 when there are none
  bool empty() const { return x1 < x0; }
};

// Ink of rows [y0, y1) of a premultiplied RGBA8 image: per pixel the largest channel
// difference from `background` (premultiplied RGBA8), 0..1.
Ink measure_ink(const std::vector<uint8_t>& rgba, int width, int y0, int y1,
                const uint8_t background[4]);
// The same for one colour channel (0 red, 1 green, 2 blue): LCD text, whose channels carry
// their own coverage.
Ink measure_channel_ink(const std::vector<uint8_t>& rgba, int width, int y0, int y1,
                        const uint8_t background[4], int channel);

}  // namespace glyphstream::oracle
