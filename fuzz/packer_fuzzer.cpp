// libFuzzer target for the shelf packer alone (src/atlas/shelf_packer.h): bytes decode into
// page additions, allocations, frees and held spans on small pages; after every step the
// packer's checker runs, and every live or held rectangle is compared with a plain model: inside
// its page, never overlapping another one. A violation aborts.
//
// Byte format: [config byte] then one op per byte (low 3 bits) with its arguments in the
// following bytes. Seeds: fuzz/corpus/packer/.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "atlas/shelf_packer.h"
#include "fuzz_check.h"

namespace {

using namespace glyphstream;
using namespace glyphstream::atlas;
using glyphstream::fuzz::check;

using Reader = glyphstream::fuzz::ByteReader;

struct Box {
  uint32_t page;
  Rect rect;
};

bool overlap(const Box& a, const Box& b) {
  return a.page == b.page && a.rect.x < b.rect.right() && b.rect.x < a.rect.right() &&
         a.rect.y < b.rect.bottom() && b.rect.y < a.rect.bottom();
}

Box box_of(const Placement& p) { return Box{p.page, Rect{p.x, p.y, p.w, p.h}}; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  const uint8_t cfg_byte = in.next();
  PackerConfig cfg;
  cfg.page_width = (cfg_byte & 1) ? 512 : 96;  // 512: two 256-px columns; 96: one column
  cfg.page_max_height = (cfg_byte & 2) ? 256 : 64;
  cfg.min_width = 1 + (cfg_byte >> 2 & 3);
  ShelfPacker packer(cfg);
  const PixelFormat formats[2] = {PixelFormat::kCoverage8, PixelFormat::kColor32};
  packer.add_page(formats[0], 16);

  std::vector<Placement> live;
  std::vector<std::pair<HeldSpan, Box>> held;
  for (int step = 0; !in.empty() && step < 4000; ++step) {
    const uint8_t op = in.next();
    switch (op & 7) {
      case 0:
      case 1:
      case 2: {  // allocate w h
        int w = int(in.next() % (cfg.page_width + 8));
        if (w > 0) w = std::max(w, cfg.min_width);  // callers never ask for narrower
        const int h = int(in.next() % (cfg.page_max_height + 8));
        const PackResult r = packer.allocate(formats[op >> 3 & 1], w, h);
        const bool fits = w > 0 && h > 0 && w <= cfg.page_width && h <= cfg.page_max_height;
        check((r.status == PackStatus::kTooLarge) == !fits, "kTooLarge exactly for misfits");
        if (r.status != PackStatus::kOk) break;
        const Box b = box_of(r.placement);
        check(b.rect.w == w && b.rect.h == h, "placement of another size");
        check(b.rect.x >= 0 && b.rect.y >= 0 && b.rect.right() <= cfg.page_width &&
                  b.rect.bottom() <= packer.page(b.page).height,
              "placement outside its page");
        for (const Placement& l : live) check(!overlap(b, box_of(l)), "overlaps a live one");
        for (const auto& [span, hb] : held) check(!overlap(b, hb), "overlaps a held span");
        live.push_back(r.placement);
        break;
      }
      case 3:    // free i
      case 4: {  // hold i
        if (live.empty()) break;
        const size_t i = in.next() % live.size();
        if ((op & 7) == 3) {
          packer.free(live[i].slot);
        } else {
          held.push_back({packer.hold(live[i].slot), box_of(live[i])});
        }
        check(packer.live_slot(live[i].slot, live[i].generation) == nullptr, "freed slot live");
        live.erase(live.begin() + long(i));
        break;
      }
      case 5: {  // free_held i
        if (held.empty()) break;
        const size_t i = in.next() % held.size();
        packer.free_held(held[i].first);
        held.erase(held.begin() + long(i));
        break;
      }
      case 6:  // add a page
        if (packer.page_count() < 8) packer.add_page(formats[op >> 3 & 1], 1 + in.next() % 64);
        break;
      case 7: {  // empty a shelf (as eviction does): its rectangles and held spans go
        if (live.empty()) break;
        const uint32_t shelf = live[in.next() % live.size()].shelf;
        packer.empty_shelf(shelf, [](uint32_t) {});
        std::erase_if(live, [&](const Placement& p) { return p.shelf == shelf; });
        std::erase_if(held, [&](const auto& h) { return h.first.shelf == shelf; });
        break;
      }
    }
    std::vector<HeldSpan> spans;
    for (const auto& h : held) spans.push_back(h.first);
    const std::string err = packer.check(spans);
    check(err.empty(), err.c_str());
    check(packer.live_count() == live.size(), "live count differs from the model");
  }
  return 0;
}
