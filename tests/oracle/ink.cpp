#include "ink.h"

#include <algorithm>
#include <cstdlib>

namespace glyphstream::oracle {

Ink measure_ink(const std::vector<uint8_t>& rgba, int width, int y0, int y1,
                const uint8_t background[4]) {
  Ink ink;
  ink.x0 = width, ink.y0 = y1;
  double wx = 0, wy = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = &rgba[(size_t(y) * size_t(width) + size_t(x)) * 4];
      int d = 0;
      for (int c = 0; c < 4; ++c) d = std::max(d, std::abs(int(p[c]) - int(background[c])));
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

}  // namespace glyphstream::oracle
