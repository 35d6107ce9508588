#include "atlas/glyph_cache.h"

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
  const uint64_t b = (uint64_t(k.size_26_6) << 16) | (uint64_t(k.subpixel_bin) << 8) | k.flags;
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
  }
  if (glyph.handle.valid()) key_by_handle_[glyph.handle] = key;
}

void GlyphCache::erase_handle(AllocHandle handle) {
  auto it = key_by_handle_.find(handle);
  if (it == key_by_handle_.end()) return;
  auto kit = by_key_.find(it->second);
  if (kit != by_key_.end() && kit->second.handle == handle) {
    by_key_.erase(kit);
    ++epoch_;
  }
  key_by_handle_.erase(it);
}

void GlyphCache::clear() {
  ++epoch_;
  by_key_.clear();
  key_by_handle_.clear();
}

}  // namespace glyphstream::atlas
