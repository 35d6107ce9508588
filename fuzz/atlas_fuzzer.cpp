// libFuzzer target for the atlas: bytes decode into a sequence of operations on a small atlas
// (so that growth, new pages, tail merges and eviction happen within a few hundred steps), and
// check_invariants() runs after every step; a violation aborts. Also checks that a frame in
// flight never sees its regions reused and that nothing drawn in the current frame is evicted.
//
// Byte format: [config byte] then one op per byte (low 3 bits) with its arguments in the
// following bytes. Seeds: fuzz/corpus/atlas/.
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "atlas/atlas.h"
#include "fuzz_check.h"

namespace {

using namespace glyphstream;
using namespace glyphstream::atlas;

using Reader = glyphstream::fuzz::ByteReader;

using glyphstream::fuzz::check;

bool intersects(const Rect& a, const Rect& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  const uint8_t cfg_byte = in.next();
  AtlasConfig cfg;
  cfg.page_width = (cfg_byte & 1) ? 512 : 128;  // 512: two 256-px columns
  cfg.page_initial_height = 32;
  cfg.page_max_height = (cfg_byte & 2) ? 256 : 128;
  cfg.memory_budget_bytes =
      size_t(cfg.page_width) * size_t(cfg.page_max_height) * (1 + (cfg_byte >> 2 & 3));
  cfg.max_evicted_bytes_per_frame = (cfg_byte & 16) ? 1024 : 0;
  Atlas atlas(cfg);

  struct Live {
    AllocHandle handle;
    uint64_t last_used;
  };
  std::vector<Live> live;
  std::map<uint64_t, std::vector<std::pair<uint16_t, Rect>>> in_flight;  // frame -> rects
  uint64_t frame = 0, completed = 0;
  bool any_completed = false;
  std::vector<uint8_t> pixels(600 * 600 * 4, 0x5a);

  for (int step = 0; !in.empty() && step < 4000; ++step) {
    const uint8_t op = in.next();
    switch (op & 7) {
      case 0:
      case 1: {                              // allocate w h [format]
        const int w = int(in.next() % 140);  // 0 and > page width: invalid / too large
        const int h = int(in.next() % 140);
        const PixelFormat f = (op & 8) ? PixelFormat::kColor32 : PixelFormat::kCoverage8;
        AllocResult r = atlas.allocate(f, w, h);
        for (AllocHandle e : atlas.take_evicted()) {
          for (const Live& l : live) {
            check(!(l.handle == e && l.last_used == frame), "evicted a glyph used in this frame");
          }
          std::erase_if(live, [&](const Live& l) { return l.handle == e; });
        }
        if (r.status == AllocStatus::kOk) {
          const Rect pr = r.alloc.rect;
          for (const auto& [fr, uses] : in_flight) {
            if (any_completed && fr <= completed) continue;
            for (const auto& [page, rect] : uses) {
              check(!(page == r.alloc.page && intersects(rect, pr)),
                    "reused a region of a frame in flight");
            }
          }
          live.push_back({r.alloc.handle, frame});
          in_flight[frame].push_back({r.alloc.page, pr});
          if (op & 16) {
            atlas.write(r.alloc.handle, pixels.data(), size_t(w) * size_t(bytes_per_pixel(f)));
          }
        }
        break;
      }
      case 2: {  // release i
        if (live.empty()) break;
        const size_t i = in.next() % live.size();
        atlas.release(live[i].handle);
        check(atlas.lookup(live[i].handle) == nullptr, "released handle still live");
        live.erase(live.begin() + long(i));
        break;
      }
      case 3: {  // touch i
        if (live.empty()) break;
        Live& l = live[in.next() % live.size()];
        const Allocation* a = atlas.lookup(l.handle);
        check(a != nullptr, "live handle not found");
        if (!a) break;
        atlas.touch(l.handle);
        l.last_used = frame;
        in_flight[frame].push_back({a->page, a->rect});
        break;
      }
      case 4:  // begin_frame
        atlas.begin_frame(++frame);
        break;
      case 5: {  // set_completed_frame(frame - lag)
        const uint64_t lag = in.next() % 4;
        if (frame >= lag && (!any_completed || frame - lag > completed)) {
          completed = frame - lag;
          any_completed = true;
          atlas.set_completed_frame(completed);
          while (!in_flight.empty() && in_flight.begin()->first <= completed)
            in_flight.erase(in_flight.begin());
        }
        break;
      }
      case 6: {  // write i
        if (live.empty()) break;
        const Allocation* a = atlas.lookup(live[in.next() % live.size()].handle);
        if (a)
          atlas.write(a->handle, pixels.data(),
                      size_t(a->rect.w) * size_t(bytes_per_pixel(a->format)));
        break;
      }
      case 7: {  // take_dirty_rects(page): must stay inside the page
        if (atlas.page_count() == 0) break;
        const size_t page = in.next() % atlas.page_count();
        const PageInfo info = atlas.page_info(page);
        for (const Rect& r : atlas.take_dirty_rects(page)) {
          check(!r.empty() && r.x >= 0 && r.y >= 0 && r.right() <= info.width &&
                    r.bottom() <= info.height,
                "dirty rect outside the page");
        }
        break;
      }
    }
    const Status st = atlas.check_invariants();
    if (!st.ok()) check(false, st.to_string().c_str());
  }
  return 0;
}
