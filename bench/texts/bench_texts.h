// The benchmark texts (generate.py), compiled in by embed.cmake: the benchmark binary also runs
// from a bundle on the GPU machine, with no files beside it.
#pragma once

#include <string_view>

namespace glyphstream::bench {

extern const std::string_view kCjkDocument;  // cjk_document.txt: W2 scroll
extern const std::string_view kMixedScreen;  // mixed_screen.txt: W1 cold, W3 zoom, W4 steady

}  // namespace glyphstream::bench
