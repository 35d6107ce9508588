// Where Pango puts the lines of one layout (pango-layout.c of Pango 1.50: get_alignment,
// get_x_offset, get_line_extents_layout_coords), redone here so that paragraphs laid out one
// PangoLayout each land exactly where one PangoLayout of the whole text puts them: the layouter
// stacks them line by line with LineStacker and, without a wrap width, moves each line to its
// place within the widest line of the whole text (align_to_widest).
#pragma once

#include <pango/pango.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "text/layout.h"

namespace glyphstream::text {

// get_alignment: with auto_dir, a line whose direction is opposite to the context's base
// direction has left and right swapped.
PangoAlignment line_alignment(PangoAlignment layout_alignment, bool auto_dir,
                              PangoDirection context_dir, PangoDirection line_dir);

// get_x_offset: the line's x in a layout `layout_width` wide (Pango units), indent included.
int line_x_offset(PangoAlignment alignment, int layout_width, int line_width, int indent,
                  bool paragraph_start);

// get_line_extents_layout_coords, vertically: each line's baseline from the one before, with
// --spacing (line_spacing 0) or --line-spacing (a factor of the line's height). 64-bit, so a
// long text does not overflow where Pango's int would.
class LineStacker {
 public:
  LineStacker(int spacing, float line_spacing) : spacing_(spacing), line_spacing_(line_spacing) {}
  // logical_y, logical_height: the line's logical rectangle relative to its baseline;
  // height: pango_layout_line_get_height (read only when line_spacing != 0). Returns the
  // line's baseline in layout coordinates.
  int64_t place(int logical_y, int logical_height, int height);
  // The bottom of the last placed line: the layout's logical height.
  int64_t bottom() const { return bottom_; }

 private:
  int spacing_;
  float line_spacing_;
  bool first_ = true;
  int64_t baseline_ = 0, next_top_ = 0, bottom_ = 0;
};

// One line as its paragraph's own layout placed it.
struct PlacedLine {
  size_t glyph_begin = 0, glyph_end = 0;  // its glyphs in LayoutResult::glyphs
  size_t decoration_begin = 0, decoration_end = 0;
  int width = 0;                                // logical width, Pango units
  int layout_width = 0;                         // the logical width of its paragraph's layout
  PangoAlignment alignment = PANGO_ALIGN_LEFT;  // line_alignment() in the whole text
  bool paragraph_start = false;
  int64_t dy = 0;  // from its paragraph's layout to the text, Pango units (LineStacker)
  int dx = 0;      // the same, horizontally (align_to_widest)
};

// Without a wrap width Pango aligns each line within the widest line of the whole layout
// (`widest`); each paragraph's layout aligned it within its own widest line. Moves every line by
// the difference of the two offsets. Returns true if any line moved.
bool align_to_widest(std::vector<PlacedLine>* lines, int indent, int widest, LayoutResult* result);

// The lines of a whole text, fed one paragraph's layout at a time, in order.
class TextPlacement {
 public:
  // alignment: the text's layout alignment (pango_alignment); auto_dir and base_dir: the text's.
  TextPlacement(int spacing, float line_spacing, PangoAlignment alignment, bool auto_dir,
                PangoDirection base_dir)
      : stacker_(spacing, line_spacing),
        line_spacing_(line_spacing),
        alignment_(alignment),
        auto_dir_(auto_dir),
        base_dir_(base_dir) {}
  // At the first run of a line of `iter` (over a paragraph's layout `layout_width` wide, whose
  // glyphs start at `glyph_begin`): places the line in the text and records it. Returns what
  // moves the paragraph's y to the text's for this line, Pango units.
  int64_t begin_line(PangoLayoutIter* iter, int layout_width, size_t glyph_begin);
  // After a paragraph's runs: its glyphs end at glyph_end; its decorations (if any) are
  // appended to `decorations`, each line's moved as the line's glyphs were.
  void end_paragraph(PangoLayout* layout, size_t glyph_end, std::vector<Decoration>* decorations);

  std::vector<PlacedLine>* lines() { return &lines_; }
  // LayoutResult::line_offsets from the lines placed.
  void write_offsets(LayoutResult* result) const;
  int64_t bottom() const { return stacker_.bottom(); }

 private:
  LineStacker stacker_;
  float line_spacing_;
  PangoAlignment alignment_;
  bool auto_dir_;
  PangoDirection base_dir_;
  std::vector<PlacedLine> lines_;
  std::vector<int64_t> dy_;  // per line of the current paragraph
  size_t paragraph_first_line_ = 0;
};

}  // namespace glyphstream::text
