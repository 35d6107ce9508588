// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF,
// no truncated sequences. Layout refuses text that fails it instead of guessing.
#pragma once

#include <cstddef>
#include <string_view>

#include "glyphstream/status.h"

namespace glyphstream {

// Returns ok, or kInvalidUtf8 naming the byte offset of the first bad sequence.
Status validate_utf8(std::string_view text);
// The offset of the first invalid byte, or text.size() if the text is valid.
size_t first_invalid_utf8(std::string_view text);

}  // namespace glyphstream
