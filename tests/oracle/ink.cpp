#include "ink.h"

#include <algorithm>
#include <cstdlib>

namespace glyphstream::oracle {

namespace {

// Channels [c0, c1) of each pixel: the largest difference counts.
Ink measure(const std::vector<uint8_t>& rgba, int width, int y0, int y1,
            const uint8_t background[4], int c0, int c1) {
  Ink ink;
  ink.x0 = width, ink.y0 = y1;
  double wx = 0, wy = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = &rgba[(size_t(y) * size_t(width) + size_t(x)) * 4];
      int d = 0;
      for (int c = c0; c < c1; ++c) d = std::max(d, std::abs(int(p[c]) - int(background[c])));
      if (d == 0) continue;
      const double v = d / 255.0;
      ink.sum += v, wx += v * (x + 0.5), wy += v * (y + 0.5);
      if (d >= 128) {
        ink.x0 = std::min(ink.x0, x), ink.x1 = std::max(ink.x1, x);
        ink.y0 = std::min(ink.y0, y), ink.y1 = std::max(ink.y1, y);
      }
    }
  }
  if (ink.sum > 0) ink.cx = wx / ink.sum, ink.cy = wy / ink.sum;
  if (ink.x1 < 0) ink.x0 = 0, ink.y0 = 0;
  return ink;
}

}  // namespace

Ink measure_ink(const std::vector<uint8_t>& rgba, int width, int y0, int y1,
                const uint8_t background[4]) {
  return measure(rgba, width, y0, y1, background, 0, 4);
}

Ink measure_channel_ink(const std::vector<uint8_t>& rgba, int width, int y0, int y1,
                        const uint8_t background[4], int channel) {
  return measure(rgba, width, y0, y1, background, channel, channel + 1);
}

}  // namespace glyphstream::oracle
