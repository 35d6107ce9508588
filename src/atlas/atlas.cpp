// The atlas: shelves in pages, one shelf = a horizontal band of one height holding glyphs side by
// side. Placement order for a w x h glyph (padded to (w+2) x (h+2) by the 1-px gutter):
//   1. best fit: an existing shelf whose height exceeds the glyph's by at most a small slack;
//   2. a new shelf, exactly as tall as the glyph, in free vertical space of a page;
//   3. any taller shelf with room (ignoring the slack): space is only refused when none is left;
//   4. growth of a page (height doubles), then a new page, within the memory budget;
//   5. LRU eviction of whole shelves that no frame in flight may sample, rate-limited per frame.
// Shelves sit in buckets by exact height with a bitmap of non-empty buckets, so a search costs a
// few bucket probes, never a scan of all allocations.
#include "atlas/atlas.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>

namespace glyphstream::atlas {
namespace {

constexpr int kGutter = 1;  // on every side: bilinear sampling never reads a neighbour
constexpr uint32_t kNone = UINT32_MAX;
// A shelf whose largest free span is narrower than this cannot take even a 1-px glyph.
constexpr int kMinSpan = 1 + 2 * kGutter;
// Dirty rects of a page after coalescing; past this, the cheapest neighbours are merged.
constexpr size_t kMaxDirtyRectsPerPage = 8;
// Merging two vertically adjacent dirty rects is worth one copy command if the merged rect is at
// most this much larger than the two (a copy command costs far more than a few extra bytes).
constexpr double kDirtyMergeSlack = 1.25;

// Shelves span one column of this width (or several, for wider glyphs), not the whole page:
// each rare glyph height then leaves a short open shelf instead of a page-wide one, and a page
// has 4x the shelf rows. Measured on the packing workload (1024^2 page, real glyph boxes):
// page-wide shelves reach 86% on mixed scripts, 256-px columns 92%+, on every glyph set.
constexpr int kColumnWidth = 256;

// Defaults. A 1024-wide R8 page is 1 MiB at full height and holds ~4,000 padded 16-px Latin
// glyphs (14 x 18 px) or ~1,000 32-px CJK glyphs (34 x 34 px); every GPU since GL 3 allows
// 1024^2 textures and far more. Pages start at 256 rows (256 KiB) so that small apps pay little,
// and double up to square. 32 MiB holds 32 full R8 pages (~100k small glyphs) or 8 RGBA pages:
// ample for a UI, small next to GPU memory; a quarter of it may be evicted per frame so that a
// zoom burst recycles space within a few frames without rewriting everything at once.
constexpr int kDefaultPageWidth = 1024;
constexpr int kDefaultInitialHeight = 256;
constexpr size_t kDefaultBudget = size_t(32) << 20;

// How much taller than the glyph a shelf may be in the best-fit pass: about 1/8 of the height
// (1 px for small glyphs). Tighter wastes shelf tails, looser wastes shelf height.
int best_fit_slack(int padded_h) { return std::max(1, padded_h / 8); }

// A vector that grows by whole chunks: elements never move, so growth costs one chunk
// allocation instead of copying every element (which broke the 5 us worst case at ~1k slots),
// and references stay valid.
template <typename T, size_t kChunk = 1024>
class ChunkedVector {
 public:
  size_t size() const { return size_; }
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  T& emplace_back() {
    if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[size_++];
  }
  T& back() { return (*this)[size_ - 1]; }
  // Allocates (and touches) chunks ahead for `n` elements, so that later emplace_back() calls
  // up to n allocate nothing: growth costs land where the caller chooses (a page opening).
  void reserve(size_t n) {
    while (chunks_.size() * kChunk < n) chunks_.push_back(std::make_unique<T[]>(kChunk));
  }

