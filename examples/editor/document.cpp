// The editor's text (see document.h).
#include "document.h"

#include <vector>

std::string escape_markup(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string make_editor_markup() {
  const std::vector<std::string> plain = {
      "Click to place the caret, shift-click or drag to select; the arrows move the caret "
      "visually, one grapheme at a time; A cycles the alignment (left, center, right).",
      "مرحبا بالعالم! هذا نص عربي يمتد على عدة كلمات، ليرى المحرر الاتجاه من اليمين إلى اليسار.",
      "שלום עולם — זהו טקסט בעברית עם המספר 2026 באמצע, כדי לבדוק את הסמן.",
      "日本語のテキストと中文文本，还有한국어 텍스트도 있습니다。縦横に動くカーソル。",
      "Emoji: 👋 🎉 👩‍💻 🇫🇷 ❤️ — each one grapheme for the caret, however "
      "many "
      "code "
      "points.",
      "Mixed: English with עברית inside, then العربية, then English again (bidi runs).",
  };
  std::string markup;
  for (const std::string& p : plain) markup += escape_markup(p) + "\n";
  markup +=
      "Markup: <b>bold</b>, <i>italic</i>, <span foreground=\"#1a6fd1\">blue</span>, "
      "<u>underlined</u>, <span font=\"Serif 26\">a larger serif</span> and "
      "<span background=\"#ffe9a8\">a highlighted span</span>.\n";
  const std::string filler =
      "The panel scrolls with the wheel or as the caret moves; nothing is drawn outside it, "
      "and a line cut by its edge keeps its exact pixels inside.";
  for (int i = 1; i <= 10; ++i) {
    markup += escape_markup(std::to_string(i) + ". " + filler) + (i < 10 ? "\n" : "");
  }
  return markup;
}
