// Shelves indexed by exact height, with a bitmap of non-empty heights: "the lowest shelf of a
// height in [lo, hi] with a free span of at least w" costs a few bit scans and bucket probes.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace glyphstream::atlas {

class HeightBuckets {
 public:
  struct Entry {
    int max_free = 0;
    uint32_t shelf = 0;
  };
  struct Bucket {
    std::vector<Entry> entries;
    int max_hint = 0;  // upper bound of entries' max_free; exact after a failed scan
  };

  explicit HeightBuckets(int max_height = 0);

  // Lists the shelf (of height h) with its widest free span, or takes it out of the index.
  void update(uint32_t shelf, int h, int max_free, bool listed);
  // The first listed shelf with a height in [lo, hi] and max_free >= w, smallest height first;
  // UINT32_MAX if none. Tightens the hints of the buckets it scanned in vain.
  uint32_t find(int lo, int hi, int w);

  int32_t position(uint32_t shelf) const {
    return shelf < pos_.size() ? pos_[shelf] : -1;  // -1: not listed
  }
  int max_height() const { return int(buckets_.size()) - 1; }
  const Bucket& bucket(int h) const { return buckets_[size_t(h)]; }
  bool bit(int h) const { return (bitmap_[size_t(h) / 64] >> (h % 64)) & 1; }

 private:
  std::vector<Bucket> buckets_;   // index: shelf height
  std::vector<uint64_t> bitmap_;  // bit set: bucket has entries
  std::vector<int32_t> pos_;      // per shelf: index in its bucket's entries, -1 if not listed
};

inline HeightBuckets::HeightBuckets(int max_height)
    : buckets_(size_t(max_height) + 1), bitmap_(buckets_.size() / 64 + 1) {}

inline void HeightBuckets::update(uint32_t shelf, int h, int max_free, bool listed) {
  if (shelf >= pos_.size()) pos_.resize(size_t(shelf) + 64, -1);
  Bucket& b = buckets_[size_t(h)];
  int32_t& pos = pos_[shelf];
  if (listed && pos < 0) {
    pos = int32_t(b.entries.size());
    b.entries.push_back({max_free, shelf});
    bitmap_[size_t(h) / 64] |= uint64_t(1) << (h % 64);
  } else if (!listed && pos >= 0) {
    const size_t at = size_t(pos);
    b.entries[at] = b.entries.back();
    pos_[b.entries[at].shelf] = int32_t(at);
    b.entries.pop_back();
    pos_[shelf] = -1;
    if (b.entries.empty()) {
      bitmap_[size_t(h) / 64] &= ~(uint64_t(1) << (h % 64));
      b.max_hint = 0;
    }
    return;
  } else if (listed) {
    b.entries[size_t(pos)].max_free = max_free;
  } else {
    return;
  }
  b.max_hint = std::max(b.max_hint, max_free);
}

inline uint32_t HeightBuckets::find(int lo, int hi, int w) {
  hi = std::min(hi, int(buckets_.size()) - 1);
  if (lo > hi) return UINT32_MAX;
  size_t word = size_t(lo) / 64;
  uint64_t bits = bitmap_[word] & (~uint64_t(0) << (lo % 64));
  for (;;) {
    while (bits != 0) {
      const int h = int(word * 64) + std::countr_zero(bits);
      if (h > hi) return UINT32_MAX;
      bits &= bits - 1;
      Bucket& b = buckets_[size_t(h)];
      if (b.max_hint < w) continue;
      int seen = 0;
      for (const Entry& e : b.entries) {
        if (e.max_free >= w) return e.shelf;
        seen = std::max(seen, e.max_free);
      }
      b.max_hint = seen;
    }
    if (++word >= bitmap_.size() || int(word * 64) > hi) return UINT32_MAX;
    bits = bitmap_[word];
  }
}

}  // namespace glyphstream::atlas
