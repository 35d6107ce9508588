#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "texts/bench_texts.h"

namespace glyphstream::bench {
namespace {

void append_utf8(char32_t c, std::string* out) {
  if (c < 0x800) {
    *out += char(0xc0 | (c >> 6));
    *out += char(0x80 | (c & 0x3f));
  } else {
    *out += char(0xe0 | (c >> 12));
    *out += char(0x80 | ((c >> 6) & 0x3f));
    *out += char(0x80 | (c & 0x3f));
  }
}

}  // namespace

std::string cold_page_text() {
  // 2,000 CJK characters (a stride through the URO block) and 210 Cyrillic (U+0400..U+04D1),
  // interleaved by a fixed linear congruential shuffle.
  std::vector<char32_t> chars;
  for (int i = 0; i < 2000; ++i) chars.push_back(char32_t(0x4E00 + (i * 11) % 0x51A5));
  for (int i = 0; i < 210; ++i) chars.push_back(char32_t(0x0400 + i));
  uint32_t state = 26;
  for (size_t i = chars.size() - 1; i > 0; --i) {
    state = state * 1664525u + 1013904223u;
    std::swap(chars[i], chars[(state >> 8) % (i + 1)]);
  }
  std::string text;
  int cyrillic_run = 0;
  for (char32_t c : chars) {
    const bool cyrillic = c < 0x500;
    if (cyrillic && cyrillic_run >= 3 + int(c % 6)) {
      text += ' ';
      cyrillic_run = 0;
    }
    cyrillic_run = cyrillic ? cyrillic_run + 1 : 0;
    append_utf8(c, &text);
  }
  return text;
}

}  // namespace glyphstream::bench
