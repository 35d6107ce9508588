// Font bytes through FontRegistry::register_memory and the rasterizer: a corrupt font must be
// refused with kFontLoadFailed / kInvalidArgument, or render a few glyphs, never crash.
// Input: one control byte (face index, glyph id base), then the font bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "text/font_registry.h"
#include "text/rasterizer.h"

#include "fuzz_check.h"

namespace gs = glyphstream;

namespace {

using glyphstream::fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t control = data[0];
  std::vector<uint8_t> bytes(data + 1, data + size);

  // A registry per input: it keeps every font it was given.
  gs::text::FontRegistry registry;
  auto face = registry.register_memory(std::move(bytes), control & 1);
  if (!face.ok()) {
    const gs::ErrorCode code = face.status().code();
    check(code == gs::ErrorCode::kFontLoadFailed || code == gs::ErrorCode::kInvalidArgument,
          "a bad font is kFontLoadFailed or kInvalidArgument");
    check(!face.status().message().empty(), "an error carries a message");
    return 0;
  }

  gs::text::Rasterizer rasterizer(&registry);
  const uint32_t base = (control >> 1) * 7u;
  const uint32_t glyphs[] = {0, 1, 2, 3, base, base + 1, 0xFFFF, 0x10000};
  const uint32_t sizes[] = {1 * 64, 13 * 64 + 17, 48 * 64};
  for (uint32_t size_26_6 : sizes) {
    for (uint32_t glyph : glyphs) {
      auto bm = rasterizer.rasterize({face.value(), glyph, size_26_6, uint8_t(glyph % 4)});
      if (!bm.ok()) {
        check(!bm.status().message().empty(), "an error carries a message");
        continue;
      }
      const gs::text::GlyphBitmap& b = bm.value();
      check(b.width >= 0 && b.height >= 0, "bitmap size");
      check(b.pixels.size() == size_t(b.width) * size_t(b.height) * gs::bytes_per_pixel(b.format),
            "bitmap bytes match its size");
    }
  }
  return 0;
}
