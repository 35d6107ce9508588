// The editor's text: paragraphs in Latin, Arabic, Hebrew, CJK, emoji, mixed bidi and one of
// Pango markup, as one markup string (plain paragraphs escaped), laid out as one TextLayout so
// that a caret and a selection run through all of them.
#pragma once

#include <string>

std::string make_editor_markup();
// Escapes &, <, > (and quotes) so that plain text is valid Pango markup.
std::string escape_markup(const std::string& text);
