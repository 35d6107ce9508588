// The packer's invariant checker: one function per invariant, each returning "" or the first
// violation it finds. Costs O(shelves + rectangles + bands); for tests and fuzzers.
#include <algorithm>
#include <string>

#include "atlas/shelf_packer.h"

namespace glyphstream::atlas {
namespace {

using Shelf = ShelfPacker::Shelf;
using Span = ShelfPacker::Span;

std::string shelf_name(uint32_t s) { return "shelf " + std::to_string(s) + ": "; }
std::string page_name(size_t p) { return "page " + std::to_string(p) + ": "; }

// Held spans per live shelf (stale ones, of shelves emptied since, dropped).
std::string collect_held(const ShelfPacker& pk, const std::vector<HeldSpan>& held,
                         std::vector<std::vector<Span>>* per_shelf) {
  per_shelf->assign(pk.shelf_count(), {});
  for (const HeldSpan& e : held) {
    if (e.shelf >= pk.shelf_count()) return "held span names no shelf";
    const Shelf& sh = pk.shelf(e.shelf);
    if (sh.alive && sh.epoch == e.epoch) (*per_shelf)[e.shelf].push_back(Span{e.x, e.w});
  }
  return {};
}

std::string check_shelf_bounds(const ShelfPacker& pk, uint32_t s) {
  const Shelf& sh = pk.shelf(s);
  if (sh.page >= pk.page_count()) return shelf_name(s) + "on a missing page";
  const ShelfPacker::Page& p = pk.page(sh.page);
  if (sh.y < 0 || sh.h <= 0 || sh.y + sh.h > p.height || sh.x0 < 0 ||
      sh.x1 > pk.config().page_width || sh.x0 >= sh.x1) {
    return shelf_name(s) + "outside its page";
  }
  if (sh.live == 0 && sh.held == 0 && pk.on_column_edges(sh))
    return shelf_name(s) + "empty but not reclaimed";
  return {};
}

std::string check_free_spans(const Shelf& sh, uint32_t s) {
  int max_free = 0;
  for (const Span& f : sh.free) max_free = std::max(max_free, f.w);
  if (max_free != sh.max_free) return shelf_name(s) + "max_free stale";
  for (size_t i = 0; i + 1 < sh.free.size(); ++i) {
    if (sh.free[i].x + sh.free[i].w >= sh.free[i + 1].x)
      return shelf_name(s) + "free spans unsorted or not merged";
  }
  return {};
}

// The shelf's list of live rectangles agrees with the slots and the shelf's counts; appends
// their spans to `spans`.
std::string check_slot_list(const ShelfPacker& pk, uint32_t s, std::vector<Span>* spans) {
  const Shelf& sh = pk.shelf(s);
  uint32_t live = 0, prev = kNoId;
  size_t area = 0;
  for (uint32_t a = sh.first_slot; a != kNoId; a = pk.slot(a).next) {
    if (a >= pk.slot_count()) return shelf_name(s) + "allocation list corrupt";
    const ShelfPacker::Slot& sl = pk.slot(a);
    if (!sl.live || sl.shelf != s || sl.prev != prev)
      return shelf_name(s) + "allocation list corrupt";
    if (++live > pk.slot_count()) return shelf_name(s) + "allocation list cycles";
    if (sl.h > sh.h) return shelf_name(s) + "allocation taller than its shelf";
    spans->push_back(Span{sl.x, sl.w});
    area += size_t(sl.w) * size_t(sl.h);
    prev = a;
  }
  if (live != sh.live) return shelf_name(s) + "live count mismatch";
  if (area != sh.live_area) return shelf_name(s) + "live area mismatch";
  return {};
}

// Free, live and held spans tile the shelf's width exactly: no overlap, no lost space.
std::string check_tiling(const Shelf& sh, uint32_t s, std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.x < b.x; });
  int x = sh.x0;
  for (const Span& sp : spans) {
    if (sp.w <= 0) return shelf_name(s) + "empty span";
    if (sp.x != x) {
      return shelf_name(s) + (sp.x < x ? "overlapping allocations at x=" : "lost space at x=") +
             std::to_string(sp.x);
    }
    x += sp.w;
  }
  return x == sh.x1 ? std::string() : shelf_name(s) + "spans do not tile the shelf width";
}

std::string check_bucket_entry(const ShelfPacker& pk, uint32_t s) {
  const Shelf& sh = pk.shelf(s);
  const HeightBuckets& buckets = pk.buckets(pk.page(sh.page).format);
  const int32_t pos = buckets.position(s);
  const bool listed = sh.max_free >= pk.config().min_width;
  if (listed != (pos >= 0)) return shelf_name(s) + "bucket membership wrong";
  if (!listed) return {};
  const HeightBuckets::Bucket& b = buckets.bucket(sh.h);
  if (size_t(pos) >= b.entries.size() || b.entries[size_t(pos)].shelf != s ||
      b.entries[size_t(pos)].max_free != sh.max_free || b.max_hint < sh.max_free ||
      !buckets.bit(sh.h)) {
    return shelf_name(s) + "bucket entry wrong";
  }
  return {};
}

