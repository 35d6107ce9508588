// Glyph cache: GlyphKey -> where the glyph's pixels live in the atlas. Lookups and inserts are
// O(1) on average, whatever the cache size. Plain C++, not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/chunked_vector.h"
#include "atlas/flat_index.h"
#include "glyphstream/types.h"

namespace glyphstream::atlas {

// Everything that changes a glyph's pixels.
struct GlyphKey {
  uint32_t face_id = 0;
  uint32_t glyph_id = 0;
  uint32_t size_26_6 = 0;    // pixel size in 1/64 px
  uint8_t subpixel_bin = 0;  // horizontal pen offset in quarters of a pixel (0..3)
  // render mode: hinting, monochrome; coverage curve in the high byte (text/rendering_options.h)
  uint16_t flags = 0;
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
  size_t size() const { return live_; }
  // Room for `n` entries without rehashing: a rehash relinks every entry (~0.1-0.2 ms at 4k
  // entries), and the cache grows mid-animation (a zoom's ladder rungs).
  void reserve(size_t n);
  // Bumps whenever an entry is erased or replaced: pointers returned by find() stay valid
  // while the epoch is unchanged (inserts do not move entries).
  uint64_t epoch() const { return epoch_; }
  void clear();

 private:
  static constexpr uint32_t kNone = FlatIndex::kNone;
  // Entries live in chunks and never move (find()'s pointers stay valid while the epoch holds);
  // an erased one is reused by a later insert. Each is reached three ways, none allocating per
  // entry (issue 26: the cold page's bookkeeping): its key (by_key_), its allocation's slot
  // index (by_handle_), and, for scaled drawing's stand-ins, a chain of the entries of one glyph
  // id at every size (first_size_ -> next_size).
  struct Entry {
    CachedGlyph glyph;
    GlyphKey key;
    uint32_t next_size = kNone;
    bool live = false;
  };
  static uint64_t glyph_id_of(const GlyphKey& k) {
    return (uint64_t(k.face_id) << 32) | k.glyph_id;
  }
  static uint64_t hash_id(uint64_t id);
  uint64_t key_hash(uint32_t e) const { return GlyphKeyHash()(entries_[e].key); }
  uint32_t find_entry(const GlyphKey& key) const;
  void link_size(uint32_t e);
  void unlink_size(uint32_t e);
  void map_handle(uint32_t e);
  void unmap_handle(uint32_t e);
  void erase_entry(uint32_t e);

  ChunkedVector<Entry> entries_;
  std::vector<uint32_t> free_entries_;
  FlatIndex by_key_;
  FlatIndex first_size_;  // glyph id -> the first entry of its chain
  // Allocation slot index -> entry. An index whose entry still holds an older generation's
  // handle (never erased: not expected) keeps it in the overflow map, as before.
  std::vector<uint32_t> by_handle_;
  std::unordered_map<uint64_t, uint32_t> handle_overflow_;
  size_t live_ = 0;
  uint64_t epoch_ = 0;
};

}  // namespace glyphstream::atlas
