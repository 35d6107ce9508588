#include "pipeline/glyph_fit.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace glyphstream::pipeline {
namespace {

// The size (26.6) whose raster should fit, from a raster of `size` that is w x h px.
uint32_t size_to_fit(uint32_t size, const text::GlyphBitmap& bm, const atlas::AtlasConfig& c) {
  const double ratio = std::min(double(c.page_width) / double(bm.width),
                                double(c.page_max_height) / double(bm.height));
  // Antialiasing may widen a raster by a pixel at any size: aim 2% below.
  return uint32_t(std::floor(double(size) * ratio * 0.98));
}

}  // namespace

Result<float> fit_glyph_to_page(const atlas::GlyphKey& key, text::GlyphBitmap* bitmap,
                                const atlas::AtlasConfig& config, const RasterizeFn& rasterize) {
  if (bitmap->width <= 0 || bitmap->height <= 0 || fits_page(*bitmap, config)) return 0.0f;
  atlas::GlyphKey reduced = key;
  reduced.subpixel_bin = 0;  // the batcher places the origin at the exact key's bin
  text::GlyphBitmap current = *bitmap;
  uint32_t size = key.size_26_6;
  constexpr int kTries = 4;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    size = size_to_fit(size, current, config);
    if (size < 64) break;  // below 1 px: nothing worth drawing
    reduced.size_26_6 = size;
    GS_ASSIGN_OR_RETURN(current, rasterize(reduced));
    if (current.width <= 0 || current.height <= 0) break;
    if (fits_page(current, config)) {
      *bitmap = std::move(current);
      return float(double(key.size_26_6) / double(size));
    }
  }
  return Status(ErrorCode::kInvalidArgument,
                std::to_string(bitmap->width) + " x " + std::to_string(bitmap->height) +
                    " px is larger than an atlas page (" + std::to_string(config.page_width) +
                    " x " + std::to_string(config.page_max_height) +
                    " px), and no smaller raster of it fits one");
}

std::string refusal_reason(atlas::AllocStatus status, const text::GlyphBitmap& bm,
                           const atlas::AtlasConfig& c, bool can_wait_within_frame) {
  if (status != atlas::AllocStatus::kTooLarge) {
    if (!can_wait_within_frame) {
      return "no atlas space: every page is pinned by this frame, and an embedded Vulkan frame "
             "cannot be flushed early (raise TextSystemDesc::atlas_budget_bytes)";
    }
    return "no atlas space: every page is pinned by this frame even after a mid-frame flush";
  }
  const std::string size = std::to_string(bm.width) + " x " + std::to_string(bm.height) + " px";
  // The atlas answers kTooLarge for a glyph larger than a page and for one whose smallest page
  // is over the budget; the glyph's box tells which.
  if (bm.width > c.page_width || bm.height > c.page_max_height) {
    return size + " is larger than an atlas page (" + std::to_string(c.page_width) + " x " +
           std::to_string(c.page_max_height) + " px)";
  }
  return size + " needs an atlas page larger than the atlas budget of " +
         std::to_string(c.memory_budget_bytes) + " bytes";
}

bool fits_page(const text::GlyphBitmap& bm, const atlas::AtlasConfig& c) {
  return bm.width <= c.page_width && bm.height <= c.page_max_height;
}

}  // namespace glyphstream::pipeline
