// One frame of the editor, on OpenGL or Vulkan (scroll_demo's Presenter), and what its
// screenshot must show.
//
// glyphstream draws text only; the window, the panel, the selection and the caret are the
// editor's own clears (GL: scissored glClear; Vulkan: vkCmdClearAttachments in the frame's
// command buffer): exact rectangles, exact colours. Order: background, panel, selection (behind
// the text), the layout through glyphstream's draw_layout clipped to the panel, then the caret
// over it.
#pragma once

#include <glyphstream/text_system.h>

#include <cstdint>
#include <string>
#include <vector>

#include "editor.h"
#include "png_write.h"
#include "presenter.h"

struct Rgb {
  uint8_t r, g, b;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};
constexpr Rgb kBackgroundColor{208, 214, 224};
// Not pure white: a colour emoji (a flag) holds white pixels, which must not read as the panel.
constexpr Rgb kPanelColor{252, 251, 246};
constexpr Rgb kSelectionColor{166, 204, 255};
constexpr Rgb kCaretColor{214, 18, 120};

// Draws one frame of w x h px (after presenter.begin_frame); with `rgb`, reads it back as RGB,
// top row first.
glyphstream::Status draw_frame(Presenter& presenter, const Editor& editor,
                               glyphstream::TextSystem& ts, int w, int h,
                               std::vector<uint8_t>* rgb);

// write_png_rgb comes from scroll_demo/png_write.h (shared by both examples).

// Checks a screenshot against the layout's own answers (TextLayout::caret, selection_rects,
// placed as the editor places them): the caret's pixels are all the caret colour and there is
// no caret colour elsewhere; inside each selection rectangle no pixel is the panel's colour
// (the selection is behind the text), and at least a quarter of them all are the selection
// colour (text covers the rest); outside them (1 px of rounding aside) none is; the panel holds
// text; outside the panel every pixel is the background (no text beyond the clip). Returns the
// failures, one line each (empty: passed).
std::vector<std::string> check_frame(const std::vector<uint8_t>& rgb, int w, int h,
                                     const Editor& editor);
