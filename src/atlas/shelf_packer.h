// The shelf packer: where rectangles go, nothing else (no pixels, frames or memory budget), so
// that it can be tested, fuzzed and benchmarked alone, as etagere's allocator is. "Full" is a
// normal result. All sizes here are the caller's (the atlas's: the glyphs' own boxes).
//
// A page is split into columns (kColumnWidth wide when the width divides evenly, else one); each
// column keeps its free vertical space as bands. A shelf is a horizontal band of one height,
// one column wide (several for wider rectangles), holding rectangles side by side in free x
// spans. Placement for a w x h rectangle:
//   1. best fit: an existing shelf whose height exceeds h by at most a small slack;
//   2. a new shelf, exactly h tall (or the whole band, rather than leave a sliver), in free
//      vertical space below the page's current height;
//   3. any taller shelf with room (ignoring the slack): space is only refused when none is left;
//   4. joined tails: the free right ends of vertically adjacent shelves cut into one new shelf;
//   5. (allocate() only) growth of a page's height by doubling, up to the maximum height.
// Shelves sit in buckets by exact height with a bitmap of non-empty buckets, so a search costs a
// few bucket probes, never a scan of all rectangles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "atlas/chunked_vector.h"
#include "atlas/height_buckets.h"
#include "glyphstream/types.h"

namespace glyphstream::atlas {

inline constexpr uint32_t kNoId = UINT32_MAX;

// Shelves span one column of this width (or several, for wider glyphs), not the whole page:
// each rare glyph height then leaves a short open shelf instead of a page-wide one, and a page
// has 4x the shelf rows. Measured on the packing workload (1024^2 page, real glyph boxes):
// page-wide shelves reach 86% on mixed scripts, 256-px columns 92%+, on every glyph set.
inline constexpr int kColumnWidth = 256;

struct PackerConfig {
  int page_width = 1024;
  int page_max_height = 1024;
  // The narrowest rectangle callers ask for: shelves with less free width leave the index.
  int min_width = 1;
};

struct Placement {
  uint32_t slot = kNoId;  // the rectangle's id until it is freed
  uint32_t generation = 0;
  uint32_t page = 0;
  uint32_t shelf = kNoId;
  int x = 0, y = 0, w = 0, h = 0;
};

enum class PackStatus : uint8_t { kOk = 0, kFull, kTooLarge };

struct PackResult {
  PackStatus status = PackStatus::kFull;
  Placement placement;
};

// A freed rectangle whose space stays taken until free_held(): for a caller whose readers may
// still see the old contents (the atlas's frames in flight). Stale once its shelf is reclaimed.
struct HeldSpan {
  uint32_t shelf = 0;
  uint32_t epoch = 0;
  int x = 0;
  int w = 0;
};

// Told about shelf life events, for state kept per shelf outside the packer.
class ShelfObserver {
 public:
  virtual ~ShelfObserver() = default;
  virtual void shelf_emptied(uint32_t shelf) = 0;          // no live or held rectangles left
  virtual void shelf_closed(uint32_t shelf) = 0;           // reclaimed: the id may be reused
  virtual void shelf_cut(uint32_t shelf, int new_x1) = 0;  // its right end went to a new shelf
};

class ShelfPacker {
 public:
  struct Span {
    int x = 0;
    int w = 0;
  };
  struct Band {
    int y = 0;
    int h = 0;
  };
  struct Shelf {
    uint32_t page = 0;
    int x0 = 0, x1 = 0;  // on column edges, except shelves made of joined tails
    int y = 0;
    int h = 0;
    std::vector<Span> free;  // free x spans, sorted, never adjacent
    int max_free = 0;        // widest free span
    uint32_t live = 0;
    uint32_t held = 0;  // HeldSpans not yet freed
    size_t live_area = 0;
    uint32_t first_slot = kNoId;  // intrusive list of live rectangles
    int32_t bucket_pos = -1;      // position in its height bucket, -1 if not listed
    uint32_t epoch = 0;           // bumps when the shelf empties or is reclaimed
    bool alive = false;
  };
  struct Slot {
    uint32_t shelf = kNoId;
    int x = 0;  // the rectangle: x, w, h; y is the shelf's
    int w = 0;
    int h = 0;
    uint32_t prev = kNoId;  // within the shelf
    uint32_t next = kNoId;
    uint32_t generation = 1;  // bumps when freed
    uint32_t next_free = kNoId;
    bool live = false;
  };
  // Shelves whose right side is a column edge, sorted by (edge, y): the tail join scans this
  // flat array only, a few microseconds even with cold caches.
  struct EdgeEntry {
    int edge, y, h;
    uint32_t shelf;
    bool operator<(const EdgeEntry& o) const { return edge != o.edge ? edge < o.edge : y < o.y; }
  };
  struct Page {
    PixelFormat format = PixelFormat::kCoverage8;
    int height = 0;
    size_t used_area = 0;
    uint32_t shelves = 0;
    uint32_t held = 0;
    // The tail join failed for a rectangle this large since space last grew: skip the search.
    int join_fail_w = INT32_MAX;
    int join_fail_h = INT32_MAX;
    std::vector<std::vector<Band>> cols;  // per column: free space over [0, max height)
    std::vector<EdgeEntry> edges;
  };
  // Where growing a page makes room: a new shelf over `columns` columns from (column, y), the
  // page `height` tall.
  struct Growth {
    uint32_t page = 0;
    int column = 0;
    int columns = 1;
    int y = 0;
    int height = 0;
  };

