// The editor's model: the document, its layout, the caret, the selection, the scroll position
// and the alignment, with every geometric answer taken from the layout (glyphstream's
// TextLayout: hit_test, caret, selection_rects, move_cursor_visually, lines, metrics). No
// window here: a test drives it with a headless TextSystem. Coordinates are window px, y down.
#pragma once

#include <glyphstream/text_system.h>

#include <cstddef>
#include <string>
#include <vector>

// A pixel box, half-open, top-left origin.
struct Box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  friend bool operator==(const Box&, const Box&) = default;
};
Box intersect(Box a, Box b);
// The pixels a layout rectangle covers once placed at `origin`: edges rounded to the nearest
// pixel (what the editor fills), clipped to `clip`.
Box place(const glyphstream::RectF& r, float origin_x, float origin_y, Box clip);
// The caret's pixels: 2 px wide, centred on the caret's x.
Box place_caret(const glyphstream::RectF& caret, float origin_x, float origin_y, Box clip);

class Editor {
 public:
  static constexpr float kPadding = 14;  // px between the panel's edge and the text

  // `style.wrap_width` is set from the panel; `text` is laid out as `style` says (markup).
  Editor(glyphstream::TextSystem& ts, std::string text, glyphstream::TextStyle style, Box panel);
  // Lays the text out again (after a change of alignment or panel); keeps caret and selection.
  glyphstream::Status relayout();

  // Input, in window px.
  void press(float x, float y, bool shift);  // caret there; shift keeps the selection's anchor
  void drag_to(float x, float y);            // while pressed: the caret follows, anchor stays
  void release();
  void move_horizontally(int direction, bool shift);  // visual, by grapheme (bidi-correct)
  void move_vertically(int direction, bool shift);    // a line up / down, same x
  void move_to_line_edge(bool end, bool shift);       // Home / End of the caret's line
  void select_all();
  glyphstream::Status cycle_align();  // left -> center -> right -> left
  void scroll_by(float dy);

  // State.
  const glyphstream::TextLayout& layout() const { return layout_; }
  const glyphstream::TextStyle& style() const { return style_; }
  size_t caret() const { return caret_; }
  size_t anchor() const { return anchor_; }
  size_t selection_start() const { return caret_ < anchor_ ? caret_ : anchor_; }
  size_t selection_end() const { return caret_ < anchor_ ? anchor_ : caret_; }
  bool has_selection() const { return caret_ != anchor_; }
  float scroll() const { return scroll_; }
  Box panel() const { return panel_; }
  // Where draw_layout() puts the layout's top-left corner.
  float origin_x() const { return float(panel_.x0) + kPadding; }
  float origin_y() const { return float(panel_.y0) + kPadding - scroll_; }

  // What the editor draws, in window pixels, clipped to the panel.
  std::vector<Box> selection_boxes() const;
  Box caret_box() const;  // empty when scrolled out of the panel
  std::string describe() const;

 private:
  size_t index_at(float x, float y) const;  // the caret position nearest to (x, y)
  void set_caret(size_t index, bool keep_anchor);
  void keep_caret_visible();
  float max_scroll() const;

  glyphstream::TextSystem& ts_;
  std::string text_;
  glyphstream::TextStyle style_;
  Box panel_;
  glyphstream::TextLayout layout_;
  size_t caret_ = 0, anchor_ = 0;
  float scroll_ = 0;
  float desired_x_ = -1;  // the column kept by Up / Down (layout px); < 0: the caret's own
  bool pressed_ = false;
};
