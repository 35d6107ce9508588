#include "sample_text.h"

namespace glyphstream::tools {

const std::string& sample_markup() {
  // Sizes in Pango markup are 1024ths of a point; glyphstream lays out at 72 dpi, so 1 pt = 1 px.
  static const std::string kSample =
      "<span size=\"36864\" weight=\"bold\" foreground=\"#1f4e99\">glyphstream</span>"
      "<span size=\"20480\" foreground=\"#555555\">  GPU text through a streaming glyph "
      "atlas</span>\n"
      "Latin: Ça déjà vu? Naïve façade, Ærøskøbing, Œuvre, Straße, Łódź, ŝŭpo\n"
      "Cyrillic: <span foreground=\"#b03030\">Съешь же ещё этих мягких французских булок</span>\n"
      "Greek: <span foreground=\"#2e7d32\">Ξεσκεπάζω την ψυχοφθόρα βδελυγμία</span>\n"
      "Arabic: <span foreground=\"#6a1b9a\">مرحبا بالعالم، هذا نص تجريبي</span>\n"
      "Hebrew: <span foreground=\"#00695c\">שלום עולם, זהו טקסט לדוגמה</span>\n"
      "Devanagari: <span foreground=\"#c2185b\">नमस्ते दुनिया, यह एक परीक्षण है</span>\n"
      "CJK: 你好，世界！流式字形图集  日本語のテキスト  한국어 텍스트\n"
      "Emoji: 😀 🚀 🎨 👍 🌍 ❤ 🎉 🐧\n"
      "Decorations: <u>underline</u>, <s>strikethrough</s>, <span underline=\"error\" "
      "underline_color=\"#e53935\">speling "
      "squiggle</span>, <span background=\"#ffe680\">background</span>, "
      "<span underline=\"double\" underline_color=\"#d32f2f\">double</span>, "
      "<span overline=\"single\" background=\"#1f4e99\" foreground=\"#ffffff\">overline"
      "</span>\n"
      "<span size=\"12288\">12 px: The quick brown fox jumps over the lazy dog 0123456789</span>\n"
      "<span size=\"18432\">18 px: The quick brown fox jumps over the lazy dog</span>\n"
      "<span size=\"32768\">32 px: <span foreground=\"#d84315\">Sphinx</span> of "
      "<span foreground=\"#1565c0\">black quartz</span>, 判断 ✓</span>\n"
      "<span size=\"49152\" style=\"italic\">48 px: Glyph 字 😀</span>";
  return kSample;
}

}  // namespace glyphstream::tools
