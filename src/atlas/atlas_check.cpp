// Atlas::check_invariants(): the packer's own checker, then one function per invariant that
// joins parts (records, frame tags, LRU lists, dirty rects, page storage); and debug_image().
#include <string>

#include "atlas/atlas_impl.h"

namespace glyphstream::atlas {
namespace {

std::string shelf_name(uint32_t s) { return "shelf " + std::to_string(s) + ": "; }
std::string page_name(size_t p) { return "page " + std::to_string(p) + ": "; }

// Each live slot's record says where the packer put it (its rect is the slot's), and
// its frame tag is no newer than its shelf's.
std::string check_records(const ShelfPacker& packer, const AllocRecords& records,
                          const ShelfLru& lru) {
  if (records.size() != packer.slot_count()) return "allocation records missing";
  for (uint32_t a = 0; a < packer.slot_count(); ++a) {
    const ShelfPacker::Slot& sl = packer.slot(a);
    if (records[a].live != sl.live) return "allocation record liveness wrong";
    if (!sl.live) continue;
    const ShelfPacker::Shelf& sh = packer.shelf(sl.shelf);
    const AllocRecord& rec = records[a];
    const Rect& r = rec.alloc.rect;
    if (r.x != sl.x || r.y != sh.y || r.w != sl.w || r.h != sl.h || rec.alloc.page != sh.page ||
        rec.alloc.format != packer.page(sh.page).format || rec.alloc.handle.index != a ||
        rec.alloc.handle.generation != sl.generation || rec.shelf != sl.shelf) {
      return shelf_name(sl.shelf) + "allocation record inconsistent";
    }
    if (rec.tag > lru.node(sl.shelf).newest_frame)
      return shelf_name(sl.shelf) + "frame tag newer than shelf's";
  }
  return {};
}

// Exactly the shelves holding something (live or held) are on an LRU list.
std::string check_lru_membership(const ShelfPacker& packer, const ShelfLru& lru) {
  for (uint32_t s = 0; s < packer.shelf_count(); ++s) {
    const ShelfPacker::Shelf& sh = packer.shelf(s);
    const bool listed = lru.node(s).listed;
    if (sh.alive ? listed != (sh.live > 0 || sh.held > 0) : listed)
      return shelf_name(s) + "LRU membership wrong";
  }
  return {};
}

// Each LRU list: live shelves of its format, linked both ways, sorted by newest frame.
std::string check_lru_order(const ShelfPacker& packer, const ShelfLru& lru, PixelFormat format) {
  uint64_t last = 0;
  uint32_t prev = ShelfLru::kNone;
  size_t n = 0;
  for (uint32_t s = lru.oldest(format); s != ShelfLru::kNone; s = lru.node(s).next) {
    if (s >= packer.shelf_count()) return "LRU list corrupt";
    const ShelfPacker::Shelf& sh = packer.shelf(s);
    const ShelfLru::Node& node = lru.node(s);
    if (!sh.alive || node.prev != prev || packer.page(sh.page).format != format)
      return "LRU list corrupt";
    if (node.newest_frame < last) return "LRU list out of order";
    last = node.newest_frame;
    prev = s;
    if (++n > packer.shelf_count()) return "LRU list cycles";
  }
  return prev == lru.newest(format) ? std::string() : "LRU tail wrong";
}

// Dirty boxes lie inside live shelves of their page, and the lists and count agree.
std::string check_dirty(const ShelfPacker& packer, const DirtyTracker& dirty) {
  size_t listed = 0;
  for (uint32_t pi = 0; pi < packer.page_count(); ++pi) {
    for (uint32_t s : dirty.shelves_of(pi)) {
      const DirtyTracker::Box& b = dirty.box(s);
      if (s >= packer.shelf_count() || !packer.shelf(s).alive || packer.shelf(s).page != pi ||
          !b.dirty || b.page != pi) {
        return page_name(pi) + "dirty list names a clean or foreign shelf";
      }
      const ShelfPacker::Shelf& sh = packer.shelf(s);
      if (b.x0 < sh.x0 || b.y0 < sh.y || b.x1 > sh.x1 || b.y1 > sh.y + sh.h)
        return shelf_name(s) + "dirty rect outside the shelf";
      ++listed;
    }
  }
  return listed == dirty.dirty_shelves() ? std::string() : "dirty shelf count mismatch";
}

// Storage matches the packer's pages, and its counters the sums over pages, within budget.
std::string check_storage(const PageStore& store, const ShelfPacker& packer, int max_height) {
  if (store.count() != packer.page_count()) return "page count mismatch";
  size_t total_area = 0, bytes = 0;
  for (size_t pi = 0; pi < store.count(); ++pi) {
    const StoredPage& p = store.page(pi);
    if (p.pixels.size() != p.stride() * size_t(p.height))
      return page_name(pi) + "pixel storage size wrong";
    if (p.height > max_height) return page_name(pi) + "taller than allowed";
    if (p.height != packer.page(pi).height || p.format != packer.page(pi).format)
      return page_name(pi) + "storage and packer disagree";
    total_area += size_t(p.width) * size_t(p.height);
    bytes += p.pixels.size();
  }
  if (total_area != store.total_area()) return "total_area mismatch";
  if (bytes != store.bytes()) return "bytes counter mismatch";
  if (bytes > store.budget()) return "over the memory budget";
  return {};
}

}  // namespace

Status Atlas::check_invariants() const {
  const Impl& m = *impl_;
  std::vector<HeldSpan> held;
  m.frames.for_each_deferred([&](const HeldSpan& s) { held.push_back(s); });
  std::string e = m.packer.check(held);
  if (e.empty()) e = check_records(m.packer, m.records, m.lru);
  if (e.empty()) e = check_lru_membership(m.packer, m.lru);
  for (PixelFormat f : {PixelFormat::kCoverage8, PixelFormat::kColor32, PixelFormat::kLcd24}) {
    if (e.empty()) e = check_lru_order(m.packer, m.lru, f);
  }
  if (e.empty()) e = check_dirty(m.packer, m.dirty);
  if (e.empty()) e = check_storage(m.store, m.packer, m.config.page_max_height);
  if (e.empty()) return {};
  return {ErrorCode::kInternal, "atlas: " + e};
}

std::vector<uint8_t> Atlas::debug_image(size_t page) const {
  const Impl& m = *impl_;
  if (page >= m.store.count()) return {};
  const StoredPage& p = m.store.page(page);
  const size_t bpp = size_t(bytes_per_pixel(p.format));
  std::vector<uint8_t> img(size_t(p.width) * size_t(p.height) * 4);
  auto put = [&](int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    if (x < 0 || y < 0 || x >= p.width || y >= p.height) return;
    uint8_t* d = &img[(size_t(y) * size_t(p.width) + size_t(x)) * 4];
    d[0] = r, d[1] = g, d[2] = b, d[3] = 255;
  };
  auto ink = [&](int x, int y) {
    const uint8_t* px = p.pixels.data() + (size_t(y) * size_t(p.width) + size_t(x)) * bpp;
    int sum = 0;  // the mean of the pixel's bytes (coverage; LCD's R, G, B; RGBA)
    for (size_t c = 0; c < bpp; ++c) sum += px[c];
    return uint8_t(sum / int(bpp));
  };
  // Glyphs have no gutter: outlines are drawn over empty pixels only, so that the ink at a
  // glyph's edge still shows.
  auto outline = [&](int x0, int y0, int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    auto edge = [&](int x, int y) {
      if (x >= 0 && y >= 0 && x < p.width && y < p.height && ink(x, y) == 0) put(x, y, r, g, b);
    };
    for (int x = x0; x < x0 + w; ++x) edge(x, y0), edge(x, y0 + h - 1);
    for (int y = y0; y < y0 + h; ++y) edge(x0, y), edge(x0 + w - 1, y);
  };
  // Free space dark blue; shelves' pixels in grey.
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) put(x, y, 0, 0, 40);
  }
  for (uint32_t s = 0; s < m.packer.shelf_count(); ++s) {
    const ShelfPacker::Shelf& sh = m.packer.shelf(s);
    if (!sh.alive || sh.page != page) continue;
    for (int y = sh.y; y < sh.y + sh.h; ++y) {
      for (int x = sh.x0; x < sh.x1; ++x) {
        const uint8_t v = ink(x, y);
        put(x, y, v, v, v);
      }
    }
    outline(sh.x0, sh.y, sh.x1 - sh.x0, sh.h, 0, 200, 0);
    for (uint32_t a = sh.first_slot; a != kNoId; a = m.packer.slot(a).next) {
      const ShelfPacker::Slot& sl = m.packer.slot(a);
      outline(sl.x, sh.y, sl.w, sl.h, 230, 60, 40);
    }
  }
  return img;
}

}  // namespace glyphstream::atlas
