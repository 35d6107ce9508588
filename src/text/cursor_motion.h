// Cursor positions of a PangoLayout line as pango_layout_move_cursor_visually sees them, shared
// by LayoutQueries' cursor motion (cursor_motion.cpp) and its other answers (layout_queries.cpp).
#pragma once

#include <pango/pango.h>

#include <vector>

namespace glyphstream::text {

struct Cursor {
  int x = 0;    // the strong (or weak) caret's x, Pango units
  int pos = 0;  // byte index in the layout's text
};

// pango_layout_line_get_cursors (pango-layout.c, static there): the cursor positions of line
// `line_no`, the line end included when it ends its paragraph, ordered by the x of the strong
// (or weak) caret, as pango_layout_move_cursor_visually orders them.
std::vector<Cursor> line_cursors(PangoLayout* layout, int line_no, bool strong);

// The line holding byte `index` of the layout's text.
int line_of(PangoLayout* layout, int index);

}  // namespace glyphstream::text
