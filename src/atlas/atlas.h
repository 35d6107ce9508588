// The glyph atlas: multi-page shelf packing, CPU page images, dirty-rectangle tracking, growth
// and LRU eviction guarded by frame tags. Plain C++: no GPU and no font headers, so tests and
// fuzzers drive it alone. Not thread-safe: the owner calls it from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream::atlas {

// Zero means "default" everywhere (see atlas.cpp for the defaults and why).
struct AtlasConfig {
  int page_width = 0;              // default 1024
  int page_initial_height = 0;     // default 256; a page grows by doubling its height
  int page_max_height = 0;         // default page_width
  size_t memory_budget_bytes = 0;  // CPU page images of all formats; default 32 MiB
  // Most bytes of live allocations evicted on demand in one frame; past it allocate() answers
  // kFull until the next frame. Default: a quarter of the budget.
  size_t max_evicted_bytes_per_frame = 0;
};

// A handle with a generation counter: a stale handle never aliases a newer allocation.
struct AllocHandle {
  uint32_t index = UINT32_MAX;
  uint32_t generation = 0;
  bool valid() const { return index != UINT32_MAX; }
  friend bool operator==(const AllocHandle&, const AllocHandle&) = default;
};

// "Full" is a normal result, not an error.
enum class AllocStatus : uint8_t {
  kOk = 0,
  kFull,      // nothing fits: budget reached, and nothing evictable (pinned or rate limit)
  kTooLarge,  // larger than a whole page can ever be; the caller must not retry
};

struct Allocation {
  AllocHandle handle;
  uint16_t page = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  // The glyph's rectangle (w x h as asked), with no gutter: the renderers read a glyph's own
  // texels only (texelFetch inside its rect; a scaled glyph's bilinear taps are clamped to it),
  // so a neighbour's pixels are never sampled and a gutter would be bytes for nothing.
  Rect rect;
};

// Where a glyph rendered straight into its page goes (issue 26): the allocation's first pixel,
// rows `stride` bytes apart. Valid while the page keeps its memory (growth keeps it; only
// recycling an empty page moves it).
struct RenderTarget {
  uint8_t* pixels = nullptr;  // nullptr: a stale handle
  size_t stride = 0;
  size_t row_bytes = 0;
  int rows = 0;
  // Zeroes the allocation's rect (a slot may hold an old glyph's pixels): from any thread, for
  // distinct allocations, while nothing else writes their pixels.
  void clear() const;
};

struct AllocResult {
  AllocStatus status = AllocStatus::kFull;
  Allocation alloc;
};

struct PageInfo {
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;           // current height; grows by doubling, never shrinks
  uint32_t generation = 0;  // bumps each time the page grows (its pixel storage moved)
  size_t used_area = 0;     // area of live allocations, in pixels
};

struct AtlasCounters {
  size_t pages = 0;
  size_t bytes = 0;  // CPU page images
  size_t live_allocations = 0;
  size_t used_area = 0;      // pixels of live allocations, all pages
  size_t total_area = 0;     // pixels of all pages
  double occupancy = 0;      // used_area / total_area
  uint64_t allocations = 0;  // cumulative
  uint64_t frees = 0;        // cumulative, explicit release()
  uint64_t evictions = 0;    // cumulative, allocations evicted
  uint64_t evicted_shelves = 0;
  uint64_t growths = 0;       // page height doublings
  uint64_t full_results = 0;  // kFull answers
};

class Atlas {
 public:
  explicit Atlas(const AtlasConfig& config = {});
  ~Atlas();
  Atlas(const Atlas&) = delete;
  Atlas& operator=(const Atlas&) = delete;

  const AtlasConfig& config() const;  // with defaults filled in

  // Frames. begin_frame() takes strictly increasing numbers; allocations made or touched in a
  // frame are tagged with it. set_completed_frame(f): every frame <= f has finished on the GPU.
  // A region is evictable only if its newest tag is <= the completed frame and is not the
  // current frame: nothing a frame in flight may sample is ever reused.
  void begin_frame(uint64_t frame);
  void set_completed_frame(uint64_t frame);
  uint64_t current_frame() const;

