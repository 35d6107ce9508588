#include "core/utf8.h"

#include <cstdint>
#include <string>

namespace glyphstream {

size_t first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;  // continuation byte or 0xf8..0xff as a lead byte
    }
    if (n - i < len) return i;  // truncated
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return n;
}

Status validate_utf8(std::string_view text) {
  const size_t bad = first_invalid_utf8(text);
  if (bad == text.size()) return {};
  return {ErrorCode::kInvalidUtf8, "text is not valid UTF-8 at byte offset " + std::to_string(bad)};
}

}  // namespace glyphstream
