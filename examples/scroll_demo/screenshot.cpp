// The unattended screenshot (see screenshot.h).
#include "screenshot.h"

#include <png.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

// Pixels that differ from `bg` by more than a faint antialiasing fringe.
int count_ink(const std::vector<uint8_t>& rgb, int w, RectI r, const float bg[3]) {
  int ink = 0;
  for (int y = std::max(0, r.y0); y < r.y1; ++y) {
    for (int x = std::max(0, r.x0); x < std::min(w, r.x1); ++x) {
      const uint8_t* p = rgb.data() + (size_t(y) * size_t(w) + size_t(x)) * 3;
      int d = 0;
      for (int c = 0; c < 3; ++c)
        d = std::max(d, std::abs(int(p[c]) - int(std::lround(bg[c] * 255))));
      if (d > 64) ++ink;
    }
  }
  return ink;
}

}  // namespace

bool save_and_check_screenshot(const std::string& path, const std::vector<uint8_t>& rgb,
                               const ScreenshotLayout& layout, bool check) {
  const int w = layout.width, h = layout.height;
  const RectI panel = layout.panel;
  bool ok = true;
  if (!write_png_rgb(path, rgb, w, h)) {
    std::fprintf(stderr, "scroll_demo: cannot write %s\n", path.c_str());
    ok = false;
  }
  uint64_t hash = 1469598103934665603ull;  // FNV-1a over the pixels
  for (uint8_t b : rgb) hash = (hash ^ b) * 1099511628211ull;
  int lines_checked = 0, lines_blank = 0;
  for (const auto& [index, r] : layout.visible) {
    // Lines wholly on screen and clear of the panel must have text.
    if (r.y0 < 0 || r.y1 > h || (r.y0 < panel.y1 + 2 && r.x1 > panel.x0)) continue;
    ++lines_checked;
    if (count_ink(rgb, w, r, kBackground) < 40) {
      ++lines_blank;
      std::fprintf(stderr, "scroll_demo: check: line %zu (y %d..%d) has no text\n", index + 1, r.y0,
                   r.y1);
    }
  }
  const int margin_ink =
      count_ink(rgb, w, RectI{0, 0, int(kMargin) / 2, h}, kBackground) +
      count_ink(rgb, w, RectI{w - int(kMargin) / 2, panel.y1 + 2, w, h}, kBackground);
  const int panel_ink = count_ink(rgb, w, panel, kPanel);
  std::printf("screenshot: %s %dx%d fnv1a=%016" PRIx64
              " lines_checked=%d lines_blank=%d margin_ink=%d panel_ink=%d\n",
              path.c_str(), w, h, hash, lines_checked, lines_blank, margin_ink, panel_ink);
  if (check && (lines_checked < 5 || lines_blank > 0 || margin_ink > 0 || panel_ink < 200)) {
    std::fprintf(stderr,
                 "scroll_demo: check FAILED (need >= 5 lines with text, none blank, "
                 "clean margins, text in the overlay)\n");
    ok = false;
  }
  return ok;
}
