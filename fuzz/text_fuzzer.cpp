// Text and Pango markup through layout, rasterization of the laid-out glyphs and the atlas (no
// GL). Input: three control bytes, then the text (or, with kCustomFont, "font description\n"
// followed by the text), so that descriptions, sizes and wrapping are fuzzed along with text.
// Classes a short input cannot reach by itself (issue 23) have flags: kNest wraps the text in
// up to 255 nested size tags, kStretch repeats its last code point up to ~130k times (mark runs,
// paragraphs wider than Pango's int), and every glyph is keyed at positions scaled by up to 2^40
// (the pipeline's pen offsets must never wrap through int: UBSan's float-cast-overflow).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "atlas/atlas.h"
#include "pipeline/layout_cache.h"
#include "text/font_registry.h"
#include "text/layout.h"
#include "text/rasterizer.h"

#include "fuzz_check.h"
#include "fuzz_layouter.h"

namespace gs = glyphstream;

namespace {

constexpr uint8_t kMarkup = 1 << 0;
constexpr uint8_t kWrap = 1 << 1;
constexpr uint8_t kCustomFont = 1 << 2;
constexpr uint8_t kNest = 1 << 6;
constexpr uint8_t kStretch = 1 << 7;
constexpr const char* kNestingTags[] = {"small", "big", "sub", "sup", "b", "i"};
// Families that exercise fallback, CJK, colour emoji and an unknown name.
constexpr const char* kFamilies[] = {"Sans",
                                     "Serif",
                                     "Monospace",
                                     "DejaVu Sans",
                                     "Noto Sans CJK SC",
                                     "Noto Color Emoji",
                                     "NoSuchFamilyAtAll",
                                     "Sans Bold Italic"};
// Rasterizing is the slow part: bound the work per input so the fuzzer keeps its pace.
constexpr size_t kMaxGlyphsToRasterize = 48;
constexpr uint32_t kMaxRasterSize26_6 = 160 * 64;

// The shared Layouter, and a rasterizer on its font registry.
struct Context {
  gs::fuzz::LayoutContext& text = gs::fuzz::layout_context();
  gs::text::Rasterizer rasterizer{&text.registry};
};

Context& context() {
  static Context* ctx = new Context;
  return *ctx;
}

using glyphstream::fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  Context& ctx = context();
  const uint8_t flags = data[0];
  const int px = 1 + data[1] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data + 3), size - 3);

  gs::text::LayoutParams params;
  params.markup = (flags & kMarkup) != 0;
  params.wrap_width = (flags & kWrap) ? float(1 + data[2]) : 0.0f;
  if (flags & kCustomFont) {
    const size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return 0;
    params.font = std::string(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  } else {
    params.font = std::string(kFamilies[(flags >> 3) % 8]) + " " + std::to_string(px) + "px";
  }

  std::string text(rest);
  if ((flags & kStretch) && !text.empty()) {
    size_t last = text.size() - 1;  // the last code point's first byte
    while (last > 0 && (static_cast<unsigned char>(text[last]) & 0xC0) == 0x80) --last;
    const std::string unit = text.substr(last);
    size_t n = 1 + size_t(data[2]) * 512;
    // Nested tags around stretched paragraphs cost their product, linearly (the layouter
    // refuses past 2^23, and near that bound AddressSanitizer takes over 10 s): kept to 2^21.
    if (flags & kNest) n = std::min(n, (size_t{1} << 21) / std::max<size_t>(1, data[2]));
    for (size_t i = 0; i < n; ++i) text += unit;
  }
  if (flags & kNest) {
    params.markup = true;
    const std::string tag = kNestingTags[data[1] % 6];
    std::string nested;
    for (int i = 0; i < data[2]; ++i) nested += "<" + tag + ">";
    nested += text;
    for (int i = 0; i < data[2]; ++i) nested += "</" + tag + ">";
    text.swap(nested);
  }
  auto laid_out = ctx.text.layouter->layout(text, params);
  if (!laid_out.ok()) {
    check(!laid_out.status().message().empty(), "an error carries a message");
    return 0;
  }
  const gs::text::LayoutResult& layout = laid_out.value();
  check(layout.line_count >= 0, "line count");
  check(layout.marks_dropped <= text.size(), "marks dropped");
  const double far = std::ldexp(1.0, data[1] % 41);
  for (const gs::text::ShapedGlyph& g : layout.glyphs) {
    // Sizes that round to 0 px are refused, never laid out as nothing.
    check(g.size_26_6 > 0 && g.size_26_6 <= 4096 * 64, "glyph size in (0, 4096 px]");
    check(std::isfinite(g.x) && std::isfinite(g.y), "finite glyph position");
    gs::text::ShapedGlyph scaled = g;
    scaled.x = float(double(g.x) * far);
    scaled.y = float(double(g.y) * -far);
    int pen_x = 0, pen_y = 0;
    gs::pipeline::glyph_key_for(scaled, 16777216.0f, -16777216.0f, &pen_x, &pen_y);
  }

  gs::atlas::AtlasConfig cfg;
  cfg.page_width = 256;
  cfg.page_max_height = 256;
  cfg.memory_budget_bytes = 512 * 1024;
  gs::atlas::Atlas atlas(cfg);
  atlas.begin_frame(1);

  std::unordered_set<uint64_t> seen;
  size_t rasterized = 0;
  for (const gs::text::ShapedGlyph& g : layout.glyphs) {
    if (rasterized >= kMaxGlyphsToRasterize) break;
    if (g.size_26_6 == 0 || g.size_26_6 > kMaxRasterSize26_6) continue;
    const uint64_t key = (uint64_t(g.face) << 40) ^ (uint64_t(g.glyph_id) << 20) ^ g.size_26_6;
    if (!seen.insert(key).second) continue;
    ++rasterized;
    gs::text::RasterRequest req{g.face, g.glyph_id, g.size_26_6, uint8_t(rasterized % 4)};
    auto bm = ctx.rasterizer.rasterize(req);
    if (!bm.ok()) continue;
    const gs::text::GlyphBitmap& b = bm.value();
    check(b.width >= 0 && b.height >= 0, "bitmap size");
    check(b.pixels.size() == size_t(b.width) * size_t(b.height) * gs::bytes_per_pixel(b.format),
          "bitmap bytes match its size");
    if (b.width == 0 || b.height == 0) continue;
    gs::atlas::AllocResult r = atlas.allocate(b.format, b.width, b.height);
    if (r.status != gs::atlas::AllocStatus::kOk) continue;
    check(r.alloc.rect.w == b.width && r.alloc.rect.h == b.height, "allocation size");
    atlas.write(r.alloc.handle, b.pixels.data(), size_t(b.width) * gs::bytes_per_pixel(b.format));
  }
  for (size_t p = 0; p < atlas.page_count(); ++p) {
    const gs::atlas::PageInfo info = atlas.page_info(p);
    for (const gs::Rect& d : atlas.take_dirty_rects(p)) {
      check(d.x >= 0 && d.y >= 0 && d.right() <= info.width && d.bottom() <= info.height,
            "dirty rect inside its page");
    }
  }
  const gs::Status inv = atlas.check_invariants();
  if (!inv.ok()) {
    std::fprintf(stderr, "%s\n", inv.to_string().c_str());
    std::abort();
  }
  return 0;
}
