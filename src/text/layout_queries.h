// The Pango layouts a text was drawn from, kept so that an application can ask them questions
// (TextLayout, glyphstream/text_layout.h): hit testing, carets, selections, lines, cursor
// motion, fonts. Every answer is Pango's own (pango_layout_xy_to_index, _get_cursor_pos,
// _line_get_x_ranges, _move_cursor_visually, _iter_get_line_extents, pango_font_describe),
// asked of the paragraph's PangoLayout and moved into whole-text coordinates and indices.
//
// The layouter lays a text out as N PangoLayouts (one per paragraph, for linear cost; N = 1 is
// as valid), each with its byte offset in the laid-out text, and every line with the offset
// that moves it from its paragraph's layout to where one layout of the whole text puts it
// (text/line_placement.h: alignment within the widest line, spacing between paragraphs). The
// answers equal those of one PangoLayout of the whole text (tests/oracle/layout_query_test.cpp
// holds them to that for every oracle case). What Pango cannot answer across two layouts
// follows pango-layout.c's own rules, with Pango's answers: a cursor move over a paragraph
// separator (move_cursor_visually's step between lines), the selection pad from the left edge
// of a line moved right, and which line a point falls on (xy_to_index over the whole text's
// line y ranges).
//
// Threads: PangoLayout and the fonts it holds are not thread-safe, and the owner thread's
// Layouter uses the same fonts: every query, and the destructor, hold the font map's lock
// (the Layouter holds it while it lays out), so any thread may ask. GObject references keep the
// layouts, their context and fonts alive after the Layouter (and its TextSystem) are gone.
//
// Memory: the PangoLayouts, 38-47 bytes of heap per byte of text (13-16 KiB per wrapped
// paragraph of 347 bytes; bench/text_layout_bench.cpp, BM_KeptPangoLayouts).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/text_layout.h"
#include "glyphstream/types.h"

typedef struct _PangoLayout PangoLayout;  // pango/pango-layout.h (only layout_queries.cpp)

namespace glyphstream::text {

// The lock of one Pango font map (one per thread that lays out); shared with what it laid out.
using PangoLock = std::shared_ptr<std::recursive_mutex>;

class LayoutQueries {
 public:
  LayoutQueries(std::string text, PangoLock lock);
  ~LayoutQueries();
  LayoutQueries(const LayoutQueries&) = delete;
  LayoutQueries& operator=(const LayoutQueries&) = delete;

  // Building (the layouter, in text order). Takes a reference to `layout`, which holds the
  // paragraph text()[start, start + its length).
  void add_paragraph(PangoLayout* layout, size_t start);
  // Every line's move from its paragraph's layout to the whole text, Pango units, in text order
  // (missing ones are 0).
  struct LineOffset {
    int64_t dx = 0, dy = 0;
  };
  void set_line_offsets(std::vector<LineOffset> offsets) { offsets_ = std::move(offsets); }
  size_t paragraph_count() const { return paragraphs_.size(); }

  std::string_view text() const { return text_; }
  std::vector<LayoutLine> lines() const;
  HitTest hit_test(float x, float y) const;
  Caret caret(size_t index) const;
  std::vector<RectF> selection_rects(size_t start, size_t end) const;
  CursorMove move_cursor_visually(size_t index, int direction, bool strong) const;
  std::string font_at(size_t index) const;

 private:
  struct Paragraph {
    PangoLayout* layout = nullptr;  // one reference
    size_t start = 0, length = 0;   // bytes of text()
    size_t first_line = 0;          // its first line's number in the whole text
  };
  LineOffset offset(const Paragraph& p, int line) const {
    const size_t i = p.first_line + size_t(std::max(line, 0));
    return i < offsets_.size() ? offsets_[i] : LineOffset();
  }
  // The paragraph holding index (one inside a separator: the paragraph before it).
  size_t paragraph_at(size_t index) const;
  // index clamped to [0, size] and moved back to the start of its UTF-8 character.
  size_t clean_index(size_t index) const;
  // index moved past `characters` UTF-8 characters (at most to the end).
  size_t advance(size_t index, int characters) const;
  CursorMove cross_paragraph(size_t p, int local, int direction, bool strong, bool off_end) const;

  std::string text_;
  PangoLock lock_;
  std::vector<Paragraph> paragraphs_;
  std::vector<LineOffset> offsets_;
  size_t lines_ = 0;
};

}  // namespace glyphstream::text
