// glyphstream-render's paragraph flags: pango-view's names and value spellings (--align,
// --justify, --indent, --wrap, --ellipsize, --height, ...), checked with a clear message before
// anything opens, and turned into the library's ParagraphStyle (glyphstream/paragraph.h).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "glyphstream/paragraph.h"
#include "glyphstream/status.h"

namespace glyphstream::tools {

// As typed; the defaults are pango-view's.
struct ParagraphFlags {
  std::string align = "left";  // left|center|right
  bool justify = false;
  bool justify_last_line = false;
  float indent = 0;                // px; negative: hanging
  float spacing = 0;               // px between lines
  float line_spacing = 0;          // factor; 0: the font's line height
  std::string wrap = "word-char";  // word|char|word-char
  std::string ellipsize = "none";  // none|start|middle|end
  float height = 0;                // > 0 px, < 0 lines per paragraph
  bool single_par = false;
  bool rtl = false;
  bool no_auto_dir = false;
  std::string language;
  std::string gravity = "south";         // south|east|north|west|auto
  std::string gravity_hint = "natural";  // natural|strong|line
  float rotate = 0;                      // degrees
};

// Adds the flags; values outside their range or spelling are argument errors (exit status 1).
void add_paragraph_flags(CLI::App& app, ParagraphFlags* flags);
// The style; kInvalidArgument for what a flag's check cannot see (a fractional negative
// --height). The language tag
// is checked by the library (TextSystem::measure), which names the field.
Result<ParagraphStyle> paragraph_style(const ParagraphFlags& flags);

}  // namespace glyphstream::tools
