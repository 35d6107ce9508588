// The demo's document: a few hundred distinct lines in eight scripts, repeated at several sizes,
// with fresh CJK ideographs and emoji on every pass, so that new glyphs keep arriving as it
// scrolls.
#pragma once

#include <glyphstream/text_system.h>

#include <string>
#include <vector>

struct Line {
  std::string markup;
  glyphstream::TextStyle style;
  float height = -1;  // measured lazily (depends on the wrap width)
  float top = 0;      // valid once measured
};

std::vector<Line> make_document();