  // Finds room for a w x h glyph of the given format: an existing shelf, a new
  // shelf, a page that grows, a new page within the budget, or LRU eviction of unpinned shelves
  // (rate-limited per frame). Never moves a live allocation.
  AllocResult allocate(PixelFormat format, int w, int h);
  // Lifts the per-frame eviction limit until the next begin_frame(): for the frame that follows
  // a flush forced by a full atlas, where eviction is the only way forward.
  void lift_eviction_limit();
  // Marks an allocation as used in the current frame (pins it until that frame completes).
  void touch(AllocHandle handle);
  // Frees one allocation; an emptied shelf is reclaimed.
  void release(AllocHandle handle);
  // The allocation, or nullptr if the handle is stale (released or evicted).
  const Allocation* lookup(AllocHandle handle) const;

  // Copies w x h pixels (rows of src_stride bytes, the page's pixel format) into the
  // allocation's rect and marks it dirty.
  void write(AllocHandle handle, const uint8_t* src, size_t src_stride);
  // write() in two halves, so that the copies of many glyphs can run in parallel: mark_dirty()
  // on the owning thread, copy_pixels() from any thread, for distinct live handles, while no
  // other call mutates the atlas. The dirty rect must be taken only after the copy.
  void mark_dirty(AllocHandle handle);
  void copy_pixels(AllocHandle handle, const uint8_t* src, size_t src_stride);
  // For a glyph rendered straight into its page (issue 26): zeroes the allocation's rect (a
  // slot may hold an old glyph's pixels) and returns where it starts, rows *stride bytes apart;
  // nullptr for a stale handle. Valid until the page changes (as page_pixels()); the same threading
  // as copy_pixels(). Mark it dirty as for a copy.
  uint8_t* clear_for_render(AllocHandle handle, size_t* stride);
  // clear_for_render() in two halves: the target on the owning thread, then its clear() and the
  // rendering on any thread (the same threading as copy_pixels(), but the atlas may go on
  // placing other glyphs meanwhile: no call of the owner writes page pixels, and a page with a
  // live allocation keeps its memory).
  RenderTarget render_target(AllocHandle handle) const;

  size_t page_count() const;
  PageInfo page_info(size_t page) const;
  // The page's CPU image: height rows of stride bytes. Valid until the page grows.
  const uint8_t* page_pixels(size_t page) const;
  size_t page_stride(size_t page) const;

  // The dirty rectangles of a page, coalesced (per shelf band, then adjacent bands merged when
  // that wastes little), covering every written pixel; clears the page's dirty state.
  std::vector<Rect> take_dirty_rects(size_t page);
  bool has_dirty() const;

  // Allocations evicted since the last call, so that the owner drops its cache entries.
  std::vector<AllocHandle> take_evicted();

  AtlasCounters counters() const;
  // counters().growths alone (cheap: asked at every draw by the layout memo).
  uint64_t growths() const;

  // Checks every invariant (no overlap, inside the page, bookkeeping consistent, occupancy
  // equals the sum of live allocations); returns the first violation as kInternal.
  Status check_invariants() const;

  // A debug picture of a page as RGBA8 (width x height x 4): pixels in grey, shelves and
  // allocation outlines in colour, free space dark. For `glyphstream-render --dump-atlas`.
  std::vector<uint8_t> debug_image(size_t page) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Fault injection for tests: while non-zero, every page allocation of at least this many bytes
// fails as if memory were exhausted (std::bad_alloc inside the atlas, kOutOfMemory at the API).
// Page memory comes from calloc (lazily zeroed by the kernel), so replacing operator new cannot
// simulate it.
void set_page_allocation_failure_for_testing(size_t min_bytes);

}  // namespace glyphstream::atlas
