// How text is drawn: its style (font, colour, wrapping, paragraph, rendering) and the per-call
// drawing parameters (clip). Value types of TextSystem's draw calls (text_system.h), in their own
// header so that code below the facade (src/pipeline) can use them without it.
#pragma once

#include <optional>
#include <string>

#include "glyphstream/paragraph.h"
#include "glyphstream/rendering.h"
#include "glyphstream/types.h"

namespace glyphstream {

struct TextStyle {
  std::string font = "Sans 16";  // Pango font description; sizes in pixels
  Color color{1, 1, 1, 1};       // default colour (markup may override per span)
  float wrap_width = 0;          // px; 0 = no wrapping
  bool markup = false;           // the text is Pango markup
  ParagraphStyle paragraph;      // alignment, wrap mode, ellipsis, direction, ... (paragraph.h)
  RenderingStyle rendering{};    // antialiasing, hinting, glyph positions (rendering.h)
};

// How one draw call places its text (draw_text, draw_text_scaled, draw_layout).
struct DrawParams {
  // Nothing outside this rectangle (viewport px) is drawn; a glyph cut by its edge keeps its
  // exact pixels inside. Any number of different clips cost no extra draw call. Must be finite
  // with w, h >= 0 (kInvalidArgument otherwise); none: the viewport.
  std::optional<RectF> clip;
};

}  // namespace glyphstream
