// LayoutQueries::move_cursor_visually: Pango's cursor motion, across the paragraphs' layouts as
// one layout of the whole text moves, with one Pango 1.50 fault repaired (see repaired_move).
#include <pango/pango.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "text/cursor_motion.h"
#include "text/layout_queries.h"

namespace glyphstream::text {

std::vector<Cursor> line_cursors(PangoLayout* layout, int line_no, bool strong) {
  std::vector<Cursor> cursors;
  PangoLayoutLine* line = pango_layout_get_line_readonly(layout, line_no);
  if (line == nullptr) return cursors;
  const char* text = pango_layout_get_text(layout);
  int n_attrs = 0;
  const PangoLogAttr* attrs = pango_layout_get_log_attrs_readonly(layout, &n_attrs);
  const int start = line->start_index, end = start + line->length;
  int end_line = -1;
  pango_layout_index_to_line_x(layout, end, FALSE, &end_line, nullptr);
  const int last = end_line == line_no ? end : end - 1;
  long j = g_utf8_pointer_to_offset(text, text + start);
  for (int p = start; p <= last && j < n_attrs; ++j) {
    if (attrs[j].is_cursor_position) {
      PangoRectangle pos;
      pango_layout_get_cursor_pos(layout, p, strong ? &pos : nullptr, strong ? nullptr : &pos);
      cursors.push_back({pos.x, p});
    }
    if (p == end) break;
    p = int(g_utf8_next_char(text + p) - text);
  }
  std::stable_sort(cursors.begin(), cursors.end(),
                   [](const Cursor& a, const Cursor& b) { return a.x < b.x; });
  return cursors;
}

int line_of(PangoLayout* layout, int index) {
  int line = 0;
  pango_layout_index_to_line_x(layout, index, FALSE, &line, nullptr);
  return std::max(line, 0);
}

namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

// The x of the caret at `index` (strong or weak), Pango units.
int caret_x(PangoLayout* layout, int index, bool strong) {
  PangoRectangle pos;
  pango_layout_get_cursor_pos(layout, index, strong ? &pos : nullptr, strong ? nullptr : &pos);
  return pos.x;
}

// The byte `characters` characters after `index` in the layout's text.
int advance_in(PangoLayout* layout, int index, int characters) {
  const char* text = pango_layout_get_text(layout);
  const int length = int(std::strlen(text));
  while (characters-- > 0 && index < length) index = int(g_utf8_next_char(text + index) - text);
  return std::min(index, length);
}

// Pango 1.50 finds the old position among its line's cursors by the caret's x, takes the
// leftmost match moving left (the rightmost moving right) and steps once; a step past the last
// cursor lands on the line's end, and so does a step before the first (an unsigned
// comparison). Toward the line's end side that is the right answer. Toward its start side
// (left on a left-to-right line, right on a right-to-left one) it sent the caret to the far
// end of the same line, and the key cycled over the line for ever: on a line that starts with
// a zero-width character (a byte order mark, a zero-width space, a right-to-left mark, a mark
// after U+2028), from just after it; on a right-to-left line with left-to-right text at its
// right edge, from that text's right end. Such an answer (toward the start side, landing on the
// line's end, from anywhere but its start) is replaced by the nearest cursor that way, else by
// Pango's own move from the line's start (to the line above, or off the text; *from is then
// the start). tests/oracle holds every other answer equal to one layout of the whole text.
void repair_move(PangoLayout* layout, bool strong, int direction, int* from, int* new_index,
                 int* trailing) {
  const int line_no = line_of(layout, *from);
  const PangoLayoutLine* line = pango_layout_get_line_readonly(layout, line_no);
  if (line == nullptr) return;
  const bool rtl = line->resolved_dir == PANGO_DIRECTION_RTL;
  const bool toward_start = (direction < 0) != rtl;
  const int start = line->start_index, end = start + line->length;
  const int landed = advance_in(layout, *new_index, *trailing);
  if (landed == *from) {
    // No move by index. At a wrapped line's start Pango went to the line above's end, which is
    // the same index (so the next press did the same, for ever: Right through wrapped
    // right-to-left text stopped at the first line break); the caret is then at that line's
    // end, the extreme opposite the move, and the answer is the line above's next cursor from
    // there. Otherwise (the weak caret over left-to-right text at a right-to-left line's end)
    // Pango's move from the line's edge that way.
    if (*from == start && line_no > 0) {
      const std::vector<Cursor> above = line_cursors(layout, line_no - 1, strong);
      const Cursor* next = nullptr;
      for (const Cursor& c : above) {
        if (c.pos == *from) continue;
        next = &c;
        if (direction > 0) break;  // the leftmost moving right, else the rightmost
      }
      if (next != nullptr) {
        *new_index = next->pos;
        *trailing = 0;
        return;
      }
    }
    *from = toward_start ? start : end;
    pango_layout_move_cursor_visually(layout, strong, *from, 0, direction, new_index, trailing);
    return;
  }
  if (!toward_start) return;  // toward the line's end side: Pango's answer
  if (*from == start || landed != end) return;
  const int old_x = caret_x(layout, *from, strong);
  int next = -1;  // the nearest cursor that way (the last of its x moving left, as Pango steps)
  for (const Cursor& c : line_cursors(layout, line_no, strong)) {
    if (c.pos == end) continue;  // where Pango went
    if (direction < 0 && c.x < old_x) next = c.pos;
    if (direction > 0 && c.x > old_x) {
      next = c.pos;
      break;
    }
  }
  if (next >= 0) {
    *new_index = next;
    *trailing = 0;
    return;
  }
  *from = start;
  pango_layout_move_cursor_visually(layout, strong, start, 0, direction, new_index, trailing);
}

}  // namespace

