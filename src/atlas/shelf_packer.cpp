#include "atlas/shelf_packer.h"

#include <algorithm>

namespace glyphstream::atlas {
namespace {

using Band = ShelfPacker::Band;
using Span = ShelfPacker::Span;

// How much taller than the rectangle a shelf may be in the best-fit pass: about 1/8 of the
// height (1 px for small glyphs). Tighter wastes shelf tails, looser wastes shelf height.
int best_fit_slack(int h) { return std::max(1, h / 8); }

void band_insert(std::vector<Band>& bands, int y, int h) {
  auto it =
      std::lower_bound(bands.begin(), bands.end(), y, [](const Band& b, int v) { return b.y < v; });
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
void band_carve(std::vector<Band>& bands, int y, int h) {
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

// The free bands common to two columns.
void intersect_bands(const std::vector<Band>& a, const std::vector<Band>& b,
                     std::vector<Band>* out) {
  out->clear();
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const int y0 = std::max(a[i].y, b[j].y);
    const int y1 = std::min(a[i].y + a[i].h, b[j].y + b[j].h);
    if (y1 > y0) out->push_back(Band{y0, y1 - y0});
    (a[i].y + a[i].h < b[j].y + b[j].h) ? ++i : ++j;
  }
}

void recompute_max(ShelfPacker::Shelf& sh) {
  int m = 0;
  for (const Span& sp : sh.free) m = std::max(m, sp.w);
  sh.max_free = m;
}

int tail_start(const ShelfPacker::Shelf& sh) {
  if (sh.free.empty()) return sh.x1;
  const Span& last = sh.free.back();
  return last.x + last.w == sh.x1 ? last.x : sh.x1;
}

void edge_insert(ShelfPacker::Page& p, const ShelfPacker::EdgeEntry& e) {
  p.edges.insert(std::lower_bound(p.edges.begin(), p.edges.end(), e), e);
}

void edge_erase(ShelfPacker::Page& p, const ShelfPacker::EdgeEntry& e) {
  auto it = std::lower_bound(p.edges.begin(), p.edges.end(), e);
  if (it != p.edges.end() && it->shelf == e.shelf) p.edges.erase(it);
}

void space_grew(ShelfPacker::Page& p) { p.join_fail_w = p.join_fail_h = INT32_MAX; }

}  // namespace

ShelfPacker::ShelfPacker(const PackerConfig& config) : config_(config) {
  ncols_ = config_.page_width % kColumnWidth == 0 ? config_.page_width / kColumnWidth : 1;
  col_w_ = config_.page_width / ncols_;
  for (HeightBuckets& b : buckets_) b = HeightBuckets(config_.page_max_height);
}

uint32_t ShelfPacker::add_page(PixelFormat format, int height) {
  pages_.emplace_back();
  const uint32_t page = uint32_t(pages_.size() - 1);
  reset_page(page, format, height);
  return page;
}

void ShelfPacker::reset_page(uint32_t page, PixelFormat format, int height) {
  for (uint32_t s = 0; s < shelves_.size(); ++s) {
    if (shelves_[s].alive && shelves_[s].page == page) reclaim_shelf(s, false);  // all empty
  }
  Page fresh;
  fresh.format = format;
  fresh.height = height;
  fresh.cols.assign(size_t(ncols_), std::vector<Band>{Band{0, config_.page_max_height}});
  pages_[page] = std::move(fresh);
}

void ShelfPacker::reserve(size_t rectangles) {
  // A shelf per 16 rectangles on average.
  slots_.reserve(slots_.size() + rectangles);
  shelves_.reserve(shelves_.size() + rectangles / 16);
  tails_.reserve(tails_.size() + rectangles / 16);
  free_shelves_.reserve(free_shelves_.size() + rectangles / 16);
}

PackResult ShelfPacker::allocate(PixelFormat format, int w, int h) {
  if (w <= 0 || h <= 0 || w > config_.page_width || h > config_.page_max_height) {
    return PackResult{PackStatus::kTooLarge, {}};
  }
  uint32_t s = find_space(format, w, h);
  for (uint32_t pi = 0; s == kNoId && pi < pages_.size(); ++pi) {
    if (const std::optional<Growth> g = growth_for(pi, format, w, h)) s = grow(*g, h);
  }
  if (s == kNoId) return PackResult{PackStatus::kFull, {}};
  return PackResult{PackStatus::kOk, place(s, w, h)};
}

void ShelfPacker::free(uint32_t slot) {
  const Slot sl = slots_[slot];
  unlink_slot(slot);
  span_free(sl.shelf, sl.x, sl.w);
}

const ShelfPacker::Slot* ShelfPacker::live_slot(uint32_t slot, uint32_t generation) const {
  if (slot >= slots_.size()) return nullptr;
  const Slot& s = slots_[slot];
  return s.live && s.generation == generation ? &s : nullptr;
}

// ---- shelves --------------------------------------------------------------------------------

void ShelfPacker::bucket_update(uint32_t s) {
  const Shelf& sh = shelves_[s];
  if (s >= tails_.size()) tails_.resize(size_t(s) + 64, 0);
  tails_[s] = tail_start(sh);
  buckets_[format_index(pages_[sh.page].format)].update(
      s, sh.h, sh.max_free, sh.alive && sh.max_free >= config_.min_width);
}

uint32_t ShelfPacker::new_shelf(uint32_t page, int c0, int k, int y, int h) {
  Page& p = pages_[page];
  for (int c = c0; c < c0 + k; ++c) band_carve(p.cols[size_t(c)], y, h);
  return make_shelf(page, c0 * col_w_, (c0 + k) * col_w_, y, h);
}

uint32_t ShelfPacker::make_shelf(uint32_t page, int x0, int x1, int y, int h) {
  Page& p = pages_[page];
  uint32_t s;
  if (!free_shelves_.empty()) {
    s = free_shelves_.back();
    free_shelves_.pop_back();
  } else {
    s = uint32_t(shelves_.size());
    shelves_.emplace_back();
  }
  Shelf& sh = shelves_[s];
  const uint32_t epoch = sh.epoch;
  std::vector<Span> spans = std::move(sh.free);  // keeps its capacity
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
  ++p.shelves;
  if (x1 % col_w_ == 0) edge_insert(p, {x1, y, h, s});
  space_grew(p);
  bucket_update(s);
  return s;
}

// An empty shelf: a column-wide one gives its band back to the page (reusable by shelves of any
// height); a narrower one (from joined tails) stays as an empty shelf.
void ShelfPacker::shelf_emptied(uint32_t s) {
  Shelf& sh = shelves_[s];
  space_grew(pages_[sh.page]);
  if (on_column_edges(sh)) {
    reclaim_shelf(s, true);
    return;
  }
  sh.free.assign(1, Span{sh.x0, sh.x1 - sh.x0});
  sh.max_free = sh.x1 - sh.x0;
  sh.held = 0;
  ++sh.epoch;
  if (observer_) observer_->shelf_emptied(s);
  bucket_update(s);
}

void ShelfPacker::reclaim_shelf(uint32_t s, bool give_band) {
  Shelf& sh = shelves_[s];
  Page& p = pages_[sh.page];
  sh.alive = false;
  bucket_update(s);
  if (observer_) observer_->shelf_closed(s);
  if (give_band) {
    for (int c = sh.x0 / col_w_; c < sh.x1 / col_w_; ++c)
      band_insert(p.cols[size_t(c)], sh.y, sh.h);
  }
  --p.shelves;
  edge_erase(p, {sh.x1, sh.y, sh.h, s});
  ++sh.epoch;
  sh.held = 0;
  free_shelves_.push_back(s);
}

void ShelfPacker::span_free(uint32_t s, int x, int w) {
  Shelf& sh = shelves_[s];
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
  if (sh.live == 0 && sh.held == 0) {
    shelf_emptied(s);
  } else {
    space_grew(pages_[sh.page]);
    bucket_update(s);
  }
}

void ShelfPacker::drop_held(uint32_t s) {
  pages_[shelves_[s].page].held -= shelves_[s].held;
  shelf_emptied(s);
}

// ---- rectangles -----------------------------------------------------------------------------

Placement ShelfPacker::place(uint32_t s, int w, int h) {
  Shelf& sh = shelves_[s];
  auto it = std::find_if(sh.free.begin(), sh.free.end(), [w](const Span& sp) { return sp.w >= w; });
  const int x = it->x;
  const bool was_max = it->w == sh.max_free;
  it->x += w;
  it->w -= w;
  if (it->w == 0) sh.free.erase(it);
  if (was_max) recompute_max(sh);
  bucket_update(s);

  uint32_t idx = free_slot_;
  if (idx != kNoId) {
    free_slot_ = slots_[idx].next_free;
  } else {
    idx = uint32_t(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[idx];
  slot.shelf = s;
  slot.x = x;
  slot.w = w;
  slot.h = h;
  slot.live = true;
  slot.next_free = kNoId;
  slot.prev = kNoId;
  slot.next = sh.first_slot;
  if (sh.first_slot != kNoId) slots_[sh.first_slot].prev = idx;
  sh.first_slot = idx;
  ++sh.live;
  const size_t area = size_t(w) * size_t(h);
  sh.live_area += area;
  pages_[sh.page].used_area += area;
  used_area_ += area;
  ++live_count_;
  return Placement{idx, slot.generation, sh.page, s, x, sh.y, w, h};
}

void ShelfPacker::unlink_slot(uint32_t idx) {
  Slot& slot = slots_[idx];
  Shelf& sh = shelves_[slot.shelf];
  (slot.prev == kNoId ? sh.first_slot : slots_[slot.prev].next) = slot.next;
  if (slot.next != kNoId) slots_[slot.next].prev = slot.prev;
  --sh.live;
  const size_t area = size_t(slot.w) * size_t(slot.h);
  sh.live_area -= area;
  pages_[sh.page].used_area -= area;
  used_area_ -= area;
  --live_count_;
  slot.live = false;
  ++slot.generation;
  slot.next_free = free_slot_;
  free_slot_ = idx;
}

HeldSpan ShelfPacker::hold(uint32_t slot) {
  const Slot sl = slots_[slot];
  unlink_slot(slot);
  Shelf& sh = shelves_[sl.shelf];
  ++sh.held;
  ++pages_[sh.page].held;
  return HeldSpan{sl.shelf, sh.epoch, sl.x, sl.w};
}

void ShelfPacker::free_held(const HeldSpan& span) {
  Shelf& sh = shelves_[span.shelf];
  if (!sh.alive || sh.epoch != span.epoch) return;  // the shelf was emptied meanwhile
  --sh.held;
  --pages_[sh.page].held;
  span_free(span.shelf, span.x, span.w);
}

// ---- finding room ---------------------------------------------------------------------------

// The lowest-waste free y range of k adjacent columns starting at c0, below the page's height:
// the free bands of those columns are intersected (k is 1 except for wide rectangles).
bool ShelfPacker::find_band(const Page& p, int c0, int k, int h, int* best_y, int* best_len) const {
  bool found = false;
  auto consider = [&](const Band& b) {
    const int len = std::min(b.y + b.h, p.height) - b.y;
    if (len >= h && len < *best_len) *best_len = len, *best_y = b.y, found = true;
  };
  if (k == 1) {
    for (const Band& b : p.cols[size_t(c0)]) consider(b);
    return found;
  }
  std::vector<Band> cur = p.cols[size_t(c0)], next;
  for (int c = c0 + 1; c < c0 + k; ++c) {
    intersect_bands(cur, p.cols[size_t(c)], &next);
    cur.swap(next);
  }
  for (const Band& b : cur) consider(b);
  return found;
}

uint32_t ShelfPacker::find_space(PixelFormat format, int w, int h) {
  const uint32_t s = find_room(format, w, h);
  return s != kNoId ? s : join_tails(format, w, h);
}

// Best-fit shelf among existing ones, a new shelf in free space of current page heights, or
// any taller shelf with room.
uint32_t ShelfPacker::find_room(PixelFormat format, int w, int h) {
  HeightBuckets& buckets = buckets_[format_index(format)];
  const int slack = best_fit_slack(h);
  uint32_t s = buckets.find(h, h + slack, w);
  if (s != kNoId) return s;
  // New shelf: the smallest free band that takes it (keeps big bands for big rectangles).
  const int k = columns_for(w);
  uint32_t best_page = kNoId;
  int best_c = 0, best_y = 0, best_len = INT32_MAX;
  for (uint32_t pi = 0; pi < pages_.size(); ++pi) {
    const Page& p = pages_[pi];
    if (p.format != format) continue;
    for (int c = 0; c + k <= ncols_; ++c) {
      if (find_band(p, c, k, h, &best_y, &best_len)) best_page = pi, best_c = c;
    }
  }
  if (best_page != kNoId) {
    // A leftover thinner than the best-fit slack would be a sliver no later shelf fits in
    // (typically the band of an evicted shelf of nearly this height): the shelf takes it.
    const int shelf_h = best_len - h <= slack ? best_len : h;
    return new_shelf(best_page, best_c, k, best_y, shelf_h);
  }
  return buckets.find(h + slack + 1, INT32_MAX, w);
}

std::optional<ShelfPacker::Growth> ShelfPacker::growth_for(uint32_t pi, PixelFormat format, int w,
                                                           int h) const {
  const Page& p = pages_[pi];
  const int max_h = config_.page_max_height;
  if (p.format != format || p.height >= max_h) return std::nullopt;
  const int k = columns_for(w);
  // The columns whose free space reaches the page bottom from the lowest y.
  int best_c = -1, best_y = INT32_MAX;
  for (int c = 0; c + k <= ncols_; ++c) {
    int y = 0;
    for (int j = c; j < c + k; ++j) {
      const std::vector<Band>& bands = p.cols[size_t(j)];
      if (bands.empty() || bands.back().y + bands.back().h != max_h) {
        y = INT32_MAX;
        break;
      }
      y = std::max(y, bands.back().y);
    }
    if (y < best_y) best_y = y, best_c = c;
  }
  if (best_c < 0 || best_y + h > max_h) return std::nullopt;
  int height = p.height;
  while (height < best_y + h) height = std::min(height * 2, max_h);
  return Growth{pi, best_c, k, best_y, height};
}

uint32_t ShelfPacker::grow(const Growth& g, int h) {
  pages_[g.page].height = g.height;
  return new_shelf(g.page, g.column, g.columns, g.y, h);
}

uint32_t ShelfPacker::open_first_shelf(uint32_t page, int w, int h) {
  return new_shelf(page, 0, columns_for(w), 0, h);
}

// Last resort before growing or refusing: a rectangle taller than every shelf with room, and no
// free band left for a new shelf. The free tails of vertically adjacent shelves (all reaching
// the same column edge) are cut at the widest tail start T and joined into one new shelf
// [T, edge) x (their heights): a page no longer refuses a rare tall glyph while short shelves
// still have long empty tails. O(shelves of the page); a failure is remembered until space
// grows, so a full packer does not repeat the search for every rectangle.
uint32_t ShelfPacker::join_tails(PixelFormat format, int w, int h) {
  for (uint32_t pi = 0; pi < pages_.size(); ++pi) {
    Page& p = pages_[pi];
    if (p.format != format || config_.page_width < w) continue;
    if (w >= p.join_fail_w && h >= p.join_fail_h) continue;
    const std::vector<EdgeEntry>& column = p.edges;
    size_t best_a = 0, best_b = 0;
    int best_h = INT32_MAX, best_t = 0;
    for (size_t a = 0; a < column.size(); ++a) {
      int t = 0, hsum = 0;
      for (size_t b = a; b < column.size(); ++b) {
        const EdgeEntry& e = column[b];
        if (b > a && (column[b - 1].edge != e.edge || column[b - 1].y + column[b - 1].h != e.y))
          break;
        t = std::max(t, tails_[e.shelf]);
        if (t + w > e.edge) break;
        hsum += e.h;
        if (hsum >= h) {
          if (hsum < best_h || (hsum == best_h && t < best_t)) {
            best_h = hsum, best_t = t, best_a = a, best_b = b;
          }
          break;
        }
      }
    }
    if (best_h == INT32_MAX) {
      p.join_fail_w = w;
      p.join_fail_h = h;
      continue;
    }
    const int y = column[best_a].y;
    const int edge = column[best_a].edge;
    std::vector<uint32_t> window;
    for (size_t i = best_a; i <= best_b; ++i) window.push_back(column[i].shelf);
    for (const uint32_t s : window) cut_shelf(p, s, best_t);
    return make_shelf(pi, best_t, edge, y, best_h);
  }
  return kNoId;
}

// Gives the shelf's free tail from x1 on to a new shelf.
void ShelfPacker::cut_shelf(Page& p, uint32_t s, int x1) {
  Shelf& sh = shelves_[s];
  Span& last = sh.free.back();
  last.w = x1 - last.x;
  if (last.w == 0) sh.free.pop_back();
  edge_erase(p, {sh.x1, sh.y, sh.h, s});
  sh.x1 = x1;
  if (sh.x1 % col_w_ == 0 && sh.x1 > sh.x0) edge_insert(p, {sh.x1, sh.y, sh.h, s});
  if (observer_) observer_->shelf_cut(s, x1);
  if (sh.x1 == sh.x0) {
    reclaim_shelf(s, false);  // wholly taken over by the new shelf
    return;
  }
  recompute_max(sh);
  bucket_update(s);
}

}  // namespace glyphstream::atlas