std::string check_shelf(const ShelfPacker& pk, uint32_t s, const std::vector<Span>& held) {
  const Shelf& sh = pk.shelf(s);
  if (!sh.alive) {
    if (pk.buckets(PixelFormat::kCoverage8).position(s) >= 0 ||
        pk.buckets(PixelFormat::kColor32).position(s) >= 0 ||
        pk.buckets(PixelFormat::kLcd24).position(s) >= 0) {
      return "dead shelf listed in a bucket";
    }
    return {};
  }
  std::string e = check_shelf_bounds(pk, s);
  if (e.empty() && held.size() != sh.held) e = shelf_name(s) + "held count mismatch";
  if (e.empty()) e = check_free_spans(sh, s);
  std::vector<Span> spans = sh.free;
  if (e.empty()) e = check_slot_list(pk, s, &spans);
  spans.insert(spans.end(), held.begin(), held.end());
  if (e.empty()) e = check_tiling(sh, s, std::move(spans));
  if (e.empty()) e = check_bucket_entry(pk, s);
  return e;
}

// The page's totals equal the sums over its shelves.
std::string check_page_totals(const ShelfPacker& pk, size_t pi) {
  size_t used = 0, edges = 0;
  uint32_t shelves = 0, held = 0;
  for (uint32_t s = 0; s < pk.shelf_count(); ++s) {
    const Shelf& sh = pk.shelf(s);
    if (!sh.alive || sh.page != pi) continue;
    used += sh.live_area;
    ++shelves;
    held += sh.held;
    if (sh.x1 % pk.column_width() == 0) ++edges;
  }
  const ShelfPacker::Page& p = pk.page(pi);
  if (used != p.used_area) return page_name(pi) + "used_area mismatch";
  if (shelves != p.shelves) return page_name(pi) + "shelf count mismatch";
  if (held != p.held) return page_name(pi) + "held count mismatch";
  if (p.edges.size() != edges) return page_name(pi) + "edge index incomplete";
  return {};
}

std::string check_edge_index(const ShelfPacker& pk, size_t pi) {
  const std::vector<ShelfPacker::EdgeEntry>& edges = pk.page(pi).edges;
  for (size_t i = 0; i < edges.size(); ++i) {
    const ShelfPacker::EdgeEntry& e = edges[i];
    if (e.shelf >= pk.shelf_count()) return page_name(pi) + "edge index wrong";
    const Shelf& sh = pk.shelf(e.shelf);
    if (!sh.alive || sh.page != pi || sh.x1 != e.edge || sh.y != e.y || sh.h != e.h ||
        (i > 0 && !(edges[i - 1] < e))) {
      return page_name(pi) + "edge index wrong";
    }
  }
  return {};
}

// Shelves and free bands tile the page up to its maximum height: pairwise disjoint, and their
// areas add up.
std::string check_page_tiling(const ShelfPacker& pk, size_t pi) {
  const ShelfPacker::Page& p = pk.page(pi);
  const int col_w = pk.column_width(), max_h = pk.config().page_max_height;
  std::vector<Rect> all;
  for (uint32_t s = 0; s < pk.shelf_count(); ++s) {
    const Shelf& sh = pk.shelf(s);
    if (sh.alive && sh.page == pi) all.push_back(Rect{sh.x0, sh.y, sh.x1 - sh.x0, sh.h});
  }
  if (p.cols.size() != size_t(pk.columns())) return page_name(pi) + "column count wrong";
  for (size_t c = 0; c < p.cols.size(); ++c) {
    const std::vector<ShelfPacker::Band>& bands = p.cols[c];
    for (size_t i = 0; i < bands.size(); ++i) {
      const ShelfPacker::Band& b = bands[i];
      if (b.h <= 0 || b.y < 0 || b.y + b.h > max_h) return page_name(pi) + "bad band";
      if (i + 1 < bands.size() && b.y + b.h >= bands[i + 1].y)
        return page_name(pi) + "free bands unsorted or not merged";
      all.push_back(Rect{int(c) * col_w, b.y, col_w, b.h});
    }
  }
  std::sort(all.begin(), all.end(), [](const Rect& a, const Rect& b) { return a.y < b.y; });
  size_t area = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    area += size_t(all[i].w) * size_t(all[i].h);
    for (size_t j = i + 1; j < all.size() && all[j].y < all[i].bottom(); ++j) {
      if (all[j].x < all[i].right() && all[i].x < all[j].right())
        return page_name(pi) + "shelves or free bands overlap at y=" + std::to_string(all[j].y);
    }
  }
  if (area != size_t(pk.config().page_width) * size_t(max_h))
    return page_name(pi) + "shelves and free bands leave space unaccounted";
  return {};
}

std::string check_totals(const ShelfPacker& pk) {
  size_t used = 0, live_on_shelves = 0, live_slots = 0;
  for (uint32_t s = 0; s < pk.shelf_count(); ++s) {
    const Shelf& sh = pk.shelf(s);
    if (!sh.alive) continue;
    used += sh.live_area;
    live_on_shelves += sh.live;
  }
  for (size_t i = 0; i < pk.slot_count(); ++i) live_slots += pk.slot(i).live ? 1 : 0;
  if (used != pk.used_area()) return "used_area counter mismatch";
  if (live_on_shelves != pk.live_count()) return "live count mismatch";
  if (live_slots != live_on_shelves) return "a live slot is on no shelf";
  return {};
}

}  // namespace

std::string ShelfPacker::check(const std::vector<HeldSpan>& held) const {
  std::vector<std::vector<Span>> held_by_shelf;
  std::string e = collect_held(*this, held, &held_by_shelf);
  for (uint32_t s = 0; e.empty() && s < shelf_count(); ++s)
    e = check_shelf(*this, s, held_by_shelf[s]);
  for (size_t pi = 0; e.empty() && pi < page_count(); ++pi) {
    e = check_page_totals(*this, pi);
    if (e.empty()) e = check_edge_index(*this, pi);
    if (e.empty()) e = check_page_tiling(*this, pi);
  }
  if (e.empty()) e = check_totals(*this);
  return e;
}

}  // namespace glyphstream::atlas
