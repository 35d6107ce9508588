// The editor's model (see editor.h).
#include "editor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gs = glyphstream;

Box intersect(Box a, Box b) {
  Box r{std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
  return r.empty() ? Box{} : r;
}

Box place(const gs::RectF& r, float origin_x, float origin_y, Box clip) {
  const float x = origin_x + r.x, y = origin_y + r.y;
  return intersect(Box{int(std::lround(x)), int(std::lround(y)), int(std::lround(x + r.w)),
                       int(std::lround(y + r.h))},
                   clip);
}

Box place_caret(const gs::RectF& caret, float origin_x, float origin_y, Box clip) {
  const int x = int(std::lround(origin_x + caret.x));
  const float y = origin_y + caret.y;
  return intersect(Box{x - 1, int(std::lround(y)), x + 1, int(std::lround(y + caret.h))}, clip);
}

Editor::Editor(gs::TextSystem& ts, std::string text, gs::TextStyle style, Box panel)
    : ts_(ts), text_(std::move(text)), style_(std::move(style)), panel_(panel) {}

gs::Status Editor::relayout() {
  style_.wrap_width = std::max(1.0f, float(panel_.x1 - panel_.x0) - 2 * kPadding);
  gs::Result<gs::TextLayout> laid = ts_.layout(text_, style_);
  if (!laid.ok()) return laid.status();
  layout_ = std::move(laid).value();
  const size_t size = layout_.text().size();
  caret_ = std::min(caret_, size);
  anchor_ = std::min(anchor_, size);
  scroll_ = std::clamp(scroll_, 0.0f, max_scroll());
  return gs::Status();
}

size_t Editor::index_at(float x, float y) const {
  // Where a click puts the caret: after the grapheme when (x, y) is in its trailing half.
  return layout_.hit_test(x - origin_x(), y - origin_y()).caret_index;
}

void Editor::set_caret(size_t index, bool keep_anchor) {
  caret_ = std::min(index, layout_.text().size());
  if (!keep_anchor) anchor_ = caret_;
}

void Editor::press(float x, float y, bool shift) {
  set_caret(index_at(x, y), shift);
  desired_x_ = -1;
  pressed_ = true;
}

void Editor::drag_to(float x, float y) {
  if (!pressed_) return;
  set_caret(index_at(x, y), true);
  desired_x_ = -1;
}

void Editor::release() { pressed_ = false; }

void Editor::move_horizontally(int direction, bool shift) {
  if (!shift && has_selection()) {
    // As text fields do: an arrow without shift collapses the selection to its visual side.
    const gs::Caret a = layout_.caret(selection_start()), b = layout_.caret(selection_end());
    const bool start_is_left = a.strong.x <= b.strong.x;
    set_caret((direction < 0) == start_is_left ? selection_start() : selection_end(), false);
  } else {
    const gs::CursorMove move = layout_.move_cursor_visually(caret_, direction);
    set_caret(move.index, shift);
  }
  desired_x_ = -1;
  keep_caret_visible();
}

void Editor::move_vertically(int direction, bool shift) {
  // The caret's line is the one whose logical extents hold the caret's middle (a caret may be
  // shorter than its line: Pango gives it the height of its run's font).
  const gs::RectF c = layout_.caret(caret_).strong;
  if (desired_x_ < 0) desired_x_ = c.x;
  const std::vector<gs::LayoutLine> lines = layout_.lines();
  const float middle = c.y + c.h / 2;
  size_t line = 0;
  while (line + 1 < lines.size() && lines[line].logical.y + lines[line].logical.h <= middle) ++line;
  if (lines.empty() || (direction < 0 && line == 0) ||
      (direction > 0 && line + 1 >= lines.size())) {
    set_caret(direction > 0 ? layout_.text().size() : 0, shift);
  } else {
    const gs::RectF& target = lines[direction > 0 ? line + 1 : line - 1].logical;
    set_caret(index_at(origin_x() + desired_x_, origin_y() + target.y + target.h / 2), shift);
  }
  keep_caret_visible();
}

void Editor::move_to_line_edge(bool end, bool shift) {
  for (const gs::LayoutLine& line : layout_.lines()) {
    if (caret_ >= line.start && caret_ <= line.start + line.length) {
      set_caret(end ? line.start + line.length : line.start, shift);
      break;
    }
  }
  desired_x_ = -1;
  keep_caret_visible();
}

void Editor::select_all() {
  anchor_ = 0;
  caret_ = layout_.text().size();
}

gs::Status Editor::cycle_align() {
  gs::Align& align = style_.paragraph.align;
  align = align == gs::Align::kLeft     ? gs::Align::kCenter
          : align == gs::Align::kCenter ? gs::Align::kRight
                                        : gs::Align::kLeft;
  return relayout();
}

float Editor::max_scroll() const {
  const float content = layout_.metrics().height + 2 * kPadding;
  return std::max(0.0f, content - float(panel_.y1 - panel_.y0));
}

void Editor::scroll_by(float dy) { scroll_ = std::clamp(scroll_ + dy, 0.0f, max_scroll()); }

void Editor::keep_caret_visible() {
  const gs::RectF c = layout_.caret(caret_).strong;
  const float top = float(panel_.y0) + kPadding, bottom = float(panel_.y1) - kPadding;
  const float y0 = origin_y() + c.y, y1 = y0 + c.h;
  if (y0 < top) scroll_by(y0 - top);
  if (y1 > bottom) scroll_by(y1 - bottom);
}

std::vector<Box> Editor::selection_boxes() const {
  std::vector<Box> boxes;
  if (!has_selection()) return boxes;
  for (const gs::RectF& r : layout_.selection_rects(selection_start(), selection_end())) {
    const Box b = place(r, origin_x(), origin_y(), panel_);
    if (!b.empty()) boxes.push_back(b);
  }
  return boxes;
}

Box Editor::caret_box() const {
  return place_caret(layout_.caret(caret_).strong, origin_x(), origin_y(), panel_);
}

std::string Editor::describe() const {
  static const char* const kAlign[] = {"left", "center", "right"};
  const gs::RectF c = layout_.caret(caret_).strong;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "caret %zu (x %.1f y %.1f) selection [%zu, %zu) %zu rects, align %s, scroll %.1f",
                caret_, double(c.x), double(c.y), selection_start(), selection_end(),
                selection_boxes().size(), kAlign[int(style_.paragraph.align) % 3], double(scroll_));
  return buf;
}
