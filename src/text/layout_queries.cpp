#include "text/layout_queries.h"

#include <pango/pango.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <utility>

#include "text/cursor_motion.h"

namespace glyphstream::text {
namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

float px(int64_t units) { return static_cast<float>(double(units) / PANGO_SCALE); }

RectF rect_at(const PangoRectangle& r, int64_t dx, int64_t dy) {
  return {px(r.x + dx), px(r.y + dy), px(r.width), px(r.height)};
}

// px to Pango units, rounded to the nearest unit; NaN is 0, infinities are far away.
int64_t to_units(float v) {
  if (std::isnan(v)) return 0;
  constexpr double kFar = 4.0e15;
  return std::llround(std::clamp(double(v) * PANGO_SCALE, -kFar, kFar));
}

// A coordinate relative to a paragraph, in the range Pango's int arithmetic takes safely.
int local_units(int64_t v) {
  constexpr int64_t kFar = int64_t(1) << 30;
  return static_cast<int>(std::clamp(v, -kFar, kFar));
}

}  // namespace

LayoutQueries::LayoutQueries(std::string text, PangoLock lock)
    : text_(std::move(text)), lock_(std::move(lock)) {}

LayoutQueries::~LayoutQueries() {
  // Unreferencing may free fonts, which their font map's caches hold: under its lock.
  Lock guard(*lock_);
  for (const Paragraph& p : paragraphs_) g_object_unref(p.layout);
}

void LayoutQueries::add_paragraph(PangoLayout* layout, size_t start) {
  Paragraph p;
  p.start = start;
  p.length = std::strlen(pango_layout_get_text(layout));
  p.first_line = lines_;
  lines_ += size_t(pango_layout_get_line_count(layout));
  paragraphs_.reserve(paragraphs_.size() + 1);
  p.layout = PANGO_LAYOUT(g_object_ref(layout));
  paragraphs_.push_back(p);
}

size_t LayoutQueries::advance(size_t index, int characters) const {
  for (; characters > 0 && index < text_.size(); --characters) {
    index = size_t(g_utf8_next_char(text_.data() + index) - text_.data());
  }
  return std::min(index, text_.size());
}

size_t LayoutQueries::clean_index(size_t index) const {
  index = std::min(index, text_.size());
  while (index > 0 && index < text_.size() && (uint8_t(text_[index]) & 0xC0) == 0x80) --index;
  return index;
}

size_t LayoutQueries::paragraph_at(size_t index) const {
  auto it = std::upper_bound(paragraphs_.begin(), paragraphs_.end(), index,
                             [](size_t i, const Paragraph& p) { return i < p.start; });
  return it == paragraphs_.begin() ? 0 : size_t(it - paragraphs_.begin()) - 1;
}

