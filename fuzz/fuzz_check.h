// Shared by the fuzz targets: an invariant that fails aborts, which libFuzzer reports as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace glyphstream::fuzz {

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

}  // namespace glyphstream::fuzz
