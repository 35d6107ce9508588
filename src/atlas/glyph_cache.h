// Glyph cache: GlyphKey -> where the glyph's pixels live in the atlas. Lookups and inserts are
// O(1) on average, whatever the cache size. Plain C++, not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "atlas/atlas.h"
#include "glyphstream/types.h"

namespace glyphstream::atlas {

// Everything that changes a glyph's pixels.
struct GlyphKey {
  uint32_t face_id = 0;
  uint32_t glyph_id = 0;
  uint32_t size_26_6 = 0;    // pixel size in 1/64 px
  uint8_t subpixel_bin = 0;  // horizontal pen offset in quarters of a pixel (0..3)
  uint8_t flags = 0;         // render mode: hinting, monochrome (text/rendering_options.h)
  // Rotated text (--rotate, vertical gravity): the raster is turned counter-clockwise by
  // angle_bin / 16 degrees about the pen (text/rotation.h); 0 upright.
  uint16_t angle_bin = 0;
  friend bool operator==(const GlyphKey&, const GlyphKey&) = default;
};

struct GlyphKeyHash {
  size_t operator()(const GlyphKey& k) const;
};

struct CachedGlyph {
  AllocHandle handle;  // invalid for glyphs without pixels (spaces)
  uint16_t page = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  Rect rect;              // content rect in the page (texels)
  int16_t bearing_x = 0;  // bitmap left edge relative to the (integer) pen position
  int16_t bearing_y = 0;  // bitmap top edge above the baseline (positive up)
  // > 0: the raster is of a smaller size (the exact one is larger than a page) and is drawn
  // scaled up by this; bearings and rect are the smaller raster's (pipeline/glyph_fit.h).
  float draw_scale = 0;
  bool empty() const { return !handle.valid(); }
};

class GlyphCache {
 public:
  // Room for a few screens of text at a few sizes before the first rehash (a zoom's ladder
  // reaches ~4,500 entries in the bench's W3); ~150 KB of buckets.
  static constexpr size_t kInitialEntries = 8192;
  GlyphCache() { reserve(kInitialEntries); }
  const CachedGlyph* find(const GlyphKey& key) const;
  void insert(const GlyphKey& key, const CachedGlyph& glyph);
  // The raster of `key`'s glyph (same face, glyph id, angle and flags, any size and sub-pixel bin)
  // nearest
  // to key.size_26_6, for drawing scaled in its place: the smallest size at or above it, else the
  // largest below; rasters with pixels before empty ones, bin 0 before other bins. Null when
  // no size of the glyph is cached; *found gets the stand-in's key.
  const CachedGlyph* find_nearest_size(const GlyphKey& key, GlyphKey* found) const;
  // Drops the entry that owns this allocation (after eviction); no-op if none does.
  void erase_handle(AllocHandle handle);
  size_t size() const { return by_key_.size(); }
  // Room for `n` entries without rehashing: a rehash relinks every entry (~0.1-0.2 ms at 4k
  // entries), and the cache grows mid-animation (a zoom's ladder rungs).
  void reserve(size_t n);
  // Bumps whenever an entry is erased or replaced: pointers returned by find() stay valid
  // while the epoch is unchanged (inserts do not move entries).
  uint64_t epoch() const { return epoch_; }
  void clear();

 private:
  struct HandleHash {
    size_t operator()(const AllocHandle& h) const {
      return std::hash<uint64_t>()((uint64_t(h.index) << 32) | h.generation);
    }
  };
  std::unordered_map<GlyphKey, CachedGlyph, GlyphKeyHash> by_key_;
  std::unordered_map<AllocHandle, GlyphKey, HandleHash> key_by_handle_;
  // Every cached (size, bin) of a glyph: the sizes a scaled draw may stand in with. Entries
  // point into by_key_ (node-based: inserts never move them).
  struct SizeEntry {
    uint32_t size_26_6 = 0;
    uint8_t subpixel_bin = 0;
    uint16_t angle_bin = 0;
    uint8_t flags = 0;
    const CachedGlyph* glyph = nullptr;
  };
  struct GlyphIdHash {
    size_t operator()(uint64_t id) const { return std::hash<uint64_t>()(id); }
  };
  static uint64_t glyph_id_of(const GlyphKey& k) {
    return (uint64_t(k.face_id) << 32) | k.glyph_id;
  }
  void index_size(const GlyphKey& key, const CachedGlyph* glyph);
  void unindex_size(const GlyphKey& key);
  std::unordered_map<uint64_t, std::vector<SizeEntry>, GlyphIdHash> sizes_by_glyph_;
  uint64_t epoch_ = 0;
};

}  // namespace glyphstream::atlas
