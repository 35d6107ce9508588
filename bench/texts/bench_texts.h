// The benchmark texts (generate.py), compiled in by embed.cmake: the benchmark binary also runs
// from a bundle on the GPU machine, with no files beside it.
#pragma once

#include <string>
#include <string_view>

namespace glyphstream::bench {

extern const std::string_view kCjkDocument;  // cjk_document.txt: W2 scroll
extern const std::string_view kMixedScreen;  // mixed_screen.txt: W1 cold, W3 zoom, W4 steady

// The cold page's text (issue 26; glyphstream-bench --workload cold-page, layout_bench), at one
// size: 2,210 distinct characters, every one once, in a fixed shuffled order (2,000 CJK, 210
// Cyrillic in words of 3 to 8 letters between spaces). bench/fontstash/ draws the same
// characters.
std::string cold_page_text();

}  // namespace glyphstream::bench
