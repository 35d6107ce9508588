// One frame of the editor, its screenshot and its check (see frame.h).
#include "frame.h"

#include <png.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace gs = glyphstream;

namespace {

gs::Status clear_box(Presenter& presenter, Box b, Rgb c) {
  if (b.empty()) return gs::Status();
  const float color[3] = {float(c.r) / 255, float(c.g) / 255, float(c.b) / 255};
  return presenter.clear(RectI{b.x0, b.y0, b.x1, b.y1}, color);
}

gs::RectF to_rect(Box b) {
  return gs::RectF{float(b.x0), float(b.y0), float(b.x1 - b.x0), float(b.y1 - b.y0)};
}

}  // namespace

gs::Status draw_frame(Presenter& presenter, const Editor& editor, gs::TextSystem& ts, int w, int h,
                      std::vector<uint8_t>* rgb) {
  GS_TRY(ts.begin_frame(w, h));
  const float background[3] = {float(kBackgroundColor.r) / 255, float(kBackgroundColor.g) / 255,
                               float(kBackgroundColor.b) / 255};
  GS_TRY(presenter.begin_pass(ts, RectI{0, 0, w, h}, background));
  GS_TRY(clear_box(presenter, editor.panel(), kPanelColor));
  for (const Box& b : editor.selection_boxes()) GS_TRY(clear_box(presenter, b, kSelectionColor));
  gs::DrawParams params;
  params.clip = to_rect(editor.panel());
  GS_TRY(ts.draw_layout(editor.origin_x(), editor.origin_y(), editor.layout(), params));
  GS_TRY(ts.commit());
  GS_TRY(ts.flush());
  GS_TRY(clear_box(presenter, editor.caret_box(), kCaretColor));
  return presenter.end_pass(ts, true, rgb);
}

namespace {

struct Image {
  const std::vector<uint8_t>& rgb;
  int w, h;
  Rgb at(int x, int y) const {
    const uint8_t* p = rgb.data() + (size_t(y) * size_t(w) + size_t(x)) * 3;
    return Rgb{p[0], p[1], p[2]};
  }
};

bool inside(Box b, int x, int y) { return x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1; }
Box grow(Box b, int d) { return Box{b.x0 - d, b.y0 - d, b.x1 + d, b.y1 + d}; }

std::string box_text(Box b) {
  return "[" + std::to_string(b.x0) + "," + std::to_string(b.y0) + ")-[" + std::to_string(b.x1) +
         "," + std::to_string(b.y1) + ")";
}

// The caret: every pixel of its box is the caret colour, and no other pixel is.
void check_caret(const Image& img, Box caret, std::vector<std::string>* fails) {
  int wrong = 0, stray = 0;
  for (int y = 0; y < img.h; ++y) {
    for (int x = 0; x < img.w; ++x) {
      const bool is_caret = img.at(x, y) == kCaretColor;
      if (inside(caret, x, y) && !is_caret) ++wrong;
      if (!inside(caret, x, y) && is_caret) ++stray;
    }
  }
  if (wrong)
    fails->push_back("caret " + box_text(caret) + ": " + std::to_string(wrong) +
                     " pixels are not the caret colour");
  if (stray) fails->push_back(std::to_string(stray) + " caret-coloured pixels outside the caret");
}

// The selection: behind the text inside its boxes, absent elsewhere.
void check_selection(const Image& img, const std::vector<Box>& boxes, Box caret,
                     std::vector<std::string>* fails) {
  int selection = 0, total = 0;
  for (const Box& b : boxes) {
    int panel = 0;
    const Box core = grow(b, -1);  // edges rounded to the pixel: 1 px of tolerance
    for (int y = core.y0; y < core.y1; ++y) {
      for (int x = core.x0; x < core.x1; ++x) {
        if (inside(caret, x, y)) continue;
        ++total;
        const Rgb c = img.at(x, y);
        panel += c == kPanelColor;
        selection += c == kSelectionColor;
      }
    }
    if (panel > 0) {
      fails->push_back("selection " + box_text(b) + ": " + std::to_string(panel) +
                       " pixels show the panel, not the selection");
    }
  }
  if (total > 0 && selection * 4 < total) {
    fails->push_back("selection: only " + std::to_string(selection) + " of " +
                     std::to_string(total) + " pixels are the selection colour");
  }
  int stray = 0;
  for (int y = 0; y < img.h; ++y) {
    for (int x = 0; x < img.w; ++x) {
      if (img.at(x, y) != kSelectionColor) continue;
      const bool covered =
          std::any_of(boxes.begin(), boxes.end(), [&](Box b) { return inside(grow(b, 1), x, y); });
      if (!covered) ++stray;
    }
  }
  if (stray) fails->push_back(std::to_string(stray) + " selection-coloured pixels outside it");
}

// Text stays inside the panel (the clip), and the panel shows some.
void check_clip(const Image& img, Box panel, std::vector<std::string>* fails) {
  int outside = 0, ink = 0;
  for (int y = 0; y < img.h; ++y) {
    for (int x = 0; x < img.w; ++x) {
      const Rgb c = img.at(x, y);
      if (!inside(panel, x, y)) {
        outside += c != kBackgroundColor;
      } else {
        ink += c != kPanelColor && c != kSelectionColor && c != kCaretColor;
      }
    }
  }
  if (outside)
    fails->push_back(std::to_string(outside) + " pixels drawn outside the panel " +
                     box_text(panel) + " (the clip)");
  if (ink < 2000)
    fails->push_back("the panel shows almost no text (" + std::to_string(ink) + " pixels)");
}

}  // namespace

std::vector<std::string> check_frame(const std::vector<uint8_t>& rgb, int w, int h,
                                     const Editor& editor) {
  const Image img{rgb, w, h};
  const gs::TextLayout& layout = editor.layout();
  const float ox = editor.origin_x(), oy = editor.origin_y();
  const Box panel = editor.panel();
  // The layout's own answers, placed as the editor places what it draws.
  const Box caret = place_caret(layout.caret(editor.caret()).strong, ox, oy, panel);
  std::vector<Box> selection;
  if (editor.has_selection()) {
    for (const gs::RectF& r :
         layout.selection_rects(editor.selection_start(), editor.selection_end())) {
      const Box b = place(r, ox, oy, panel);
      if (!b.empty()) selection.push_back(b);
    }
  }
  std::vector<std::string> fails;
  check_caret(img, caret, &fails);
  check_selection(img, selection, caret, &fails);
  check_clip(img, panel, &fails);
  return fails;
}
