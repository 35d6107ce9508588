// Shelves indexed by exact height, with a bitmap of non-empty heights: "the lowest shelf of a
// height in [lo, hi] with a free span of at least w" costs a few bit scans and bucket probes.
#pragma once

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

}  // namespace glyphstream::atlas
