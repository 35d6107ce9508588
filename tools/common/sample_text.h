// The built-in multilingual sample that glyphstream-render draws when given no text.
#pragma once

#include <string>

namespace glyphstream::tools {

// Pango markup: Latin with accents, Cyrillic, Greek, Arabic, Hebrew, Devanagari, CJK, emoji,
// decorations (underlines, strikethrough, error squiggle, backgrounds, overline), in several
// sizes and colours.
const std::string& sample_markup();

}  // namespace glyphstream::tools
