// An open-addressing hash index of uint32 values (entry numbers in the caller's storage), for
// the glyph cache: one probe sequence in one array instead of a node per entry, so an insert
// allocates nothing (until the table grows) and a lookup touches one cache line before the
// entry itself. The caller owns the keys: it passes each key's hash and an equality test on
// the values, and hash_of(value) when the table is rebuilt. Linear probing; erased slots are
// tombstones until the next rebuild. Plain C++, not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace glyphstream::atlas {

class FlatIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  size_t size() const { return live_; }
  size_t capacity() const { return slots_.size(); }

  // The value whose key equals (eq(value) true) under hash h, or kNone.
  template <typename Eq>
  uint32_t find(uint64_t h, Eq eq) const {
    if (slots_.empty()) return kNone;
    const uint32_t tag = tag_of(h);
    for (size_t i = size_t(h) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kEmpty) return kNone;
      if (s.value != kErased && s.tag == tag && eq(s.value)) return s.value;
    }
  }

  // Adds `value` under h (the key must not be present). hash_of(v) gives any stored value's
  // hash, for a rebuild.
  template <typename HashOf>
  void insert(uint64_t h, uint32_t value, HashOf hash_of) {
    if ((live_ + erased_ + 1) * 2 > slots_.size()) rebuild(live_ + 1, hash_of);
    place(h, value);
  }

  // Removes the value equal under h; false if absent.
  template <typename Eq>
  bool erase(uint64_t h, Eq eq) {
    if (slots_.empty()) return false;
    const uint32_t tag = tag_of(h);
    for (size_t i = size_t(h) & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.value == kEmpty) return false;
      if (s.value != kErased && s.tag == tag && eq(s.value)) {
        s.value = kErased;
        --live_;
        ++erased_;
        return true;
      }
    }
  }

  // Room for n values without a rebuild.
  template <typename HashOf>
  void reserve(size_t n, HashOf hash_of) {
    if ((n + erased_) * 2 > slots_.size()) rebuild(n, hash_of);
  }

  void clear() {
    slots_.clear();
    mask_ = 0;
    live_ = erased_ = 0;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr uint32_t kErased = UINT32_MAX - 1;
  struct Slot {
    uint32_t tag = 0;  // the hash's high half: most mismatches never touch the entry
    uint32_t value = kEmpty;
  };
  static uint32_t tag_of(uint64_t h) { return uint32_t(h >> 32); }

  void place(uint64_t h, uint32_t value) {
    size_t i = size_t(h) & mask_;
    while (slots_[i].value != kEmpty && slots_[i].value != kErased) i = (i + 1) & mask_;
    if (slots_[i].value == kErased) --erased_;
    slots_[i] = {tag_of(h), value};
    ++live_;
  }

  // A table of at least 2x n slots (a power of two: at most half full after n inserts, so
  // probes stay short), every live value placed again. Not larger: a lookup that misses costs
  // one slot read, and a smaller table stays in cache.
  template <typename HashOf>
  void rebuild(size_t n, HashOf hash_of) {
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    std::vector<Slot> old(cap);
    old.swap(slots_);
    mask_ = cap - 1;
    live_ = erased_ = 0;
    for (const Slot& s : old) {
      if (s.value != kEmpty && s.value != kErased) place(hash_of(s.value), s.value);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t live_ = 0, erased_ = 0;
};

}  // namespace glyphstream::atlas
