// A laid-out text that an application can ask questions of: TextSystem::layout() makes one,
// TextSystem::draw_layout() draws it, and every answer comes from the same Pango layout that is
// drawn (Pango's own functions, never recomputed). Immutable and cheap to copy (a shared
// handle); it stays valid after the TextSystem that made it is gone.
//
// Coordinates are px relative to the layout's top-left corner (where draw_layout puts (x, y)),
// y down. Indices are byte offsets into text(): the text as laid out (for markup, the text with
// the tags removed, as Pango indexes it; each U+0000 is laid out as U+FFFD). An index inside a
// UTF-8 character is taken as that character's start, one inside a paragraph separator (\r\n)
// as the paragraph's end, one past the end as the end.
//
// Threads: any thread may ask (the answers hold the font map's lock while Pango works);
// draw_layout() belongs to the owner of the TextSystem that made the layout, and only that
// TextSystem draws it. Memory: the layout keeps its paragraphs' PangoLayouts (about 45 bytes of
// heap per byte of text, docs/ARCHITECTURE.md), shared with the layout cache's entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream {

struct TextMetrics {
  float width = 0;
  float height = 0;
  float line_height = 0;
  float baseline = 0;  // first line's baseline from the top
  int lines = 0;
};

struct PointF {
  float x = 0, y = 0;
};

// One line (pango_layout_iter_get_line_extents and friends).
struct LayoutLine {
  size_t start = 0;  // byte range of text() the line holds, separators excluded
  size_t length = 0;
  RectF logical;       // logical extents, layout coordinates
  RectF ink;           // ink extents
  float baseline = 0;  // y of the line's baseline
  bool is_paragraph_start = false;
  bool rtl = false;  // the line's resolved direction
};

// pango_layout_xy_to_index: the grapheme under (x, y) (the nearest when outside), and whether
// the position is in its trailing half (the caret goes after it: caret_index).
struct HitTest {
  size_t index = 0;
  int trailing = 0;        // 0 (leading half) or the grapheme's number of characters
  size_t caret_index = 0;  // where a click puts the caret: index advanced past `trailing`
                           // characters (bytes of text())
  // Pango's answer: (x, y) was over a line's logical extents (false when the point was
  // clamped: above the first line, below the last, or beside a line).
  bool inside = false;
};

// pango_layout_get_cursor_pos: the strong caret (where text of the paragraph's direction is
// inserted) and the weak one (the other direction); equal outside bidi boundaries. Zero width.
struct Caret {
  RectF strong;
  RectF weak;
};

// pango_layout_move_cursor_visually. index is the new position (a grapheme boundary, already
// advanced by Pango's `trailing`); off_start / off_end say the move left the layout's first or
// last position (index is then clamped to 0 or text().size()). Where Pango 1.50 would send the
// caret back over the same line for ever (a line starting with a zero-width character, a
// right-to-left line with left-to-right text at its right edge, a wrapped right-to-left line's
// start), the move goes on instead (docs/RELIABILITY.md, "Layout objects").
struct CursorMove {
  size_t index = 0;
  bool off_start = false;
  bool off_end = false;
};

class TextLayout {
 public:
  TextLayout() = default;  // empty: every query answers as for an empty text
  bool empty() const { return impl_ == nullptr; }

  std::string_view text() const;
  TextMetrics metrics() const;
  std::vector<LayoutLine> lines() const;
  HitTest hit_test(float x, float y) const;
  // index must be a byte offset in [0, text().size()] (clamped otherwise).
  Caret caret(size_t index) const;
  // The rectangles covering [start, end) (bidi text: one per visual run), as
  // pango_layout_get_line_x_ranges for every line the range touches; start > end is swapped.
  std::vector<RectF> selection_rects(size_t start, size_t end) const;
  // direction > 0: right (visually), < 0: left; by one grapheme, bidi-correct. strong: move
  // along the strong caret (the usual choice), else the weak one.
  CursorMove move_cursor_visually(size_t index, int direction, bool strong = true) const;
  // The font description (pango_font_describe) of the font used for the text at `index`;
  // empty for an index with no glyph (a paragraph separator, the end).
  std::string font_at(size_t index) const;

  // Rotated text (ParagraphStyle::rotate != 0): lines(), hit_test(), caret() and
  // selection_rects() answer in the layout's own, unrotated coordinates, as Pango does (the
  // lines run along x); metrics() has the turned layout's box (width, height: what draw_layout
  // covers) but the first line's height and baseline unrotated. These map a point between the
  // two: to_drawn() from layout coordinates to where draw_layout(0, 0, ...) draws it (the
  // rotation, then the box's top-left corner at the origin, as pango-view places it), and
  // from_drawn() back (a click: hit_test(from_drawn(p))). Identity for upright text.
  PointF to_drawn(PointF layout_point) const;
  PointF from_drawn(PointF drawn_point) const;

  struct Impl;  // src/pipeline/text_layout.cpp
  explicit TextLayout(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace glyphstream