std::vector<LayoutLine> LayoutQueries::lines() const {
  Lock guard(*lock_);
  std::vector<LayoutLine> out;
  for (const Paragraph& p : paragraphs_) {
    PangoLayoutIter* iter = pango_layout_get_iter(p.layout);
    int line_no = 0;
    do {
      const PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
      const LineOffset o = offset(p, line_no++);
      PangoRectangle ink, logical;
      pango_layout_iter_get_line_extents(iter, &ink, &logical);
      LayoutLine l;
      l.start = p.start + size_t(line->start_index);
      l.length = size_t(line->length);
      l.logical = rect_at(logical, o.dx, o.dy);
      l.ink = rect_at(ink, o.dx, o.dy);
      l.baseline = px(o.dy + pango_layout_iter_get_baseline(iter));
      l.is_paragraph_start = line->is_paragraph_start;
      l.rtl = line->resolved_dir == PANGO_DIRECTION_RTL;
      out.push_back(l);
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
  }
  return out;
}

HitTest LayoutQueries::hit_test(float x, float y) const {
  HitTest hit;
  if (paragraphs_.empty()) return hit;
  Lock guard(*lock_);
  const int64_t ux = to_units(x), uy = to_units(y);
  const auto top_of = [&](const Paragraph& p) {
    PangoRectangle logical;
    PangoLayoutIter* iter = pango_layout_get_iter(p.layout);
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    pango_layout_iter_free(iter);
    return offset(p, 0).dy + logical.y;
  };
  // The last paragraph whose first line starts at or above y; the line Pango would pick is in
  // it or at the end of the one before.
  auto it = std::upper_bound(paragraphs_.begin() + 1, paragraphs_.end(), uy,
                             [&](int64_t v, const Paragraph& p) { return v < top_of(p); });
  const size_t from = size_t(it - paragraphs_.begin()) - 1 - (it - paragraphs_.begin() > 1);
  // pango_layout_xy_to_index over the whole text's lines: each line's y range
  // (pango_layout_iter_get_line_yrange: half the spacing above and below, none above the first
  // line or below the last), a point between two ranges going to the nearer.
  struct Found {
    size_t paragraph = 0;
    int line = 0;
    PangoRectangle logical{};  // in its paragraph's layout
  } found, prev;
  bool has_prev = from > 0, outside = false, done = false;
  int64_t prev_last = INT64_MIN / 4;
  for (size_t q = from; q < paragraphs_.size() && !done; ++q) {
    const Paragraph& p = paragraphs_[q];
    const int spacing = pango_layout_get_spacing(p.layout), half = spacing / 2;
    PangoLayoutIter* iter = pango_layout_get_iter(p.layout);
    int line_no = 0;
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      const bool first = q == 0 && line_no == 0;
      const bool last = q + 1 == paragraphs_.size() && pango_layout_iter_at_last_line(iter);
      const int64_t top = offset(p, line_no).dy + logical.y;
      const int64_t first_y = first ? top : top - (spacing - half);
      const int64_t last_y = last ? top + logical.height : top + logical.height + half;
      const Found here{q, line_no, logical};
      if (uy < first_y) {
        const bool take_prev = has_prev && uy < prev_last + (first_y - prev_last) / 2;
        outside = !has_prev;
        found = take_prev ? prev : here;
        done = true;
      } else if (uy < last_y) {
        found = here;
        done = true;
      } else {
        prev = here, prev_last = last_y, has_prev = true;
        ++line_no;
      }
    } while (!done && pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
  }
  if (!done) found = prev, outside = true;  // below the last line
  const Paragraph& p = paragraphs_[found.paragraph];
  const LineOffset o = offset(p, found.line);
  // The paragraph's layout is asked inside the found line's own band, so that it picks it.
  const PangoRectangle& r = found.logical;
  const int local_y = int(r.y + std::max(r.height, 1) / 2);
  int index = 0, trailing = 0;
  const bool in_line =
      pango_layout_xy_to_index(p.layout, local_units(ux - o.dx), local_y, &index, &trailing);
  hit.inside = in_line && !outside;
  hit.index = p.start + size_t(index);
  hit.trailing = trailing;
  hit.caret_index = advance(hit.index, trailing);
  return hit;
}

Caret LayoutQueries::caret(size_t index) const {
  Caret caret;
  if (paragraphs_.empty()) return caret;
  Lock guard(*lock_);
  index = clean_index(index);
  const Paragraph& p = paragraphs_[paragraph_at(index)];
  const int local = int(std::min(index - p.start, p.length));
  PangoRectangle strong, weak;
  pango_layout_get_cursor_pos(p.layout, local, &strong, &weak);
  const LineOffset o = offset(p, line_of(p.layout, local));
  caret.strong = rect_at(strong, o.dx, o.dy);
  caret.weak = rect_at(weak, o.dx, o.dy);
  return caret;
}

std::vector<RectF> LayoutQueries::selection_rects(size_t start, size_t end) const {
  std::vector<RectF> out;
  start = clean_index(start), end = clean_index(end);
  if (start > end) std::swap(start, end);
  if (start == end || paragraphs_.empty()) return out;
  Lock guard(*lock_);
  for (size_t i = paragraph_at(start); i <= paragraph_at(end); ++i) {
    const Paragraph& p = paragraphs_[i];
    // Indices relative to the paragraph, clamped to one past either end (the separators).
    const int length = int(p.length);
    const auto local = [&](size_t v) {
      return int(std::clamp<int64_t>(int64_t(v) - int64_t(p.start), -1, length + 1));
    };
    const size_t next_start = i + 1 < paragraphs_.size() ? paragraphs_[i + 1].start : text_.size();
    PangoLayoutIter* iter = pango_layout_get_iter(p.layout);
    int line_no = -1;
    do {
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
      const LineOffset o = offset(p, ++line_no);
      const size_t line_start = p.start + size_t(line->start_index);
      const bool last = line->start_index + line->length >= length;
      const size_t line_end = last ? next_start : line_start + size_t(line->length);
      if (start >= line_end || end <= line_start) continue;  // the range does not touch it
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      int* ranges = nullptr;
      int n = 0;
      pango_layout_line_get_x_ranges(line, local(start), local(end), &ranges, &n);
      // Pango pads a selection that goes on before the line (after it, right to left) from the
      // layout's left edge, x = 0, to the line when the line starts right of it. The edge is
      // the whole text's: a line moved right (dx) needs the pad its layout did not see.
      const bool rtl = line->resolved_dir == PANGO_DIRECTION_RTL;
      const bool goes_on =
          rtl ? local(end) > line->start_index + line->length : local(start) < line->start_index;
      if (goes_on && logical.x <= 0 && logical.x + o.dx > 0) {
        out.push_back({0, px(o.dy + logical.y), px(logical.x + o.dx), px(logical.height)});
      }
      for (int r = 0; r < n; ++r) {
        const int x0 = ranges[2 * r], x1 = ranges[2 * r + 1];
        const bool pad = r == 0 && x0 == 0 && logical.x > 0 && x1 == logical.x;
        const int64_t left = pad ? 0 : x0 + o.dx;
        out.push_back({px(left), px(o.dy + logical.y), px(x1 + o.dx - left), px(logical.height)});
      }
      g_free(ranges);
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
  }
  return out;
}

std::string LayoutQueries::font_at(size_t index) const {
  if (paragraphs_.empty()) return {};
  Lock guard(*lock_);
  index = clean_index(index);
  const Paragraph& p = paragraphs_[paragraph_at(index)];
  if (index - p.start >= p.length) return {};  // a separator, or the end
  const int local = int(index - p.start);
  PangoLayoutLine* line = pango_layout_get_line_readonly(p.layout, line_of(p.layout, local));
  for (GSList* r = line != nullptr ? line->runs : nullptr; r != nullptr; r = r->next) {
    const PangoItem* item = static_cast<PangoLayoutRun*>(r->data)->item;
    if (local < item->offset || local >= item->offset + item->length) continue;
    if (item->analysis.font == nullptr) return {};
    PangoFontDescription* desc = pango_font_describe(item->analysis.font);
    char* name = pango_font_description_to_string(desc);
    std::string out = name != nullptr ? name : "";
    g_free(name);
    pango_font_description_free(desc);
    return out;
  }
  return {};
}

}  // namespace glyphstream::text
