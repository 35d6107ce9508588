// Dirty-rectangle tracking: one bounding box per shelf written since the page's rects were last
// taken, coalesced into few copy rectangles on the way out (a copy command costs far more in
// the driver than a few extra bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "atlas/chunked_vector.h"
#include "glyphstream/types.h"

namespace glyphstream::atlas {

// Dirty rects of a page after coalescing; past this, the cheapest neighbours are merged.
inline constexpr size_t kMaxDirtyRectsPerPage = 8;
// Merging two vertically adjacent dirty rects is worth one copy command if the merged rect is at
// most this much larger than the two.
inline constexpr double kDirtyMergeSlack = 1.25;

// Sorted by y, rects of different shelves never overlap. Vertically adjacent ones merge when the
// union wastes little; then, past kMaxDirtyRectsPerPage, the neighbours whose union adds the
// fewest pixels merge until few remain.
std::vector<Rect> coalesce_dirty_rects(std::vector<Rect> rects);

struct DirtyBox {
  bool dirty = false;
  uint32_t page = 0;
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // page coordinates
};

class DirtyTracker {
 public:
  using Box = DirtyBox;

  void add_page() { pages_.emplace_back(); }
  // Grows the shelf's box by the rect [x0, x1) x [y0, y1) of a page.
  void mark(uint32_t page, uint32_t shelf, int x0, int y0, int x1, int y1);
  // Forgets a shelf's box (its pixels are dead). O(dirty shelves of the page): few.
  void drop(uint32_t shelf);
  // The shelf now ends at x1: pixels right of it are dead.
  void clip(uint32_t shelf, int x1);
  // Forgets every box of a page (its storage was replaced).
  void clear_page(uint32_t page);
  // The coalesced rects of a page, covering every box; the page is clean afterwards.
  std::vector<Rect> take(uint32_t page);

  bool any() const { return dirty_shelves_ > 0; }
  size_t dirty_shelves() const { return dirty_shelves_; }
  const Box& box(uint32_t shelf) const { return shelf < boxes_.size() ? boxes_[shelf] : kClean; }
  const std::vector<uint32_t>& shelves_of(uint32_t page) const { return pages_[page]; }
  void reserve(size_t shelves) { boxes_.reserve(shelves); }

 private:
  static inline const Box kClean{};
  ChunkedVector<Box, 256> boxes_;             // by shelf id
  std::vector<std::vector<uint32_t>> pages_;  // per page: dirty shelves, in order of marking
  size_t dirty_shelves_ = 0;
};

}  // namespace glyphstream::atlas
