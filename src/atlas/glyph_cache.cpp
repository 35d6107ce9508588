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
  const uint64_t b = (uint64_t(k.angle_bin) << 48) | (uint64_t(k.size_26_6) << 16) | k.flags;
  return size_t(mix(a ^ mix(b ^ mix(k.subpixel_bin))));
}

uint64_t GlyphCache::hash_id(uint64_t id) { return mix(id); }

uint32_t GlyphCache::find_entry(const GlyphKey& key) const {
  return by_key_.find(GlyphKeyHash()(key), [&](uint32_t e) { return entries_[e].key == key; });
}

const CachedGlyph* GlyphCache::find(const GlyphKey& key) const {
  const uint32_t e = find_entry(key);
  return e == kNone ? nullptr : &entries_[e].glyph;
}

void GlyphCache::insert(const GlyphKey& key, const CachedGlyph& glyph) {
  if (const uint32_t e = find_entry(key); e != kNone) {
    // Replacing: the old allocation no longer belongs to this key.
    unmap_handle(e);
    entries_[e].glyph = glyph;
    map_handle(e);
    ++epoch_;
    return;
  }
  uint32_t e;
  if (!free_entries_.empty()) {
    e = free_entries_.back();
    free_entries_.pop_back();
  } else {
    e = uint32_t(entries_.size());
    entries_.emplace_back();
  }
  Entry& entry = entries_[e];
  entry.glyph = glyph;
  entry.key = key;
  entry.live = true;
  by_key_.insert(GlyphKeyHash()(key), e, [this](uint32_t v) { return key_hash(v); });
  link_size(e);
  map_handle(e);
  ++live_;
}

void GlyphCache::reserve(size_t n) {
  by_key_.reserve(n, [this](uint32_t v) { return key_hash(v); });
  first_size_.reserve(n / 4, [this](uint32_t v) {  // a glyph at a few sizes
    return hash_id(glyph_id_of(entries_[v].key));
  });
  entries_.reserve(n);
}

void GlyphCache::erase_handle(AllocHandle handle) {
  if (!handle.valid()) return;
  uint32_t e = handle.index < by_handle_.size() ? by_handle_[handle.index] : kNone;
  if (e == kNone || entries_[e].glyph.handle != handle) {
    auto it = handle_overflow_.find((uint64_t(handle.index) << 32) | handle.generation);
    if (it == handle_overflow_.end()) return;
    e = it->second;
  }
  erase_entry(e);
}

void GlyphCache::erase_entry(uint32_t e) {
  Entry& entry = entries_[e];
  const GlyphKey key = entry.key;
  by_key_.erase(GlyphKeyHash()(key), [e](uint32_t v) { return v == e; });
  unlink_size(e);
  unmap_handle(e);
  entry.live = false;
  entry.glyph = {};
  free_entries_.push_back(e);
  --live_;
  ++epoch_;
}

void GlyphCache::map_handle(uint32_t e) {
  const AllocHandle h = entries_[e].glyph.handle;
  if (!h.valid()) return;
  if (h.index >= by_handle_.size()) by_handle_.resize(size_t(h.index) + 1, kNone);
  uint32_t& slot = by_handle_[h.index];
  if (slot != kNone && slot != e && entries_[slot].live && entries_[slot].glyph.handle.valid() &&
      entries_[slot].glyph.handle.index == h.index) {
    // An older generation's entry that nobody erased: it keeps its own way out.
    const AllocHandle old = entries_[slot].glyph.handle;
    handle_overflow_[(uint64_t(old.index) << 32) | old.generation] = slot;
  }
  slot = e;
}

void GlyphCache::unmap_handle(uint32_t e) {
  const AllocHandle h = entries_[e].glyph.handle;
  if (!h.valid()) return;
  if (h.index < by_handle_.size() && by_handle_[h.index] == e) {
    by_handle_[h.index] = kNone;
  } else if (!handle_overflow_.empty()) {
    handle_overflow_.erase((uint64_t(h.index) << 32) | h.generation);
  }
}

void GlyphCache::link_size(uint32_t e) {
  const uint64_t id = glyph_id_of(entries_[e].key);
  const uint64_t h = hash_id(id);
  const auto same_id = [&](uint32_t v) { return glyph_id_of(entries_[v].key) == id; };
  const uint32_t first = first_size_.find(h, same_id);
  if (first == kNone) {
    entries_[e].next_size = kNone;
    first_size_.insert(h, e, [this](uint32_t v) { return hash_id(glyph_id_of(entries_[v].key)); });
    return;
  }
  // After the first, so that the index keeps its value.
  entries_[e].next_size = entries_[first].next_size;
  entries_[first].next_size = e;
}

void GlyphCache::unlink_size(uint32_t e) {
  const uint64_t id = glyph_id_of(entries_[e].key);
  const uint64_t h = hash_id(id);
  const auto same_id = [&](uint32_t v) { return glyph_id_of(entries_[v].key) == id; };
  const uint32_t first = first_size_.find(h, same_id);
  if (first == kNone) return;
  if (first == e) {
    first_size_.erase(h, [e](uint32_t v) { return v == e; });
    const uint32_t next = entries_[e].next_size;
    if (next != kNone) {
      first_size_.insert(h, next,
                         [this](uint32_t v) { return hash_id(glyph_id_of(entries_[v].key)); });
    }
  } else {
    uint32_t p = first;
    while (entries_[p].next_size != kNone && entries_[p].next_size != e) p = entries_[p].next_size;
    if (entries_[p].next_size == e) entries_[p].next_size = entries_[e].next_size;
  }
  entries_[e].next_size = kNone;
}

void GlyphCache::clear() {
  ++epoch_;
  entries_ = {};
  free_entries_.clear();
  by_key_.clear();
  first_size_.clear();
  by_handle_.clear();
  handle_overflow_.clear();
  live_ = 0;
  reserve(kInitialEntries);
}

const CachedGlyph* GlyphCache::find_nearest_size(const GlyphKey& key, GlyphKey* found) const {
  const uint64_t id = glyph_id_of(key);
  const uint32_t first =
      first_size_.find(hash_id(id), [&](uint32_t v) { return glyph_id_of(entries_[v].key) == id; });
  if (first == kNone) return nullptr;
  // Rank: pixels first, then at-or-above the size, then the nearest size, then bin 0.
  const Entry* best = nullptr;
  auto rank = [&](const Entry& e) {
    const bool below = e.key.size_26_6 < key.size_26_6;
    const uint32_t distance =
        below ? key.size_26_6 - e.key.size_26_6 : e.key.size_26_6 - key.size_26_6;
    return std::tuple(e.glyph.empty(), below, distance, e.key.subpixel_bin);
  };
  for (uint32_t i = first; i != kNone; i = entries_[i].next_size) {
    const Entry& e = entries_[i];
    if (e.key.angle_bin != key.angle_bin) continue;  // another angle is another shape
    // Another render mode (hinting, monochrome) is another look: never a stand-in.
    if (e.key.flags != key.flags) continue;
    if (!best || rank(e) < rank(*best)) best = &e;
  }
  if (best == nullptr) return nullptr;
  *found = best->key;
  return &best->glyph;
}

}  // namespace glyphstream::atlas
