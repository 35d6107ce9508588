// How an oracle case becomes the TextStyle that glyphstream lays it out with: the one mapping
// that oracle_test (pixels) and layout_query_test (layout answers) share, so that an option a
// case file sets reaches both.
#pragma once

#include "glyphstream/text_system.h"
#include "oracle_case.h"

namespace glyphstream::oracle {

inline TextStyle text_style(const OracleCase& c) {
  TextStyle style;
  style.font = c.font;
  style.color = Color::from_rgba8(c.fg);
  style.wrap_width = c.width;
  style.markup = c.markup;
  style.paragraph = c.paragraph;
  style.rendering = c.rendering;
  return style;
}

}  // namespace glyphstream::oracle
