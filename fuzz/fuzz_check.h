// Shared by the fuzz targets: an invariant that fails aborts, which libFuzzer reports as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace glyphstream::fuzz {

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

// The fuzzer's bytes, one at a time; zeros once they run out.
struct ByteReader {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t next() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
};

}  // namespace glyphstream::fuzz
