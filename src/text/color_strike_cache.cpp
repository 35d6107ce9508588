// ColorStrikeCache (declared in text/rasterizer.h, which the rasterizers share it through):
// decoded colour strikes, least recently used out, bounded by bytes.
#include <mutex>
#include <utility>

#include "text/rasterizer.h"

namespace glyphstream::text {

std::shared_ptr<const ColorStrikeCache::Strike> ColorStrikeCache::find(FaceId face, int strike,
                                                                       uint32_t glyph) {
  std::lock_guard lock(mutex_);
  auto it = map_.find(key(face, strike, glyph));
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.position);
  return it->second.value;
}

void ColorStrikeCache::insert(FaceId face, int strike, uint32_t glyph,
                              std::shared_ptr<const Strike> value) {
  const size_t size = value->bgra.size();
  if (size > max_bytes_) return;
  std::lock_guard lock(mutex_);
  const uint64_t k = key(face, strike, glyph);
  if (map_.count(k)) return;  // another thread decoded it meanwhile
  while (bytes_ + size > max_bytes_ && !lru_.empty()) {
    auto victim = map_.find(lru_.back());
    bytes_ -= victim->second.value->bgra.size();
    map_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(k);
  map_.emplace(k, Entry{std::move(value), lru_.begin()});
  bytes_ += size;
}

size_t ColorStrikeCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

size_t ColorStrikeCache::size() const {
  std::lock_guard lock(mutex_);
  return map_.size();
}

}  // namespace glyphstream::text
