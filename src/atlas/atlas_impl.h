// The atlas's insides: a facade over parts that each make sense alone (see each header):
//   ShelfPacker   where rectangles go (shelves, columns, height buckets, joined tails);
//   PageStore     the CPU page images, their growth and the memory budget;
//   FrameGuard    frame tags, deferred frees and the per-frame eviction allowance;
//   ShelfLru      shelves in least-recently-used order, for eviction;
//   DirtyTracker  written regions per shelf, coalesced into copy rectangles.
// Impl joins them: the allocation order (room, growth, a new page, eviction) and the handles.
#pragma once

#include <cstdint>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/chunked_vector.h"
#include "atlas/dirty_tracker.h"
#include "atlas/frame_guard.h"
#include "atlas/page_store.h"
#include "atlas/shelf_lru.h"
#include "atlas/shelf_packer.h"

namespace glyphstream::atlas {

// What the atlas keeps per packer slot: the caller's record, the newest frame that used it, and
// (copied from the packer, so that touch() and lookup() read one record) its shelf and liveness.
struct AllocRecord {
  Allocation alloc;
  uint64_t tag = 0;
  uint32_t shelf = kNoId;
  bool live = false;
};
using AllocRecords = ChunkedVector<AllocRecord, 64>;  // by packer slot

struct Atlas::Impl final : ShelfObserver {
  using Record = AllocRecord;

  explicit Impl(const AtlasConfig& c);

  // ShelfObserver: per-shelf state outside the packer follows the shelf's life.
  void shelf_emptied(uint32_t shelf) override { lru.remove(shelf); }
  void shelf_closed(uint32_t shelf) override {
    lru.remove(shelf);
    dirty.drop(shelf);
  }
  void shelf_cut(uint32_t shelf, int new_x1) override { dirty.clip(shelf, new_x1); }

  // Allocation order after the packer's own search (atlas_alloc.cpp); each returns a shelf with
  // room for a pw x ph glyph, or kNoId.
  uint32_t grow_for(PixelFormat format, int pw, int ph);
  uint32_t open_page(PixelFormat format, int pw, int ph);
  uint32_t evict_for(PixelFormat format, int pw, int ph);
  uint32_t evict_other_format_page(PixelFormat format, int pw, int ph);
  void evict_shelf(uint32_t shelf);
  AllocResult place(uint32_t shelf, PixelFormat format, int w, int h);
  int initial_height_for(int ph) const;
  size_t shelf_bytes(uint32_t shelf) const;  // of its live allocations

  void release_safe_spans();
  Record* live_record(AllocHandle h) {
    if (h.index >= records.size()) return nullptr;
    Record& r = records[h.index];
    return r.live && r.alloc.handle.generation == h.generation ? &r : nullptr;
  }
  const Record* live_record(AllocHandle h) const { return const_cast<Impl*>(this)->live_record(h); }

  AtlasConfig config;
  ShelfPacker packer;
  PageStore store;
  FrameGuard frames;
  ShelfLru lru;
  DirtyTracker dirty;
  AllocRecords records;
  std::vector<AllocHandle> evicted;
  AtlasCounters counters;  // the cumulative ones; the parts hold the rest
};

}  // namespace glyphstream::atlas