  explicit ShelfPacker(const PackerConfig& config);
  void set_observer(ShelfObserver* observer) { observer_ = observer; }

  // ---- the small API: pages of one size, "full" when nothing fits --------------------------
  uint32_t add_page(PixelFormat format, int height);
  PackResult allocate(PixelFormat format, int w, int h);  // steps 1-5 over every page
  void free(uint32_t slot);  // the space is reusable at once; an emptied shelf is reclaimed

  // ---- steps, for a caller that rations page memory ----------------------------------------
  uint32_t find_space(PixelFormat format, int w, int h);  // steps 1-4: a shelf, or kNoId
  std::optional<Growth> growth_for(uint32_t page, PixelFormat format, int w, int h) const;
  uint32_t grow(const Growth& growth, int h);  // the page takes growth.height, a shelf opens
  uint32_t open_first_shelf(uint32_t page, int w, int h);  // on a fresh page
  Placement place(uint32_t shelf, int w, int h);
  HeldSpan hold(uint32_t slot);  // frees the slot, keeps its span taken
  void free_held(const HeldSpan& span);
  // Frees every rectangle of a shelf (each slot is handed to `each` first) and its held spans.
  template <typename F>
  void empty_shelf(uint32_t shelf, F&& each) {
    while (shelves_[shelf].first_slot != kNoId) {
      const uint32_t slot = shelves_[shelf].first_slot;
      each(slot);
      unlink_slot(slot);
    }
    drop_held(shelf);
  }
  // Forgets every shelf of an empty page (no live or held rectangles) and starts it afresh.
  void reset_page(uint32_t page, PixelFormat format, int height);
  // Bookkeeping for `rectangles` more, allocated now so that later calls allocate nothing.
  void reserve(size_t rectangles);

  // ---- reading --------------------------------------------------------------------------------
  const PackerConfig& config() const { return config_; }
  int column_width() const { return col_w_; }
  int columns() const { return ncols_; }
  size_t page_count() const { return pages_.size(); }
  const Page& page(size_t i) const { return pages_[i]; }
  size_t shelf_count() const { return shelves_.size(); }
  const Shelf& shelf(size_t i) const { return shelves_[i]; }
  size_t slot_count() const { return slots_.size(); }
  const Slot& slot(size_t i) const { return slots_[i]; }
  // The live slot with this id and generation, or nullptr.
  const Slot* live_slot(uint32_t slot, uint32_t generation) const;
  const HeightBuckets& buckets(PixelFormat format) const { return buckets_[format_index(format)]; }
  size_t used_area() const { return used_area_; }
  size_t live_count() const { return live_count_; }
  bool on_column_edges(const Shelf& sh) const { return sh.x0 % col_w_ == 0 && sh.x1 % col_w_ == 0; }
  static int format_index(PixelFormat f) { return int(f); }

  // The first broken invariant (rectangles overlap, space lost, stale indexes), or "". `held`:
  // every HeldSpan not yet given to free_held() (stale ones are ignored).
  std::string check(const std::vector<HeldSpan>& held = {}) const;

 private:
  uint32_t find_room(PixelFormat format, int w, int h);
  uint32_t join_tails(PixelFormat format, int w, int h);
  uint32_t new_shelf(uint32_t page, int c0, int k, int y, int h);
  uint32_t make_shelf(uint32_t page, int x0, int x1, int y, int h);
  void shelf_emptied(uint32_t s);
  void reclaim_shelf(uint32_t s, bool give_band);
  void span_free(uint32_t s, int x, int w);
  void unlink_slot(uint32_t slot);
  void drop_held(uint32_t s);
  void bucket_update(uint32_t s);
  void cut_shelf(Page& p, uint32_t s, int x1);
  bool find_band(const Page& p, int c0, int k, int h, int* best_y, int* best_len) const;
  int columns_for(int w) const { return (w + col_w_ - 1) / col_w_; }

  PackerConfig config_;
  int col_w_ = 0;
  int ncols_ = 1;
  ShelfObserver* observer_ = nullptr;
  std::vector<Page> pages_;
  ChunkedVector<Shelf, 32> shelves_;  // small chunks: growth faults in few pages
  std::vector<uint32_t> free_shelves_;
  ChunkedVector<Slot, 64> slots_;  // 64 slots: a chunk costs ~2 page faults, well under 5 us
  std::vector<int> tails_;         // per shelf: x where its free tail starts (x1 if none)
  uint32_t free_slot_ = kNoId;
  HeightBuckets buckets_[kPixelFormatCount];
  size_t used_area_ = 0;
  size_t live_count_ = 0;
};

}  // namespace glyphstream::atlas
