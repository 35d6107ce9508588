// The atlas's allocation order, once the packer's own search (best fit, a new shelf, a taller
// shelf, joined tails) has failed: growth of a page, a new page, then eviction of whole shelves,
// least recently used first, within the memory budget and the per-frame eviction allowance.
#include <algorithm>

#include "atlas/atlas_impl.h"

namespace glyphstream::atlas {

int Atlas::Impl::initial_height_for(int ph) const {
  int h = config.page_initial_height;
  while (h < ph) h = std::min(h * 2, config.page_max_height);
  return h;
}

size_t Atlas::Impl::shelf_bytes(uint32_t shelf) const {
  const ShelfPacker::Shelf& sh = packer.shelf(shelf);
  return sh.live_area * size_t(bytes_per_pixel(packer.page(sh.page).format));
}

// Doubles a page's height until free space at its bottom takes the glyph, within the budget.
uint32_t Atlas::Impl::grow_for(PixelFormat format, int pw, int ph) {
  for (uint32_t pi = 0; pi < packer.page_count(); ++pi) {
    const std::optional<ShelfPacker::Growth> g = packer.growth_for(pi, format, pw, ph);
    if (!g) continue;
    const size_t extra = store.bytes_for(format, g->height) - store.page(pi).pixels.size();
    if (!store.fits(extra)) continue;
    store.grow(pi, g->height);  // storage first: if it cannot grow, the page is left as it was
    return packer.grow(*g, ph);
  }
  return kNoId;
}

uint32_t Atlas::Impl::open_page(PixelFormat format, int pw, int ph) {
  const int h = initial_height_for(ph);
  const size_t bytes = store.bytes_for(format, h);
  uint32_t pi = kNoId;
  const bool append = store.fits(bytes) && store.count() < 65535;
  if (append) {
    pi = uint32_t(store.count());
  } else {
    // Recycle an empty page (of either format) whose bytes make room.
    for (uint32_t i = 0; i < store.count(); ++i) {
      const ShelfPacker::Page& p = packer.page(i);
      if (p.used_area == 0 && p.held == 0 && store.fits_instead_of(i, bytes)) {
        pi = i;
        break;
      }
    }
    if (pi == kNoId) return kNoId;
  }
  // Storage first: if its memory cannot be had (bad_alloc), the atlas is left as it was.
  if (append) {
    store.append(format, h);
    packer.add_page(format, h);
    dirty.add_page();
  } else {
    store.replace(pi, format, h);
    packer.reset_page(pi, format, h);
    dirty.clear_page(pi);
  }
  // Bookkeeping for the glyphs this page may hold (a 16 x 16 glyph on average, a shelf
  // per 16 of them), allocated now rather than in later allocate() calls: keeps those calls
  // free of allocation and first-touch page faults (the 5 us worst case).
  const size_t page_glyphs = size_t(config.page_width) * size_t(config.page_max_height) / (16 * 16);
  packer.reserve(page_glyphs);
  records.reserve(records.size() + page_glyphs);
  lru.reserve(packer.shelf_count() + page_glyphs / 16);
  dirty.reserve(packer.shelf_count() + page_glyphs / 16);
  return packer.open_first_shelf(pi, pw, ph);
}

// Evicts every live allocation of a shelf and gives its space back.
void Atlas::Impl::evict_shelf(uint32_t s) {
  frames.count_evicted(shelf_bytes(s));
  packer.empty_shelf(s, [this](uint32_t slot) {
    records[slot].live = false;
    evicted.push_back(records[slot].alloc.handle);
    ++counters.evictions;
  });
  ++counters.evicted_shelves;
}

uint32_t Atlas::Impl::evict_for(PixelFormat format, int pw, int ph) {
  for (uint32_t s; (s = lru.oldest(format)) != ShelfLru::kNone;) {
    // Sorted by frame: once the oldest shelf is in flight, nothing newer is safe either.
    if (!frames.safe(lru.node(s).newest_frame)) return kNoId;
    if (!frames.may_evict(shelf_bytes(s))) return kNoId;
    evict_shelf(s);
    const uint32_t found = packer.find_space(format, pw, ph);
    if (found != kNoId) return found;
    // An emptied page may now be recycled by open_page.
    const uint32_t opened = open_page(format, pw, ph);
    if (opened != kNoId) return opened;
  }
  return evict_other_format_page(format, pw, ph);
}

// The budget is spent on pages of the other format: empties the one of them that is cheapest to
// evict (every shelf unpinned, least live area), so that open_page recycles it. Rare and
// O(shelves); only reached when this format has nothing left to evict.
uint32_t Atlas::Impl::evict_other_format_page(PixelFormat format, int pw, int ph) {
  std::vector<size_t> live_area(packer.page_count(), 0);
  std::vector<bool> pinned(packer.page_count(), false);
  for (uint32_t s = 0; s < packer.shelf_count(); ++s) {
    const ShelfPacker::Shelf& sh = packer.shelf(s);
    if (!sh.alive) continue;
    live_area[sh.page] += sh.live_area;
    if ((sh.live || sh.held) && !frames.safe(lru.node(s).newest_frame)) pinned[sh.page] = true;
  }
  const size_t need = store.bytes_for(format, initial_height_for(ph));
  uint32_t best = kNoId;
  for (uint32_t pi = 0; pi < packer.page_count(); ++pi) {
    const PixelFormat f = packer.page(pi).format;
    if (f == format || pinned[pi] || !store.fits_instead_of(pi, need)) continue;
    if (!frames.within_limit(live_area[pi] * size_t(bytes_per_pixel(f)))) continue;
    if (best == kNoId || live_area[pi] < live_area[best]) best = pi;
  }
  if (best == kNoId) return kNoId;
  for (uint32_t s = 0; s < packer.shelf_count(); ++s) {
    if (packer.shelf(s).alive && packer.shelf(s).page == best) evict_shelf(s);
  }
  return open_page(format, pw, ph);
}

AllocResult Atlas::Impl::place(uint32_t shelf, PixelFormat format, int w, int h) {
  const Placement pl = packer.place(shelf, w, h);
  while (records.size() <= pl.slot) records.emplace_back();
  Record& r = records[pl.slot];
  r.alloc.handle = AllocHandle{pl.slot, pl.generation};
  r.alloc.page = uint16_t(pl.page);
  r.alloc.format = format;
  r.alloc.rect = Rect{pl.x, pl.y, w, h};
  r.tag = frames.current();
  r.shelf = shelf;
  r.live = true;
  ++counters.allocations;
  lru.use(shelf, format, frames.current());
  return AllocResult{AllocStatus::kOk, r.alloc};
}

void Atlas::Impl::release_safe_spans() {
  frames.release_safe([this](const HeldSpan& span) { packer.free_held(span); });
}

}  // namespace glyphstream::atlas