  template <typename V, typename C>
  struct Iter {
    C* c;
    size_t i;
    V& operator*() const { return (*c)[i]; }
    Iter& operator++() { return ++i, *this; }
    bool operator!=(const Iter& o) const { return i != o.i; }
  };
  Iter<const T, const ChunkedVector> begin() const { return {this, 0}; }
  Iter<const T, const ChunkedVector> end() const { return {this, size_}; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

struct Span {
  int x = 0;
  int w = 0;
};

struct Shelf {
  uint32_t page = 0;
  int x0 = 0;  // shelves span the page width, except those made by merge_tails
  int x1 = 0;
  int y = 0;
  int h = 0;                     // padded height of the band
  std::vector<Span> free;        // free x spans, sorted, never adjacent
  int max_free = 0;              // widest free span
  uint32_t live = 0;             // live allocations
  uint32_t pending = 0;          // released spans waiting for their frame to complete
  size_t live_area = 0;          // padded pixels of live allocations
  uint32_t first_alloc = kNone;  // intrusive list of live allocations (eviction walks it)
  uint64_t newest_frame = 0;     // newest frame tag of anything ever placed or touched here
  uint32_t lru_prev = kNone;
  uint32_t lru_next = kNone;
  int32_t bucket_pos = -1;  // position in its height bucket, -1 if not listed
  uint32_t epoch = 0;       // bumps when the shelf is reclaimed (invalidates pending frees)
  bool alive = false;
  bool in_lru = false;  // empty narrow shelves leave the LRU list: nothing to evict
  bool dirty = false;
  int dx0 = 0, dy0 = 0, dx1 = 0, dy1 = 0;  // dirty bounding box (page coordinates)
};

struct Band {
  int y = 0;
  int h = 0;
};

std::atomic<size_t> g_fail_page_alloc_at_least{0};  // set_page_allocation_failure_for_testing

// A page's pixels: zeroed memory reserved once at the page's largest size (calloc: fresh
// memory the kernel hands out already zero, so nothing is cleared or copied when the page
// opens or grows; untouched rows cost no physical memory). size() is the current height's bytes.
class PageBuffer {
 public:
  PageBuffer() = default;
  PageBuffer(PageBuffer&& o) noexcept { swap(o); }
  PageBuffer& operator=(PageBuffer&& o) noexcept {
    PageBuffer tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  ~PageBuffer() { std::free(data_); }
  // Reserves `capacity` zero bytes and exposes the first `size`; throws bad_alloc like a vector.
  void reset(size_t size, size_t capacity) {
    const size_t fail_at = g_fail_page_alloc_at_least.load(std::memory_order_relaxed);
    if (fail_at != 0 && capacity >= fail_at) throw std::bad_alloc();
    uint8_t* fresh = static_cast<uint8_t*>(std::calloc(capacity, 1));
    if (!fresh) throw std::bad_alloc();
    std::free(data_);
    data_ = fresh;
    size_ = size;
    capacity_ = capacity;
  }
  // Grows within the reservation: the new bytes are already zero.
  void grow(size_t size) {
    if (size > capacity_) throw std::bad_alloc();  // callers grow within the page's maximum
    size_ = std::max(size_, size);
  }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  uint8_t& operator[](size_t i) { return data_[i]; }
  const uint8_t& operator[](size_t i) const { return data_[i]; }

 private:
  void swap(PageBuffer& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }
  uint8_t* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

struct Page {
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;
  uint32_t generation = 0;
  size_t used_area = 0;
  uint32_t shelves = 0;
  uint32_t pending = 0;  // released spans not yet reusable
  // merge_tails() failed for a glyph this large since space last grew: skip the same search.
  int merge_fail_pw = INT32_MAX;
  int merge_fail_ph = INT32_MAX;
  PageBuffer pixels;
  // Per column: free vertical space over [0, max_height), sorted, never adjacent.
  std::vector<std::vector<Band>> cols;
  std::vector<uint32_t> dirty_shelves;
  // Shelves whose right side is a column edge, sorted by (edge, y): merge_tails scans this flat
  // array (and the flat tails array) only, a few microseconds even with cold caches. Entries
  // come and go with shelves (rare), by binary search.
  struct EdgeEntry {
    int edge, y, h;
    uint32_t shelf;
    bool operator<(const EdgeEntry& o) const { return edge != o.edge ? edge < o.edge : y < o.y; }
  };
  std::vector<EdgeEntry> edge_list;
};

struct Slot {
  Allocation alloc;
  uint32_t shelf = kNone;
  int px = 0;  // padded rect x in the page; y is the shelf's
  int pw = 0;
  int ph = 0;
  uint32_t prev = kNone;  // within the shelf
  uint32_t next = kNone;
  uint64_t tag = 0;  // newest frame that used it
  bool live = false;
  uint32_t next_free = kNone;
};

struct Pending {
  uint32_t shelf = 0;
  uint32_t epoch = 0;
  int x = 0;
  int w = 0;
  uint64_t frame = 0;  // reusable once this frame has completed and is not current
};

struct BucketEntry {
  int max_free = 0;
  uint32_t shelf = 0;
};

struct Bucket {
  std::vector<BucketEntry> entries;
  int max_hint = 0;  // upper bound of entries' max_free; exact after a failed scan
};

struct FormatState {
  std::vector<Bucket> buckets;   // index: padded shelf height
  std::vector<uint64_t> bitmap;  // bit set: bucket has entries
  uint32_t lru_head = kNone;     // oldest newest_frame first
  uint32_t lru_tail = kNone;
};

AtlasConfig with_defaults(AtlasConfig c) {
  if (c.page_width <= 0) c.page_width = kDefaultPageWidth;
  c.page_width = std::clamp(c.page_width, 8, 16384);
  if (c.page_max_height <= 0) c.page_max_height = c.page_width;
  c.page_max_height = std::clamp(c.page_max_height, 8, 16384);
  if (c.page_initial_height <= 0)
    c.page_initial_height = std::min(kDefaultInitialHeight, c.page_max_height);
  c.page_initial_height = std::clamp(c.page_initial_height, 1, c.page_max_height);
  if (c.memory_budget_bytes == 0) c.memory_budget_bytes = kDefaultBudget;
  if (c.max_evicted_bytes_per_frame == 0) c.max_evicted_bytes_per_frame = c.memory_budget_bytes / 4;
  return c;
}

Status violation(const std::string& what) { return {ErrorCode::kInternal, "atlas: " + what}; }

}  // namespace

struct Atlas::Impl {
  AtlasConfig config;
  std::vector<Page> pages;
  ChunkedVector<Shelf, 32> shelves;  // small chunks: growth faults in few pages
  std::vector<uint32_t> free_shelves;
  ChunkedVector<Slot, 64> slots;
  std::vector<int> tails;  // per shelf: x where its free tail starts (x1 if none)  // 64 slots: a
                           // chunk costs ~2 page faults, well under 5 us
  uint32_t free_slot = kNone;
  std::vector<Pending> pending;  // FIFO by frame (frames only increase)
  size_t pending_head = 0;
  FormatState formats[kPixelFormatCount];
  std::vector<AllocHandle> evicted;
  AtlasCounters counters;
  uint64_t current = 0;
  uint64_t completed = 0;
  bool any_completed = false;
  bool began = false;
  int col_w = 0;  // pages are split into columns of this width (see kColumnWidth)
  int ncols = 1;
  size_t evicted_bytes_frame = 0;
  bool limit_lifted = false;  // lift_eviction_limit() until the next begin_frame()
  size_t dirty_shelves = 0;

  explicit Impl(const AtlasConfig& c) : config(with_defaults(c)) {
    ncols = config.page_width % kColumnWidth == 0 ? config.page_width / kColumnWidth : 1;
    col_w = config.page_width / ncols;
    for (FormatState& f : formats) {
      f.buckets.resize(size_t(config.page_max_height) + 1);
      f.bitmap.resize(f.buckets.size() / 64 + 1);
    }
  }

  static int fmt_index(PixelFormat f) { return f == PixelFormat::kCoverage8 ? 0 : 1; }

  bool frame_safe(uint64_t tag) const {
    return any_completed && tag <= completed && tag != current;
  }

  // ---- buckets -------------------------------------------------------------------------------

  void bucket_update(uint32_t s) {
    Shelf& sh = shelves[s];
    if (s >= tails.size()) tails.resize(size_t(s) + 64, 0);
    tails[s] = tail_start(sh);
    FormatState& fs = formats[fmt_index(pages[sh.page].format)];
    Bucket& b = fs.buckets[size_t(sh.h)];
    const bool want = sh.alive && sh.max_free >= kMinSpan;
    if (want && sh.bucket_pos < 0) {
      sh.bucket_pos = int32_t(b.entries.size());
      b.entries.push_back({sh.max_free, s});
      fs.bitmap[size_t(sh.h) / 64] |= uint64_t(1) << (sh.h % 64);
    } else if (!want && sh.bucket_pos >= 0) {
      const size_t pos = size_t(sh.bucket_pos);
      b.entries[pos] = b.entries.back();
      shelves[b.entries[pos].shelf].bucket_pos = int32_t(pos);
      b.entries.pop_back();
      sh.bucket_pos = -1;
      if (b.entries.empty()) {
        fs.bitmap[size_t(sh.h) / 64] &= ~(uint64_t(1) << (sh.h % 64));
        b.max_hint = 0;
      }
      return;
    } else if (want) {
      b.entries[size_t(sh.bucket_pos)].max_free = sh.max_free;
    } else {
      return;
    }
    b.max_hint = std::max(b.max_hint, sh.max_free);
  }

  // First shelf in bucket heights [lo, hi] with a free span >= pw, smallest height first.
  uint32_t find_shelf(FormatState& fs, int lo, int hi, int pw) {
    hi = std::min(hi, int(fs.buckets.size()) - 1);
    if (lo > hi) return kNone;
    size_t word = size_t(lo) / 64;
    uint64_t bits = fs.bitmap[word] & (~uint64_t(0) << (lo % 64));
    for (;;) {
      while (bits != 0) {
        const int h = int(word * 64) + std::countr_zero(bits);
        if (h > hi) return kNone;
        bits &= bits - 1;
        Bucket& b = fs.buckets[size_t(h)];
        if (b.max_hint < pw) continue;
        int seen = 0;
        for (const BucketEntry& e : b.entries) {
          if (e.max_free >= pw) return e.shelf;
          seen = std::max(seen, e.max_free);
        }
        b.max_hint = seen;
      }
      if (++word >= fs.bitmap.size() || int(word * 64) > hi) return kNone;
      bits = fs.bitmap[word];
    }
  }

  // ---- LRU -----------------------------------------------------------------------------------

  void lru_unlink(uint32_t s) {
    Shelf& sh = shelves[s];
    if (!sh.in_lru) return;
    sh.in_lru = false;
    FormatState& fs = formats[fmt_index(pages[sh.page].format)];
    (sh.lru_prev == kNone ? fs.lru_head : shelves[sh.lru_prev].lru_next) = sh.lru_next;
    (sh.lru_next == kNone ? fs.lru_tail : shelves[sh.lru_next].lru_prev) = sh.lru_prev;
    sh.lru_prev = sh.lru_next = kNone;
  }

  void lru_push_back(uint32_t s) {
    Shelf& sh = shelves[s];
    sh.in_lru = true;
    FormatState& fs = formats[fmt_index(pages[sh.page].format)];
    sh.lru_prev = fs.lru_tail;
    sh.lru_next = kNone;
    (fs.lru_tail == kNone ? fs.lru_head : shelves[fs.lru_tail].lru_next) = s;
    fs.lru_tail = s;
  }

  // Tags with the current frame; the LRU list stays sorted by newest_frame.
  void shelf_use(uint32_t s) {
    Shelf& sh = shelves[s];
    sh.newest_frame = current;
    FormatState& fs = formats[fmt_index(pages[sh.page].format)];
    if (fs.lru_tail != s || !sh.in_lru) {
      lru_unlink(s);
      lru_push_back(s);
    }
  }

  // ---- bands and shelves ---------------------------------------------------------------------

  static void band_insert(std::vector<Band>& bands, int y, int h) {
    auto it = std::lower_bound(bands.begin(), bands.end(), y,
                               [](const Band& b, int v) { return b.y < v; });
    it = bands.insert(it, Band{y, h});
    if (it + 1 != bands.end() && it->y + it->h == (it + 1)->y) {
      it->h += (it + 1)->h;
      bands.erase(it + 1);
    }
    if (it != bands.begin() && (it - 1)->y + (it - 1)->h == it->y) {
      (it - 1)->h += it->h;
      bands.erase(it);
    }
  }

  // Takes [y, y + h) out of the free band of a column that contains it.
  static void band_carve(std::vector<Band>& bands, int y, int h) {
    auto it = std::upper_bound(bands.begin(), bands.end(), y,
                               [](int v, const Band& b) { return v < b.y; }) -
              1;
    const Band b = *it;
    const int below = y - b.y, above = b.y + b.h - (y + h);
    if (below > 0 && above > 0) {
      it->h = below;
      bands.insert(it + 1, Band{y + h, above});
    } else if (below > 0) {
      it->h = below;
    } else if (above > 0) {
      *it = Band{y + h, above};
    } else {
      bands.erase(it);
    }
  }

  int columns_for(int pw) const { return (pw + col_w - 1) / col_w; }

  // The lowest-waste free y range of k adjacent columns starting at c0, below `limit`: the free
  // bands of those columns are intersected (k is 1 except for glyphs wider than a column).
  bool find_band(const Page& p, int c0, int k, int ph, int limit, int* best_y,
                 int* best_len) const {
    bool found = false;
    auto consider = [&](int y, int end) {
      const int len = std::min(end, limit) - y;
      if (len >= ph && len < *best_len) *best_len = len, *best_y = y, found = true;
    };
    if (k == 1) {
      for (const Band& b : p.cols[size_t(c0)]) consider(b.y, b.y + b.h);
      return found;
    }
    std::vector<Band> cur = p.cols[size_t(c0)], next;
    for (int c = c0 + 1; c < c0 + k; ++c) {
      next.clear();
      const std::vector<Band>& other = p.cols[size_t(c)];
      size_t i = 0, j = 0;
      while (i < cur.size() && j < other.size()) {
        const int y0 = std::max(cur[i].y, other[j].y);
        const int y1 = std::min(cur[i].y + cur[i].h, other[j].y + other[j].h);
        if (y1 > y0) next.push_back(Band{y0, y1 - y0});
        (cur[i].y + cur[i].h < other[j].y + other[j].h) ? ++i : ++j;
      }
      cur.swap(next);
    }
    for (const Band& b : cur) consider(b.y, b.y + b.h);
    return found;
  }

  uint32_t new_shelf(uint32_t page, int c0, int k, int y, int h) {
    Page& p = pages[page];
    for (int c = c0; c < c0 + k; ++c) band_carve(p.cols[size_t(c)], y, h);
    return make_shelf(page, c0 * col_w, (c0 + k) * col_w, y, h);
  }

  uint32_t make_shelf(uint32_t page, int x0, int x1, int y, int h) {
    Page& p = pages[page];
    uint32_t s;
    if (!free_shelves.empty()) {
      s = free_shelves.back();
      free_shelves.pop_back();
    } else {
      s = uint32_t(shelves.size());
      shelves.emplace_back();
    }
    Shelf& sh = shelves[s];
    const uint32_t epoch = sh.epoch;
    std::vector<Span> spans = std::move(sh.free);
    sh = Shelf{};
    sh.epoch = epoch;
    sh.free = std::move(spans);
    sh.free.assign(1, Span{x0, x1 - x0});
    sh.max_free = x1 - x0;
    sh.page = page;
    sh.x0 = x0;
    sh.x1 = x1;
    sh.y = y;
    sh.h = h;
    sh.alive = true;
    sh.newest_frame = current;
    ++p.shelves;
    if (x1 % col_w == 0) edge_insert(p, {x1, y, h, s});
    space_grew(p);
    lru_push_back(s);
    bucket_update(s);
    return s;
  }

  bool on_column_edges(const Shelf& sh) const { return sh.x0 % col_w == 0 && sh.x1 % col_w == 0; }

  static void edge_insert(Page& p, const Page::EdgeEntry& e) {
    p.edge_list.insert(std::lower_bound(p.edge_list.begin(), p.edge_list.end(), e), e);
  }
  static void edge_erase(Page& p, const Page::EdgeEntry& e) {
    auto it = std::lower_bound(p.edge_list.begin(), p.edge_list.end(), e);
    if (it != p.edge_list.end() && it->shelf == e.shelf) p.edge_list.erase(it);
  }

  static void space_grew(Page& p) { p.merge_fail_pw = p.merge_fail_ph = INT32_MAX; }

  // An empty shelf: a full-width one gives its band back to the page (reusable by shelves of any
  // height); a narrower one (from merge_tails) stays as an empty shelf, out of the LRU list.
  void shelf_emptied(uint32_t s) {
    Shelf& sh = shelves[s];
    space_grew(pages[sh.page]);
    if (on_column_edges(sh)) {
      reclaim_shelf(s);
      return;
    }
    sh.free.assign(1, Span{sh.x0, sh.x1 - sh.x0});
    sh.max_free = sh.x1 - sh.x0;
    sh.pending = 0;
    ++sh.epoch;
    lru_unlink(s);
    bucket_update(s);
  }

  // Forgets a shelf's dirty rect (its pixels are dead). O(dirty shelves of the page): few.
  void drop_dirty(uint32_t s) {
    Shelf& sh = shelves[s];
    if (!sh.dirty) return;
    std::vector<uint32_t>& list = pages[sh.page].dirty_shelves;
    list.erase(std::find(list.begin(), list.end(), s));
    sh.dirty = false;
    --dirty_shelves;
  }

  void reclaim_shelf(uint32_t s, bool give_band = true) {
    Shelf& sh = shelves[s];
    Page& p = pages[sh.page];
    sh.alive = false;
    bucket_update(s);
    lru_unlink(s);
    drop_dirty(s);
    if (give_band) {
      for (int c = sh.x0 / col_w; c < sh.x1 / col_w; ++c)
        band_insert(p.cols[size_t(c)], sh.y, sh.h);
    }
    --p.shelves;
    edge_erase(p, {sh.x1, sh.y, sh.h, s});
    ++sh.epoch;
    sh.pending = 0;
    free_shelves.push_back(s);
  }

  static void recompute_max(Shelf& sh) {
    int m = 0;
    for (const Span& sp : sh.free) m = std::max(m, sp.w);
    sh.max_free = m;
  }

  void span_free(uint32_t s, int x, int w) {
    Shelf& sh = shelves[s];
    auto it = std::lower_bound(sh.free.begin(), sh.free.end(), x,
                               [](const Span& a, int v) { return a.x < v; });
    it = sh.free.insert(it, Span{x, w});
    if (it + 1 != sh.free.end() && it->x + it->w == (it + 1)->x) {
      it->w += (it + 1)->w;
      sh.free.erase(it + 1);
    }
    if (it != sh.free.begin() && (it - 1)->x + (it - 1)->w == it->x) {
      (it - 1)->w += it->w;
      it = sh.free.erase(it) - 1;
    }
    sh.max_free = std::max(sh.max_free, it->w);
    if (sh.live == 0 && sh.pending == 0) {
      shelf_emptied(s);
    } else {
      space_grew(pages[sh.page]);
      bucket_update(s);
    }
  }

  // ---- placement -----------------------------------------------------------------------------

  AllocResult place(uint32_t s, PixelFormat format, int w, int h) {
    Shelf& sh = shelves[s];
    const int pw = w + 2 * kGutter;
    const int ph = h + 2 * kGutter;
    auto it =
        std::find_if(sh.free.begin(), sh.free.end(), [pw](const Span& sp) { return sp.w >= pw; });
    const int x = it->x;
    const bool was_max = it->w == sh.max_free;
    it->x += pw;
    it->w -= pw;
    if (it->w == 0) sh.free.erase(it);
    if (was_max) recompute_max(sh);
    bucket_update(s);

    uint32_t idx = free_slot;
    if (idx != kNone) {
      free_slot = slots[idx].next_free;
    } else {
      idx = uint32_t(slots.size());
      slots.emplace_back();
      slots.back().alloc.handle.generation = 1;
    }
    Slot& slot = slots[idx];
    slot.alloc.handle.index = idx;
    slot.alloc.page = uint16_t(sh.page);
    slot.alloc.format = format;
    slot.alloc.rect = Rect{x + kGutter, sh.y + kGutter, w, h};
    slot.shelf = s;
    slot.px = x;
    slot.pw = pw;
    slot.ph = ph;
    slot.tag = current;
    slot.live = true;
    slot.next_free = kNone;
    slot.prev = kNone;
    slot.next = sh.first_alloc;
    if (sh.first_alloc != kNone) slots[sh.first_alloc].prev = idx;
    sh.first_alloc = idx;
    ++sh.live;
    const size_t area = size_t(pw) * size_t(ph);
    sh.live_area += area;
    pages[sh.page].used_area += area;
    counters.used_area += area;
    ++counters.live_allocations;
    ++counters.allocations;
    shelf_use(s);
    return AllocResult{AllocStatus::kOk, slot.alloc};
  }

  void unlink_slot(uint32_t idx, bool count_area) {
    Slot& slot = slots[idx];
    Shelf& sh = shelves[slot.shelf];
    (slot.prev == kNone ? sh.first_alloc : slots[slot.prev].next) = slot.next;
    if (slot.next != kNone) slots[slot.next].prev = slot.prev;
    --sh.live;
    const size_t area = size_t(slot.pw) * size_t(slot.ph);
    sh.live_area -= area;
    if (count_area) {
      pages[sh.page].used_area -= area;
      counters.used_area -= area;
    }
    --counters.live_allocations;
    slot.live = false;
    ++slot.alloc.handle.generation;
    slot.next_free = free_slot;
    free_slot = idx;
  }

  // Best-fit shelf among existing ones, or a new shelf in free space of current page heights.
  uint32_t find_room(PixelFormat format, int pw, int ph, bool any_height) {
    FormatState& fs = formats[fmt_index(format)];
    const int slack = best_fit_slack(ph);
    uint32_t s = find_shelf(fs, ph, ph + slack, pw);
    if (s != kNone) return s;
    // New shelf: the smallest free band that takes it (keeps big bands for big glyphs).
    const int k = columns_for(pw);
    uint32_t best_page = kNone;
    int best_c = 0, best_y = 0, best_len = INT32_MAX;
    for (uint32_t pi = 0; pi < pages.size(); ++pi) {
      const Page& p = pages[pi];
      if (p.format != format) continue;
      for (int c = 0; c + k <= ncols; ++c) {
        if (find_band(p, c, k, ph, p.height, &best_y, &best_len)) best_page = pi, best_c = c;
      }
    }
    if (best_page != kNone) {
      // A leftover thinner than the best-fit slack would be a sliver no later shelf fits in
      // (typically the band of an evicted shelf of nearly this height): the shelf takes it.
      const int h = best_len - ph <= slack ? best_len : ph;
      return new_shelf(best_page, best_c, k, best_y, h);
    }
    if (any_height) return find_shelf(fs, ph + slack + 1, INT32_MAX, pw);
    return kNone;
  }

  static int tail_start(const Shelf& sh) {
    if (sh.free.empty()) return sh.x1;
    const Span& last = sh.free.back();
    return last.x + last.w == sh.x1 ? last.x : sh.x1;
  }

  // Last resort before growing or refusing: a glyph taller than every shelf with room, and no
  // free band left for a new shelf. The free tails of vertically adjacent shelves (all reaching
  // the right page edge) are cut at the widest tail start T and joined into one new shelf
  // [T, width) x (their heights): a page no longer refuses a rare tall glyph while short shelves
  // still have long empty tails. O(shelves of the page); a failure is remembered until space
  // grows, so a full atlas does not repeat the search for every glyph.
  uint32_t merge_tails(PixelFormat format, int pw, int ph) {
    for (uint32_t pi = 0; pi < pages.size(); ++pi) {
      Page& p = pages[pi];
      if (p.format != format || p.width < pw) continue;
      if (pw >= p.merge_fail_pw && ph >= p.merge_fail_ph) continue;
      const std::vector<Page::EdgeEntry>& column = p.edge_list;
      size_t best_a = 0, best_b = 0;
      int best_h = INT32_MAX, best_t = 0;
      for (size_t a = 0; a < column.size(); ++a) {
        int t = 0, hsum = 0;
        for (size_t b = a; b < column.size(); ++b) {
          const Page::EdgeEntry& e = column[b];
          if (b > a && (column[b - 1].edge != e.edge || column[b - 1].y + column[b - 1].h != e.y))
            break;
          t = std::max(t, tails[e.shelf]);
          if (t + pw > e.edge) break;
          hsum += e.h;
          if (hsum >= ph) {
            if (hsum < best_h || (hsum == best_h && t < best_t)) {
              best_h = hsum, best_t = t, best_a = a, best_b = b;
            }
            break;
          }
        }
      }
      if (best_h == INT32_MAX) {
        p.merge_fail_pw = pw;
        p.merge_fail_ph = ph;
        continue;
      }
      const int y = column[best_a].y;
      const int edge = column[best_a].edge;
      std::vector<uint32_t> window;
      for (size_t i = best_a; i <= best_b; ++i) window.push_back(column[i].shelf);
      for (const uint32_t s : window) {
        Shelf& sh = shelves[s];
        Span& last = sh.free.back();
        last.w = best_t - last.x;
        if (last.w == 0) sh.free.pop_back();
        edge_erase(p, {sh.x1, sh.y, sh.h, s});
        sh.x1 = best_t;
        if (sh.x1 % col_w == 0 && sh.x1 > sh.x0) edge_insert(p, {sh.x1, sh.y, sh.h, s});
        // Dirty pixels of freed glyphs in the cut tail are dead: keep the rect inside the shelf.
        if (sh.dirty && sh.dx0 >= sh.x1) drop_dirty(s);
        if (sh.dirty) sh.dx1 = std::min(sh.dx1, sh.x1);
        if (sh.x1 == sh.x0) {
          reclaim_shelf(s, false);  // wholly taken over by the new shelf
          continue;
        }
        recompute_max(sh);
        bucket_update(s);
      }
      return make_shelf(pi, best_t, edge, y, best_h);
    }
    return kNone;
  }

  size_t page_bytes(const Page& p) const { return p.pixels.size(); }

  int initial_height_for(int ph) const {
    int h = config.page_initial_height;
    while (h < ph) h = std::min(h * 2, config.page_max_height);
    return h;
  }

  // Doubles a page's height until free space at its bottom takes the glyph; kNone if the budget
  // forbids it.
  uint32_t grow_for(PixelFormat format, int pw, int ph) {
    const int k = columns_for(pw);
    for (uint32_t pi = 0; pi < pages.size(); ++pi) {
      Page& p = pages[pi];
      if (p.format != format || p.height >= config.page_max_height) continue;
      // The columns whose free space reaches the page bottom from the lowest y.
      int best_c = -1, best_y = INT32_MAX;
      for (int c = 0; c + k <= ncols; ++c) {
        int y = 0;
        for (int j = c; j < c + k; ++j) {
          const std::vector<Band>& bands = p.cols[size_t(j)];
          if (bands.empty() || bands.back().y + bands.back().h != config.page_max_height) {
            y = INT32_MAX;
            break;
          }
          y = std::max(y, bands.back().y);
        }
        if (y < best_y) best_y = y, best_c = c;
      }
      if (best_c < 0 || best_y + ph > config.page_max_height) continue;
      int h = p.height;
      while (h < best_y + ph) h = std::min(h * 2, config.page_max_height);
      const size_t bpp = size_t(bytes_per_pixel(format));
      const size_t extra = size_t(h - p.height) * size_t(p.width) * bpp;
      if (counters.bytes + extra > config.memory_budget_bytes) continue;
      // Storage first: if it cannot grow (bad_alloc), the page is left as it was.
      p.pixels.grow(size_t(h) * size_t(p.width) * bpp);
      counters.total_area += size_t(h - p.height) * size_t(p.width);
      while (p.height < h) {
        p.height = std::min(p.height * 2, config.page_max_height);
        ++p.generation;
        ++counters.growths;
      }
      counters.bytes += extra;
      return new_shelf(pi, best_c, k, best_y, ph);
    }
    return kNone;
  }

  uint32_t open_page(PixelFormat format, int pw, int ph) {
    const int h = initial_height_for(ph);
    const size_t bpp = size_t(bytes_per_pixel(format));
    const size_t bytes = size_t(h) * size_t(config.page_width) * bpp;
    uint32_t pi = kNone;
    const bool append =
        counters.bytes + bytes <= config.memory_budget_bytes && pages.size() < 65535;
    if (append) {
      pi = uint32_t(pages.size());
    } else {
      // Recycle an empty page (of either format) whose bytes make room.
      for (uint32_t i = 0; i < pages.size(); ++i) {
        const Page& p = pages[i];
        if (p.used_area == 0 && p.pending == 0 &&
            counters.bytes - page_bytes(p) + bytes <= config.memory_budget_bytes) {
          pi = i;
          break;
        }
      }
      if (pi == kNone) return kNone;
    }
    // The new page is built aside first: if its memory cannot be had (bad_alloc), the atlas is
    // left exactly as it was.
    Page fresh;
    fresh.format = format;
    fresh.width = config.page_width;
    fresh.height = h;
    fresh.pixels.reset(bytes, size_t(config.page_max_height) * size_t(config.page_width) * bpp);
    fresh.cols.assign(size_t(ncols), std::vector<Band>{Band{0, config.page_max_height}});
    if (append) {
      pages.push_back(std::move(fresh));
    } else {
      for (uint32_t s = 0; s < shelves.size(); ++s) {
        if (shelves[s].alive && shelves[s].page == pi) reclaim_shelf(s, false);  // all empty
      }
      counters.bytes -= page_bytes(pages[pi]);
      counters.total_area -= size_t(pages[pi].width) * size_t(pages[pi].height);
      for (uint32_t s : pages[pi].dirty_shelves) shelves[s].dirty = false;
      dirty_shelves -= pages[pi].dirty_shelves.size();
      fresh.generation = pages[pi].generation + 1;  // new storage for an old page
      pages[pi] = std::move(fresh);
    }
    counters.bytes += bytes;
    counters.total_area += size_t(config.page_width) * size_t(h);
    // Bookkeeping for the glyphs this page may hold (a 16 x 16 padded glyph on average, a shelf
    // per 16 of them), allocated now rather than in later allocate() calls: keeps those calls
    // free of allocation and first-touch page faults (the 5 us worst case).
    const size_t page_glyphs =
        size_t(config.page_width) * size_t(config.page_max_height) / (16 * 16);
    slots.reserve(slots.size() + page_glyphs);
    shelves.reserve(shelves.size() + page_glyphs / 16);
    tails.reserve(tails.size() + page_glyphs / 16);
    free_shelves.reserve(free_shelves.size() + page_glyphs / 16);
    return new_shelf(pi, 0, columns_for(pw), 0, ph);
  }

  // Evicts every live allocation of a shelf and gives its band back.
  void evict_shelf(uint32_t s) {
    Shelf& sh = shelves[s];
    evicted_bytes_frame += sh.live_area * size_t(bytes_per_pixel(pages[sh.page].format));
    while (sh.first_alloc != kNone) {
      const uint32_t idx = sh.first_alloc;
      evicted.push_back(slots[idx].alloc.handle);
      unlink_slot(idx, true);
      ++counters.evictions;
    }
    ++counters.evicted_shelves;
    pages[sh.page].pending -= sh.pending;
    shelf_emptied(s);
  }

  uint32_t evict_for(PixelFormat format, int pw, int ph) {
    FormatState& fs = formats[fmt_index(format)];
    while (fs.lru_head != kNone) {
      const uint32_t s = fs.lru_head;
      const Shelf& sh = shelves[s];
      if (!frame_safe(sh.newest_frame)) return kNone;  // sorted: nothing newer is safe either
      const size_t bytes = sh.live_area * size_t(bytes_per_pixel(format));
      // The limit spreads eviction over frames, but one shelf per frame always goes: a shelf
      // larger than the limit must not make the atlas full forever.
      if (!limit_lifted && evicted_bytes_frame > 0 &&
          evicted_bytes_frame + bytes > config.max_evicted_bytes_per_frame) {
        return kNone;
      }
      evict_shelf(s);
      uint32_t found = find_room(format, pw, ph, true);
      if (found == kNone) found = merge_tails(format, pw, ph);
      if (found != kNone) return found;
      // An emptied page may now be recycled by open_page.
      const uint32_t opened = open_page(format, pw, ph);
      if (opened != kNone) return opened;
    }
    return evict_other_format_page(format, pw, ph);
  }

  // The budget is spent on pages of the other format: empties the one of them that is cheapest to
  // evict (every shelf unpinned, least live area), so that open_page recycles it. Rare and
  // O(shelves); only reached when this format has nothing left to evict.
  uint32_t evict_other_format_page(PixelFormat format, int pw, int ph) {
    std::vector<size_t> live_area(pages.size(), 0);
    std::vector<bool> pinned(pages.size(), false);
    for (const Shelf& sh : shelves) {
      if (!sh.alive) continue;
      live_area[sh.page] += sh.live_area;
      if ((sh.live || sh.pending) && !frame_safe(sh.newest_frame)) pinned[sh.page] = true;
    }
    const size_t need = size_t(initial_height_for(ph)) * size_t(config.page_width) *
                        size_t(bytes_per_pixel(format));
    uint32_t best = kNone;
    for (uint32_t pi = 0; pi < pages.size(); ++pi) {
      const Page& p = pages[pi];
      if (p.format == format || pinned[pi] ||
          counters.bytes - page_bytes(p) + need > config.memory_budget_bytes) {
        continue;
      }
      const size_t bytes = live_area[pi] * size_t(bytes_per_pixel(p.format));
      if (evicted_bytes_frame + bytes > config.max_evicted_bytes_per_frame) continue;
      if (best == kNone || live_area[pi] < live_area[best]) best = pi;
    }
    if (best == kNone) return kNone;
    for (uint32_t s = 0; s < shelves.size(); ++s) {
      if (shelves[s].alive && shelves[s].page == best) evict_shelf(s);
    }
    return open_page(format, pw, ph);
  }

  void process_pending() {
    while (pending_head < pending.size() && frame_safe(pending[pending_head].frame)) {
      const Pending e = pending[pending_head++];
      Shelf& sh = shelves[e.shelf];
      if (!sh.alive || sh.epoch != e.epoch) continue;  // the shelf was evicted meanwhile
      --sh.pending;
      --pages[sh.page].pending;
      span_free(e.shelf, e.x, e.w);
    }
    if (pending_head == pending.size()) {
      pending.clear();
      pending_head = 0;
    } else if (pending_head > 1024 && pending_head * 2 > pending.size()) {
      pending.erase(pending.begin(), pending.begin() + long(pending_head));
      pending_head = 0;
    }
  }

  const Slot* live_slot(AllocHandle h) const {
    if (h.index >= slots.size()) return nullptr;
    const Slot& s = slots[h.index];
    return s.live && s.alloc.handle.generation == h.generation ? &s : nullptr;
  }

  std::vector<Rect> coalesce(std::vector<Rect> rects) const;
};

Atlas::Atlas(const AtlasConfig& config) : impl_(new Impl(config)) {}
Atlas::~Atlas() { delete impl_; }

const AtlasConfig& Atlas::config() const { return impl_->config; }

void Atlas::begin_frame(uint64_t frame) {
  Impl& m = *impl_;
  if (m.began && frame <= m.current) return;  // frames must increase
  m.began = true;
  m.current = frame;
  m.evicted_bytes_frame = 0;
  m.limit_lifted = false;
  m.process_pending();
}

void Atlas::set_completed_frame(uint64_t frame) {
  Impl& m = *impl_;
  frame = std::min(frame, m.current);  // a frame not yet begun cannot have completed
  if (m.any_completed && frame <= m.completed) return;
  m.completed = frame;
  m.any_completed = true;
  m.process_pending();
}

uint64_t Atlas::current_frame() const { return impl_->current; }

AllocResult Atlas::allocate(PixelFormat format, int w, int h) {
  Impl& m = *impl_;
  const int pw = w + 2 * kGutter;
  const int ph = h + 2 * kGutter;
  // Zero or negative sizes can never be placed either: the caller must not retry.
  if (w <= 0 || h <= 0 || pw > m.config.page_width || ph > m.config.page_max_height) {
    return AllocResult{AllocStatus::kTooLarge, {}};
  }
  const size_t min_page = size_t(m.initial_height_for(ph)) * size_t(m.config.page_width) *
                          size_t(bytes_per_pixel(format));
  if (min_page > m.config.memory_budget_bytes) return AllocResult{AllocStatus::kTooLarge, {}};

  uint32_t s = m.find_room(format, pw, ph, true);
  if (s == kNone) s = m.merge_tails(format, pw, ph);
  if (s == kNone) s = m.grow_for(format, pw, ph);
  if (s == kNone) s = m.open_page(format, pw, ph);
  if (s == kNone) s = m.evict_for(format, pw, ph);
  if (s == kNone) {
    ++m.counters.full_results;
    return AllocResult{AllocStatus::kFull, {}};
  }
  return m.place(s, format, w, h);
}

void Atlas::lift_eviction_limit() { impl_->limit_lifted = true; }

void Atlas::touch(AllocHandle handle) {
  Impl& m = *impl_;
  if (!m.live_slot(handle)) return;
  Slot& slot = m.slots[handle.index];
  // Most touches of a frame repeat an earlier one (a letter used again): the slot is tagged
  // already, and its shelf carries this frame, which keeps it out of eviction's reach.
  if (slot.tag == m.current) return;
  slot.tag = m.current;
  m.shelf_use(slot.shelf);
}

void Atlas::release(AllocHandle handle) {
  Impl& m = *impl_;
  if (!m.live_slot(handle)) return;
  const uint32_t idx = handle.index;
  const Slot slot = m.slots[idx];
  m.unlink_slot(idx, true);
  ++m.counters.frees;
  Shelf& sh = m.shelves[slot.shelf];
  if (m.frame_safe(slot.tag)) {
    m.span_free(slot.shelf, slot.px, slot.pw);
  } else {
    // A frame in flight may still sample these pixels: reuse waits until it completes.
    ++sh.pending;
    ++m.pages[sh.page].pending;
    m.pending.push_back(Pending{slot.shelf, sh.epoch, slot.px, slot.pw, m.current});
  }
}

const Allocation* Atlas::lookup(AllocHandle handle) const {
  const Slot* s = impl_->live_slot(handle);
  return s ? &s->alloc : nullptr;
}

void Atlas::write(AllocHandle handle, const uint8_t* src, size_t src_stride) {
  if (!src) return;
  copy_pixels(handle, src, src_stride);
  mark_dirty(handle);
}

void Atlas::copy_pixels(AllocHandle handle, const uint8_t* src, size_t src_stride) {
  Impl& m = *impl_;
  const Slot* slot = m.live_slot(handle);
  if (!slot || !src) return;
  const Shelf& sh = m.shelves[slot->shelf];
  Page& p = m.pages[sh.page];
  const size_t bpp = size_t(bytes_per_pixel(p.format));
  const size_t stride = size_t(p.width) * bpp;
  const Rect& r = slot->alloc.rect;
  const int py = sh.y;
  uint8_t* base = p.pixels.data();
  std::memset(base + size_t(py) * stride + size_t(slot->px) * bpp, 0, size_t(slot->pw) * bpp);
  std::memset(base + size_t(py + slot->ph - 1) * stride + size_t(slot->px) * bpp, 0,
              size_t(slot->pw) * bpp);
  for (int row = 0; row < r.h; ++row) {
    uint8_t* dst = base + size_t(r.y + row) * stride + size_t(slot->px) * bpp;
    std::memset(dst, 0, bpp);
    std::memcpy(dst + bpp, src + size_t(row) * src_stride, size_t(r.w) * bpp);
    std::memset(dst + (size_t(r.w) + 1) * bpp, 0, bpp);
  }
}

void Atlas::mark_dirty(AllocHandle handle) {
  Impl& m = *impl_;
  const Slot* slot = m.live_slot(handle);
  if (!slot) return;
  Shelf& sh = m.shelves[slot->shelf];
  Page& p = m.pages[sh.page];
  const int py = sh.y;
  const int x0 = slot->px, y0 = py, x1 = slot->px + slot->pw, y1 = py + slot->ph;
  if (!sh.dirty) {
    sh.dirty = true;
    sh.dx0 = x0, sh.dy0 = y0, sh.dx1 = x1, sh.dy1 = y1;
    p.dirty_shelves.push_back(slot->shelf);
    ++m.dirty_shelves;
  } else {
    sh.dx0 = std::min(sh.dx0, x0), sh.dy0 = std::min(sh.dy0, y0);
    sh.dx1 = std::max(sh.dx1, x1), sh.dy1 = std::max(sh.dy1, y1);
  }
}

size_t Atlas::page_count() const { return impl_->pages.size(); }

PageInfo Atlas::page_info(size_t page) const {
  if (page >= impl_->pages.size()) return {};
  const Page& p = impl_->pages[page];
  return PageInfo{p.format, p.width, p.height, p.generation, p.used_area};
}

const uint8_t* Atlas::page_pixels(size_t page) const {
  return page < impl_->pages.size() ? impl_->pages[page].pixels.data() : nullptr;
}

size_t Atlas::page_stride(size_t page) const {
  if (page >= impl_->pages.size()) return 0;
  const Page& p = impl_->pages[page];
  return size_t(p.width) * size_t(bytes_per_pixel(p.format));
}

// Sorted by y, rects of different shelves never overlap. Vertically adjacent ones merge when the
// union wastes little; then, past kMaxDirtyRectsPerPage, the neighbours whose union adds the
// fewest pixels merge until few remain.
std::vector<Rect> Atlas::Impl::coalesce(std::vector<Rect> rects) const {
  std::sort(rects.begin(), rects.end(), [](const Rect& a, const Rect& b) { return a.y < b.y; });
  auto unite = [](const Rect& a, const Rect& b) {
    const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
    const int x1 = std::max(a.right(), b.right()), y1 = std::max(a.bottom(), b.bottom());
    return Rect{x0, y0, x1 - x0, y1 - y0};
  };
  auto area = [](const Rect& r) { return double(r.w) * double(r.h); };
  // One copy for the whole page's dirty area when its bounding box wastes little: a burst of
  // new glyphs then moves in a single large transfer (each copy has a fixed cost in the driver).
  if (rects.size() > 1) {
    Rect box = rects.front();
    double sum = 0;
    for (const Rect& r : rects) box = unite(box, r), sum += area(r);
    if (area(box) <= kDirtyMergeSlack * sum) return {box};
  }
  std::vector<Rect> out;
  std::vector<double> useful;  // pixels of the original rects inside each merged one
  for (const Rect& r : rects) {
    if (!out.empty() && r.y <= out.back().bottom()) {
      const Rect u = unite(out.back(), r);
      if (area(u) <= kDirtyMergeSlack * (useful.back() + area(r))) {
        out.back() = u;
        useful.back() += area(r);
        continue;
      }
    }
    out.push_back(r);
    useful.push_back(area(r));
  }
  while (out.size() > kMaxDirtyRectsPerPage) {
    size_t best = 0;
    double best_cost = 1e300;
    for (size_t i = 0; i + 1 < out.size(); ++i) {
      const double cost = area(unite(out[i], out[i + 1])) - area(out[i]) - area(out[i + 1]);
      if (cost < best_cost) best_cost = cost, best = i;
    }
    out[best] = unite(out[best], out[best + 1]);
    out.erase(out.begin() + long(best) + 1);
  }
  return out;
}

std::vector<Rect> Atlas::take_dirty_rects(size_t page) {
  Impl& m = *impl_;
  if (page >= m.pages.size()) return {};
  Page& p = m.pages[page];
  std::vector<Rect> rects;
  rects.reserve(p.dirty_shelves.size());
  for (uint32_t s : p.dirty_shelves) {
    Shelf& sh = m.shelves[s];
    rects.push_back(Rect{sh.dx0, sh.dy0, sh.dx1 - sh.dx0, sh.dy1 - sh.dy0});
    sh.dirty = false;
  }
  m.dirty_shelves -= p.dirty_shelves.size();
  p.dirty_shelves.clear();
  return m.coalesce(std::move(rects));
}

bool Atlas::has_dirty() const { return impl_->dirty_shelves > 0; }

std::vector<AllocHandle> Atlas::take_evicted() { return std::exchange(impl_->evicted, {}); }

AtlasCounters Atlas::counters() const {
  AtlasCounters c = impl_->counters;
  c.pages = impl_->pages.size();
  c.occupancy = c.total_area ? double(c.used_area) / double(c.total_area) : 0.0;
  return c;
}

Status Atlas::check_invariants() const {
  const Impl& m = *impl_;
  // Pending spans per shelf, for the tiling check.
  std::vector<std::vector<Span>> pend(m.shelves.size());
  std::vector<uint32_t> pend_count(m.shelves.size(), 0);
  for (size_t i = m.pending_head; i < m.pending.size(); ++i) {
    const Pending& e = m.pending[i];
    if (e.shelf >= m.shelves.size()) return violation("pending entry names no shelf");
    const Shelf& sh = m.shelves[e.shelf];
    if (!sh.alive || sh.epoch != e.epoch) continue;
    pend[e.shelf].push_back(Span{e.x, e.w});
    ++pend_count[e.shelf];
  }
  size_t used_total = 0, total_area = 0, bytes = 0, live_total = 0, dirty_total = 0;
  std::vector<size_t> page_used(m.pages.size(), 0);
  std::vector<uint32_t> page_shelves(m.pages.size(), 0);
  std::vector<uint32_t> page_pending(m.pages.size(), 0);
  std::vector<size_t> page_edge(m.pages.size(), 0);
  std::vector<std::vector<Rect>> page_rects(m.pages.size());  // shelves and free bands
  for (uint32_t s = 0; s < m.shelves.size(); ++s) {
    const Shelf& sh = m.shelves[s];
    if (!sh.alive) {
      if (sh.bucket_pos >= 0) return violation("dead shelf listed in a bucket");
      continue;
    }
    if (sh.page >= m.pages.size()) return violation("shelf on a missing page");
    const Page& p = m.pages[sh.page];
    const std::string where = "shelf " + std::to_string(s) + ": ";
    if (sh.y < 0 || sh.h <= 0 || sh.y + sh.h > p.height || sh.x0 < 0 || sh.x1 > p.width ||
        sh.x0 >= sh.x1) {
      return violation(where + "outside its page");
    }
    page_rects[sh.page].push_back(Rect{sh.x0, sh.y, sh.x1 - sh.x0, sh.h});
    ++page_shelves[sh.page];
    if (pend_count[s] != sh.pending) return violation(where + "pending count mismatch");
    if (sh.live == 0 && sh.pending == 0 && m.on_column_edges(sh))
      return violation(where + "empty but not reclaimed");
    if (sh.in_lru != (sh.live > 0 || sh.pending > 0))
      return violation(where + "LRU membership wrong");
    std::vector<Span> spans = sh.free;
    int max_free = 0;
    for (const Span& f : sh.free) max_free = std::max(max_free, f.w);
    if (max_free != sh.max_free) return violation(where + "max_free stale");
    for (size_t i = 0; i + 1 < sh.free.size(); ++i) {
      if (sh.free[i].x + sh.free[i].w >= sh.free[i + 1].x) {
        return violation(where + "free spans unsorted or not merged");
      }
    }
    uint32_t live = 0;
    size_t area = 0;
    uint32_t prev = kNone;
    for (uint32_t a = sh.first_alloc; a != kNone; a = m.slots[a].next) {
      if (a >= m.slots.size()) return violation(where + "allocation list corrupt");
      const Slot& sl = m.slots[a];
      if (!sl.live || sl.shelf != s || sl.prev != prev)
        return violation(where + "allocation list corrupt");
      if (++live > m.slots.size()) return violation(where + "allocation list cycles");
      if (sl.ph > sh.h) return violation(where + "allocation taller than its shelf");
      if (sl.tag > sh.newest_frame) return violation(where + "frame tag newer than shelf's");
      const Rect& r = sl.alloc.rect;
      if (r.x != sl.px + kGutter || r.y != sh.y + kGutter || r.w != sl.pw - 2 * kGutter ||
          r.h != sl.ph - 2 * kGutter || sl.alloc.page != sh.page || sl.alloc.format != p.format ||
          sl.alloc.handle.index != a) {
        return violation(where + "allocation record inconsistent");
      }
      spans.push_back(Span{sl.px, sl.pw});
      area += size_t(sl.pw) * size_t(sl.ph);
      prev = a;
    }
    if (live != sh.live) return violation(where + "live count mismatch");
    if (area != sh.live_area) return violation(where + "live area mismatch");
    for (const Span& sp : pend[s]) spans.push_back(sp);
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.x < b.x; });
    int x = sh.x0;
    for (const Span& sp : spans) {
      if (sp.w <= 0) return violation(where + "empty span");
      if (sp.x != x) {
        return violation(where + (sp.x < x ? "overlapping allocations at x=" : "lost space at x=") +
                         std::to_string(sp.x));
      }
      x += sp.w;
    }
    if (x != sh.x1) return violation(where + "spans do not tile the shelf width");
    const bool listed = sh.max_free >= kMinSpan;
    if (listed != (sh.bucket_pos >= 0)) return violation(where + "bucket membership wrong");
    if (listed) {
      const Bucket& b = m.formats[Impl::fmt_index(p.format)].buckets[size_t(sh.h)];
      if (size_t(sh.bucket_pos) >= b.entries.size() ||
          b.entries[size_t(sh.bucket_pos)].shelf != s ||
          b.entries[size_t(sh.bucket_pos)].max_free != sh.max_free || b.max_hint < sh.max_free) {
        return violation(where + "bucket entry wrong");
      }
    }
    if (sh.dirty) {
      ++dirty_total;
      if (sh.dx0 < sh.x0 || sh.dy0 < sh.y || sh.dx1 > sh.x1 || sh.dy1 > sh.y + sh.h) {
        return violation(where + "dirty rect outside the shelf");
      }
    }
    page_used[sh.page] += area;
    if (sh.x1 % m.col_w == 0) ++page_edge[sh.page];
    page_pending[sh.page] += sh.pending;
    used_total += area;
    live_total += live;
  }
  for (size_t pi = 0; pi < m.pages.size(); ++pi) {
    const Page& p = m.pages[pi];
    const std::string where = "page " + std::to_string(pi) + ": ";
    const size_t bpp = size_t(bytes_per_pixel(p.format));
    if (p.pixels.size() != size_t(p.width) * size_t(p.height) * bpp) {
      return violation(where + "pixel storage size wrong");
    }
    if (p.height > m.config.page_max_height) return violation(where + "taller than allowed");
    if (page_used[pi] != p.used_area) return violation(where + "used_area mismatch");
    if (page_shelves[pi] != p.shelves) return violation(where + "shelf count mismatch");
    if (page_pending[pi] != p.pending) return violation(where + "pending count mismatch");
    for (size_t i = 0; i < p.edge_list.size(); ++i) {
      const Page::EdgeEntry& e = p.edge_list[i];
      if (e.shelf >= m.shelves.size() || !m.shelves[e.shelf].alive ||
          m.shelves[e.shelf].page != pi || m.shelves[e.shelf].x1 != e.edge ||
          m.shelves[e.shelf].y != e.y || m.shelves[e.shelf].h != e.h ||
          (i > 0 && !(p.edge_list[i - 1] < e))) {
        return violation(where + "edge index wrong");
      }
    }
    if (p.edge_list.size() != page_edge[pi]) return violation(where + "edge index incomplete");
    // Shelves and free bands tile the page: pairwise disjoint, and their areas add up.
    std::vector<Rect> all = page_rects[pi];
    if (p.cols.size() != size_t(m.ncols)) return violation(where + "column count wrong");
    for (int c = 0; c < m.ncols; ++c) {
      const std::vector<Band>& bands = p.cols[size_t(c)];
      for (size_t i = 0; i < bands.size(); ++i) {
        const Band& b = bands[i];
        if (b.h <= 0 || b.y < 0 || b.y + b.h > m.config.page_max_height)
          return violation(where + "bad band");
        if (i + 1 < bands.size() && b.y + b.h >= bands[i + 1].y) {
          return violation(where + "free bands unsorted or not merged");
        }
        all.push_back(Rect{c * m.col_w, b.y, m.col_w, b.h});
      }
    }
    std::sort(all.begin(), all.end(), [](const Rect& a, const Rect& b) { return a.y < b.y; });
    size_t area = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      area += size_t(all[i].w) * size_t(all[i].h);
      for (size_t j = i + 1; j < all.size() && all[j].y < all[i].bottom(); ++j) {
        if (all[j].x < all[i].right() && all[i].x < all[j].right()) {
          return violation(where +
                           "shelves or free bands overlap at y=" + std::to_string(all[j].y));
        }
      }
    }
    if (area != size_t(p.width) * size_t(m.config.page_max_height)) {
      return violation(where + "shelves and free bands leave space unaccounted");
    }
    for (uint32_t s : p.dirty_shelves) {
      if (s >= m.shelves.size() || !m.shelves[s].alive || m.shelves[s].page != pi ||
          !m.shelves[s].dirty) {
        return violation(where + "dirty list names a clean or foreign shelf");
      }
    }
    total_area += size_t(p.width) * size_t(p.height);
    bytes += p.pixels.size();
  }
  if (dirty_total != m.dirty_shelves) return violation("dirty shelf count mismatch");
  if (used_total != m.counters.used_area) return violation("used_area counter mismatch");
  if (live_total != m.counters.live_allocations) return violation("live_allocations mismatch");
  if (total_area != m.counters.total_area) return violation("total_area mismatch");
  if (bytes != m.counters.bytes) return violation("bytes counter mismatch");
  if (bytes > m.config.memory_budget_bytes) return violation("over the memory budget");
  size_t live_slots = 0;
  for (const Slot& sl : m.slots) live_slots += sl.live ? 1 : 0;
  if (live_slots != live_total) return violation("a live slot is on no shelf");
  // LRU lists: every live shelf once, sorted by newest frame.
  for (int f = 0; f < kPixelFormatCount; ++f) {
    uint64_t last = 0;
    uint32_t prev = kNone;
    size_t n = 0;
    for (uint32_t s = m.formats[f].lru_head; s != kNone; s = m.shelves[s].lru_next) {
      const Shelf& sh = m.shelves[s];
      if (!sh.alive || sh.lru_prev != prev || Impl::fmt_index(m.pages[sh.page].format) != f) {
        return violation("LRU list corrupt");
      }
      if (sh.newest_frame < last) return violation("LRU list out of order");
      last = sh.newest_frame;
      prev = s;
      if (++n > m.shelves.size()) return violation("LRU list cycles");
    }
    if (prev != m.formats[f].lru_tail) return violation("LRU tail wrong");
  }
  return {};
}

std::vector<uint8_t> Atlas::debug_image(size_t page) const {
  const Impl& m = *impl_;
  if (page >= m.pages.size()) return {};
  const Page& p = m.pages[page];
  const size_t bpp = size_t(bytes_per_pixel(p.format));
  std::vector<uint8_t> img(size_t(p.width) * size_t(p.height) * 4);
  auto put = [&](int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    if (x < 0 || y < 0 || x >= p.width || y >= p.height) return;
    uint8_t* d = &img[(size_t(y) * size_t(p.width) + size_t(x)) * 4];
    d[0] = r, d[1] = g, d[2] = b, d[3] = 255;
  };
  auto outline = [&](int x0, int y0, int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    for (int x = x0; x < x0 + w; ++x) put(x, y0, r, g, b), put(x, y0 + h - 1, r, g, b);
    for (int y = y0; y < y0 + h; ++y) put(x0, y, r, g, b), put(x0 + w - 1, y, r, g, b);
  };
  // Free space dark blue; shelves' pixels in grey.
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) put(x, y, 0, 0, 40);
  }
  for (uint32_t s = 0; s < m.shelves.size(); ++s) {
    const Shelf& sh = m.shelves[s];
    if (!sh.alive || sh.page != page) continue;
    for (int y = sh.y; y < sh.y + sh.h; ++y) {
      for (int x = sh.x0; x < sh.x1; ++x) {
        const uint8_t* px = &p.pixels[(size_t(y) * size_t(p.width) + size_t(x)) * bpp];
        const uint8_t v = bpp == 1 ? px[0] : uint8_t((int(px[0]) + px[1] + px[2] + px[3]) / 4);
        put(x, y, v, v, v);
      }
    }
    outline(sh.x0, sh.y, sh.x1 - sh.x0, sh.h, 0, 200, 0);
    for (uint32_t a = sh.first_alloc; a != kNone; a = m.slots[a].next) {
      const Slot& sl = m.slots[a];
      outline(sl.px, sh.y, sl.pw, sl.ph, 230, 60, 40);
    }
  }
  return img;
}

void set_page_allocation_failure_for_testing(size_t min_bytes) {
  g_fail_page_alloc_at_least.store(min_bytes, std::memory_order_relaxed);
}

}  // namespace glyphstream::atlas
