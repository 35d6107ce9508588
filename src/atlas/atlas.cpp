// The Atlas facade: the public calls, each a few lines over the parts (see atlas_impl.h).
#include "atlas/atlas.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "atlas/atlas_impl.h"

namespace glyphstream::atlas {
namespace {

// Defaults. A 1024-wide R8 page is 1 MiB at full height and holds ~5,000 16-px Latin glyphs
// (boxes of about 12 x 16 px) or ~1,000 32-px CJK glyphs (32 x 32 px); every GPU since GL 3
// allows 1024^2 textures and far more. Pages start at 256 rows (256 KiB) so that small apps pay
// little, and double up to square. 32 MiB holds 32 full R8 pages (~150k small glyphs) or 8 RGBA
// pages: ample for a UI, small next to GPU memory; a quarter of it may be evicted per frame so
// that a zoom burst recycles space within a few frames without rewriting everything at once.
constexpr int kDefaultPageWidth = 1024;
constexpr int kDefaultInitialHeight = 256;
constexpr size_t kDefaultBudget = size_t(32) << 20;

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

PackerConfig packer_config(const AtlasConfig& c) {
  return PackerConfig{c.page_width, c.page_max_height, 1};
}

}  // namespace

Atlas::Impl::Impl(const AtlasConfig& c)
    : config(with_defaults(c)),
      packer(packer_config(config)),
      store(config.page_width, config.page_max_height, config.memory_budget_bytes),
      frames(config.max_evicted_bytes_per_frame) {
  packer.set_observer(this);
}

Atlas::Atlas(const AtlasConfig& config) : impl_(std::make_unique<Impl>(config)) {}
Atlas::~Atlas() = default;

const AtlasConfig& Atlas::config() const { return impl_->config; }

void Atlas::begin_frame(uint64_t frame) {
  if (impl_->frames.begin_frame(frame)) impl_->release_safe_spans();
}

void Atlas::set_completed_frame(uint64_t frame) {
  if (impl_->frames.set_completed_frame(frame)) impl_->release_safe_spans();
}

uint64_t Atlas::current_frame() const { return impl_->frames.current(); }

AllocResult Atlas::allocate(PixelFormat format, int w, int h) {
  Impl& m = *impl_;
  // Zero or negative sizes can never be placed either: the caller must not retry.
  if (w <= 0 || h <= 0 || w > m.config.page_width || h > m.config.page_max_height) {
    return AllocResult{AllocStatus::kTooLarge, {}};
  }
  if (m.store.bytes_for(format, m.initial_height_for(h)) > m.config.memory_budget_bytes) {
    return AllocResult{AllocStatus::kTooLarge, {}};
  }
  uint32_t s = m.packer.find_space(format, w, h);
  if (s == kNoId) s = m.grow_for(format, w, h);
  if (s == kNoId) s = m.open_page(format, w, h);
  if (s == kNoId) s = m.evict_for(format, w, h);
  if (s == kNoId) {
    ++m.counters.full_results;
    return AllocResult{AllocStatus::kFull, {}};
  }
  return m.place(s, format, w, h);
}

void Atlas::lift_eviction_limit() { impl_->frames.lift_limit(); }

void Atlas::touch(AllocHandle handle) {
  Impl& m = *impl_;
  Impl::Record* r = m.live_record(handle);
  // Most touches of a frame repeat an earlier one (a letter used again): the slot is tagged
  // already, and its shelf carries this frame, which keeps it out of eviction's reach.
  if (!r || r->tag == m.frames.current()) return;
  r->tag = m.frames.current();
  m.lru.use(r->shelf, r->alloc.format, r->tag);
}

void Atlas::release(AllocHandle handle) {
  Impl& m = *impl_;
  Impl::Record* r = m.live_record(handle);
  if (!r) return;
  r->live = false;
  ++m.counters.frees;
  if (m.frames.safe(r->tag)) {
    m.packer.free(handle.index);
  } else {
    // A frame in flight may still sample these pixels: reuse waits until it completes.
    m.frames.defer(m.packer.hold(handle.index));
  }
}

const Allocation* Atlas::lookup(AllocHandle handle) const {
  const Impl::Record* r = impl_->live_record(handle);
  return r ? &r->alloc : nullptr;
}

void Atlas::write(AllocHandle handle, const uint8_t* src, size_t src_stride) {
  if (!src) return;
  copy_pixels(handle, src, src_stride);
  mark_dirty(handle);
}

void Atlas::copy_pixels(AllocHandle handle, const uint8_t* src, size_t src_stride) {
  Impl& m = *impl_;
  const Impl::Record* rec = m.live_record(handle);
  if (!rec || !src) return;
  const StoredPage& p = m.store.page(rec->alloc.page);
  const size_t bpp = size_t(bytes_per_pixel(p.format));
  const size_t stride = p.stride();
  const Rect& r = rec->alloc.rect;
  uint8_t* dst = m.store.pixels(rec->alloc.page) + size_t(r.y) * stride + size_t(r.x) * bpp;
  for (int row = 0; row < r.h; ++row) {
    std::memcpy(dst + size_t(row) * stride, src + size_t(row) * src_stride, size_t(r.w) * bpp);
  }
}

uint8_t* Atlas::clear_for_render(AllocHandle handle, size_t* stride) {
  const RenderTarget t = render_target(handle);
  if (!t.pixels) return nullptr;
  t.clear();
  *stride = t.stride;
  return t.pixels;
}

RenderTarget Atlas::render_target(AllocHandle handle) const {
  Impl& m = *impl_;
  const Impl::Record* rec = m.live_record(handle);
  if (!rec) return {};
  const StoredPage& p = m.store.page(rec->alloc.page);
  const size_t bpp = size_t(bytes_per_pixel(p.format));
  const Rect& r = rec->alloc.rect;
  RenderTarget t;
  t.stride = p.stride();
  t.pixels = m.store.pixels(rec->alloc.page) + size_t(r.y) * t.stride + size_t(r.x) * bpp;
  t.row_bytes = size_t(r.w) * bpp;
  t.rows = r.h;
  return t;
}

void RenderTarget::clear() const {
  uint8_t* row = pixels;
  for (int y = 0; y < rows; ++y, row += stride) std::memset(row, 0, row_bytes);
}

void Atlas::mark_dirty(AllocHandle handle) {
  Impl& m = *impl_;
  const Impl::Record* rec = m.live_record(handle);
  if (!rec) return;
  const ShelfPacker::Slot& slot = m.packer.slot(handle.index);
  const int py = m.packer.shelf(slot.shelf).y;
  m.dirty.mark(rec->alloc.page, slot.shelf, slot.x, py, slot.x + slot.w, py + slot.h);
}

size_t Atlas::page_count() const { return impl_->store.count(); }

PageInfo Atlas::page_info(size_t page) const {
  if (page >= impl_->store.count()) return {};
  const StoredPage& p = impl_->store.page(page);
  return PageInfo{p.format, p.width, p.height, p.generation, impl_->packer.page(page).used_area};
}

const uint8_t* Atlas::page_pixels(size_t page) const {
  return page < impl_->store.count() ? impl_->store.page(page).pixels.data() : nullptr;
}

size_t Atlas::page_stride(size_t page) const {
  return page < impl_->store.count() ? impl_->store.page(page).stride() : 0;
}

std::vector<Rect> Atlas::take_dirty_rects(size_t page) {
  if (page >= impl_->store.count()) return {};
  return impl_->dirty.take(uint32_t(page));
}

bool Atlas::has_dirty() const { return impl_->dirty.any(); }

std::vector<AllocHandle> Atlas::take_evicted() { return std::exchange(impl_->evicted, {}); }

AtlasCounters Atlas::counters() const {
  const Impl& m = *impl_;
  AtlasCounters c = m.counters;
  c.pages = m.store.count();
  c.bytes = m.store.bytes();
  c.live_allocations = m.packer.live_count();
  c.used_area = m.packer.used_area();
  c.total_area = m.store.total_area();
  c.growths = m.store.growths();
  c.occupancy = c.total_area ? double(c.used_area) / double(c.total_area) : 0.0;
  return c;
}

uint64_t Atlas::growths() const { return impl_->store.growths(); }

void set_page_allocation_failure_for_testing(size_t min_bytes) {
  set_page_failure_threshold(min_bytes);
}

}  // namespace glyphstream::atlas