CursorMove LayoutQueries::move_cursor_visually(size_t index, int direction, bool strong) const {
  CursorMove move;
  direction = direction >= 0 ? 1 : -1;  // as Pango takes it
  if (paragraphs_.empty()) {
    move.off_start = direction < 0;
    move.off_end = direction > 0;
    return move;
  }
  Lock guard(*lock_);
  index = clean_index(index);
  const size_t i = paragraph_at(index);
  const Paragraph& p = paragraphs_[i];
  int local = int(std::min(index - p.start, p.length));
  int new_index = 0, trailing = 0;
  pango_layout_move_cursor_visually(p.layout, strong, local, 0, direction, &new_index, &trailing);
  if (new_index != -1 && new_index != G_MAXINT) {
    repair_move(p.layout, strong, direction, &local, &new_index, &trailing);
  }
  if (new_index == -1 || new_index == G_MAXINT) {
    const bool off_end = new_index == G_MAXINT;
    if (off_end ? i + 1 < paragraphs_.size() : i > 0) {
      return cross_paragraph(i, local, direction, strong, off_end);
    }
    move.index = off_end ? text_.size() : 0;
    move.off_start = !off_end;
    move.off_end = off_end;
    return move;
  }
  move.index = advance(p.start + size_t(new_index), trailing);
  return move;
}

// Paragraph i's Pango layout has no line beyond `local` in this direction; one layout of the
// whole text has: the next paragraph's first line (off_end) or the previous one's last line.
// pango_layout_move_cursor_visually (pango-layout.c, 1.50) then takes that line's cursors
// ordered by x and steps from position -1 (off the end, moving right), past the last (off the
// start, moving left: a paragraph boundary counts as one more position), or else from the old
// line's visual position; a position past either end of the array is the line's end.
CursorMove LayoutQueries::cross_paragraph(size_t i, int local, int direction, bool strong,
                                          bool off_end) const {
  const Paragraph& old_p = paragraphs_[i];
  const Paragraph& new_p = paragraphs_[off_end ? i + 1 : i - 1];
  int vis_pos = 0;
  if (off_end && direction > 0) {
    vis_pos = -1;
  } else if (!off_end && direction < 0) {
    vis_pos = int(line_cursors(new_p.layout, pango_layout_get_line_count(new_p.layout) - 1, strong)
                      .size()) +
              1;
  } else {
    // Right to left line: its visual position, the leftmost match moving left, else the
    // rightmost (Pango's rule, so that the motion never gets stuck).
    const int old_line = line_of(old_p.layout, local);
    const std::vector<Cursor> old = line_cursors(old_p.layout, old_line, strong);
    PangoRectangle pos;
    pango_layout_get_cursor_pos(old_p.layout, local, strong ? &pos : nullptr,
                                strong ? nullptr : &pos);
    vis_pos = -1;
    for (size_t j = 0; j < old.size(); ++j) {
      if (old[j].x != pos.x) continue;
      vis_pos = int(j);
      if (direction < 0) break;
    }
    PangoLayoutLine* line = pango_layout_get_line_readonly(old_p.layout, old_line);
    if (vis_pos == -1 && line != nullptr && local == line->start_index + line->length) {
      vis_pos = line->resolved_dir == PANGO_DIRECTION_LTR ? int(old.size()) : 0;
    }
  }
  vis_pos += direction;
  const int new_line = off_end ? 0 : pango_layout_get_line_count(new_p.layout) - 1;
  const std::vector<Cursor> cursors = line_cursors(new_p.layout, new_line, strong);
  CursorMove move;
  if (vis_pos >= 0 && size_t(vis_pos) < cursors.size()) {
    move.index = new_p.start + size_t(cursors[size_t(vis_pos)].pos);
  } else if (PangoLayoutLine* line = pango_layout_get_line_readonly(new_p.layout, new_line)) {
    move.index = new_p.start + size_t(line->start_index + line->length);
  }
  return move;
}

}  // namespace glyphstream::text
