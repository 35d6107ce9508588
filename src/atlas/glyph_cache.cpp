#include "atlas/glyph_cache.h"

#include <tuple>

namespace glyphstream::atlas {
namespace {

// splitmix64 finalizer: cheap, and every input bit reaches every output bit, so keys that differ
// only in size or sub-pixel bin still spread over the buckets.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

size_t GlyphKeyHash::operator()(const GlyphKey& k) const {
  const uint64_t a = (uint64_t(k.face_id) << 32) | k.glyph_id;
  const uint64_t b = (uint64_t(k.angle_bin) << 48) | (uint64_t(k.size_26_6) << 16) |
                     (uint64_t(k.subpixel_bin) << 8) | k.flags;
  return size_t(mix(a ^ mix(b)));
}

const CachedGlyph* GlyphCache::find(const GlyphKey& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

void GlyphCache::insert(const GlyphKey& key, const CachedGlyph& glyph) {
  auto [it, inserted] = by_key_.try_emplace(key, glyph);
  if (!inserted) {
    // Replacing: the old allocation no longer belongs to this key.
    if (it->second.handle.valid()) key_by_handle_.erase(it->second.handle);
    it->second = glyph;
    ++epoch_;
  } else {
    index_size(key, &it->second);
  }
  if (glyph.handle.valid()) key_by_handle_[glyph.handle] = key;
}

void GlyphCache::reserve(size_t n) {
  by_key_.reserve(n);
  key_by_handle_.reserve(n);
  sizes_by_glyph_.reserve(n / 4);  // a glyph at a few sizes
}

void GlyphCache::erase_handle(AllocHandle handle) {
  auto it = key_by_handle_.find(handle);
  if (it == key_by_handle_.end()) return;
  auto kit = by_key_.find(it->second);
  if (kit != by_key_.end() && kit->second.handle == handle) {
    unindex_size(kit->first);
    by_key_.erase(kit);
    ++epoch_;
  }
  key_by_handle_.erase(it);
}

void GlyphCache::clear() {
  ++epoch_;
  by_key_.clear();
  key_by_handle_.clear();
  sizes_by_glyph_.clear();
}

void GlyphCache::index_size(const GlyphKey& key, const CachedGlyph* glyph) {
  sizes_by_glyph_[glyph_id_of(key)].push_back(
      {key.size_26_6, key.subpixel_bin, key.angle_bin, key.flags, glyph});
}

void GlyphCache::unindex_size(const GlyphKey& key) {
  auto it = sizes_by_glyph_.find(glyph_id_of(key));
  if (it == sizes_by_glyph_.end()) return;
  std::erase_if(it->second, [&](const SizeEntry& e) {
    return e.size_26_6 == key.size_26_6 && e.subpixel_bin == key.subpixel_bin &&
           e.angle_bin == key.angle_bin && e.flags == key.flags;
  });
  if (it->second.empty()) sizes_by_glyph_.erase(it);
}

const CachedGlyph* GlyphCache::find_nearest_size(const GlyphKey& key, GlyphKey* found) const {
  auto it = sizes_by_glyph_.find(glyph_id_of(key));
  if (it == sizes_by_glyph_.end()) return nullptr;
  // Rank: pixels first, then at-or-above the size, then the nearest size, then bin 0.
  const SizeEntry* best = nullptr;
  auto rank = [&](const SizeEntry& e) {
    const bool below = e.size_26_6 < key.size_26_6;
    const uint32_t distance = below ? key.size_26_6 - e.size_26_6 : e.size_26_6 - key.size_26_6;
    return std::tuple(e.glyph->empty(), below, distance, e.subpixel_bin);
  };
  for (const SizeEntry& e : it->second) {
    if (e.angle_bin != key.angle_bin) continue;  // another angle is another shape
    // Another render mode (hinting, monochrome) is another look: never a stand-in.
    if (e.flags != key.flags) continue;
    if (!best || rank(e) < rank(*best)) best = &e;
  }
  if (best == nullptr) return nullptr;
  *found = key;
  found->size_26_6 = best->size_26_6;
  found->subpixel_bin = best->subpixel_bin;
  return best->glyph;
}

}  // namespace glyphstream::atlas
