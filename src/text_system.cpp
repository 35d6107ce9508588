// The pipeline: layout (Pango) -> glyph keys -> cache -> rasterize misses (worker threads) ->
// pack + stage (atlas) -> upload (GPU backend) -> draw. The only file that sees every layer.
#include "glyphstream/text_system.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>
#include <new>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "core/claim_queue.h"
#include "core/thread_pool.h"
#include "core/utf8.h"
#include "gpu/gpu_device.h"
#include "text/font_registry.h"
#include "text/layout.h"
#include "text/rasterizer.h"

namespace glyphstream {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t ns_since(Clock::time_point start) {
  return uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
}

// Below this many misses, rasterizing on the caller beats any thread hand-off.
constexpr size_t kInlineRasterLimit = 8;
// A draw_text() call with at least this many new glyphs hands them to the workers at once,
// with a worker per two glyphs (a scrolled-in line's few new glyphs are spread, not
// rasterized one after another by the caller in commit()).
constexpr size_t kEagerRasterMin = 4;
constexpr size_t kGlyphsPerWorker = 2;

// Largest layout worth caching: bigger texts are rare and would crowd out the rest.
constexpr size_t kMaxCachedLayoutBytes = 64 * 1024;

// A layout plus what a steady frame needs to draw it again without recomputing anything: the
// glyph keys and integer pen offsets for the fractional position it was last drawn at, and the
// cache entries they resolved to (valid while the glyph cache's epoch is unchanged).
struct PreparedGlyph {
  atlas::GlyphKey key;
  int dx = 0, dy = 0;
  const atlas::CachedGlyph* glyph = nullptr;
};
struct CachedLayout : text::LayoutResult {
  explicit CachedLayout(text::LayoutResult&& r) : text::LayoutResult(std::move(r)) {}
  float frac_x = -1, frac_y = -1;
  uint64_t cache_epoch = ~uint64_t(0);
  std::vector<PreparedGlyph> prepared;
};

// What a layout depends on. Looked up through LayoutKeyRef, so that a steady frame's
// draw_text() builds no string (an allocation and a copy of the text per call, before).
static_assert(sizeof(float) == sizeof(uint32_t));
struct LayoutKeyRef {
  std::string_view font, text;
  uint32_t wrap_bits = 0;  // the float's bits: every value, NaN too, equals itself
  bool markup = false;
};
struct LayoutKey {
  std::string font, text;
  uint32_t wrap_bits = 0;
  bool markup = false;
};
inline LayoutKeyRef key_ref(const LayoutKeyRef& k) { return k; }
inline LayoutKeyRef key_ref(const LayoutKey& k) { return {k.font, k.text, k.wrap_bits, k.markup}; }
struct LayoutKeyHash {
  using is_transparent = void;
  template <typename K>
  size_t operator()(const K& key) const {
    const LayoutKeyRef k = key_ref(key);
    size_t h = std::hash<std::string_view>()(k.text);
    auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    mix(std::hash<std::string_view>()(k.font));
    mix((size_t(k.wrap_bits) << 1) | size_t(k.markup));
    return h;
  }
};
struct LayoutKeyEq {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    const LayoutKeyRef x = key_ref(a), y = key_ref(b);
    return x.wrap_bits == y.wrap_bits && x.markup == y.markup && x.font == y.font &&
           x.text == y.text;
  }
};

struct LayoutCache {
  using Entry = std::pair<LayoutKey, std::shared_ptr<CachedLayout>>;
  std::list<Entry> lru;  // front = most recent
  std::unordered_map<LayoutKey, std::list<Entry>::iterator, LayoutKeyHash, LayoutKeyEq> index;
  size_t capacity = 1024;

  std::shared_ptr<CachedLayout> find(const LayoutKeyRef& key) {
    auto it = index.find(key);
    if (it == index.end()) return nullptr;
    lru.splice(lru.begin(), lru, it->second);
    return it->second->second;
  }
  void insert(const LayoutKeyRef& key, std::shared_ptr<CachedLayout> value) {
    if (capacity == 0) return;
    if (auto it = index.find(key); it != index.end()) {  // not expected: find() came first
      it->second->second = std::move(value);
      return;
    }
    LayoutKey owned{std::string(key.font), std::string(key.text), key.wrap_bits, key.markup};
    lru.emplace_front(owned, std::move(value));
    index.emplace(std::move(owned), lru.begin());
    while (lru.size() > capacity) {
      index.erase(lru.back().first);
      lru.pop_back();
    }
  }
};

// A glyph quad waiting for commit()/flush(). Hits are resolved at draw_text() (the entry stays
// valid all frame: a glyph touched in this frame is never evicted, and inserts do not move
// entries); misses are resolved through the cache when drawn.
struct QueuedGlyph {
  const atlas::CachedGlyph* glyph = nullptr;
  atlas::GlyphKey key;
  int pen_x = 0;  // integer pen position; the fractional part lives in key.subpixel_bin
  int pen_y = 0;  // baseline, px, y down
  uint32_t color = 0;
};

// A glyph handed to the rasterizer workers, and its bitmap once `done`.
struct RasterItem {
  atlas::GlyphKey key;
  Result<text::GlyphBitmap> bitmap{Status(ErrorCode::kInternal, "not rasterized")};
  std::atomic<uint32_t> done{0};
};
using RasterQueue = ClaimQueue<RasterItem>;
// Where a miss went: {queue, index} in the commit interval's raster queues.
struct QueuedAt {
  uint32_t queue = UINT32_MAX;  // UINT32_MAX: not queued
  uint32_t index = 0;
};

// No exception leaves the library: the public entry points run their bodies through this.
template <typename Fn>
auto guarded(const char* what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kOutOfMemory, std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  } catch (...) {
    return Status(ErrorCode::kInternal, std::string(what) + ": unknown exception");
  }
}

}  // namespace

struct TextSystem::Impl {
  TextSystemDesc desc;
  text::FontRegistry registry;
  std::unique_ptr<text::Layouter> layouter;
  std::unique_ptr<ThreadPool> pool;
  text::ColorStrikeCache color_strikes;  // decoded emoji strikes, shared by the rasterizers
  std::vector<std::unique_ptr<text::Rasterizer>> rasterizers;  // one per pool thread index
  std::unique_ptr<atlas::Atlas> atlas;
  atlas::GlyphCache cache;
  std::unique_ptr<gpu::GpuDevice> gpu;
  UploadMode mode = UploadMode::kAsync;
  LayoutCache layouts;

  // Frame state.
  uint64_t frame = 0;
  bool in_frame = false;
  uint64_t layout_ns_between_frames = 0;  // measure()/prefetch() layouts before the next frame
  int viewport_w = 0, viewport_h = 0;
  Clock::time_point frame_start;
  std::vector<QueuedGlyph> queued;
  std::vector<atlas::GlyphKey> misses;  // distinct keys not in the cache, in first-use order
  std::unordered_set<atlas::GlyphKey, atlas::GlyphKeyHash> miss_set;
  std::set<text::FaceId> faces_this_frame;
  // Per-frame scratch, kept to avoid allocations in steady frames.
  std::vector<std::vector<gpu::GlyphInstance>> page_instances;
  std::vector<gpu::GlyphInstance> draw_instances;
  std::vector<gpu::DrawBatch> draw_batches;
  std::vector<QueuedGlyph> unresolved_scratch;
  // Pages whose last upload failed (say, another GL context was current): their dirty rects
  // were taken, so the next upload sends them whole. Nothing written is ever lost.
  std::vector<bool> resend_page;
  bool resend_pending = false;
  FrameStats stats;
  FrameStats last_stats;
  std::vector<FrameStats> finished_stats;
  atlas::AtlasCounters counters_at_frame_start;

  // Prefetch: bitmaps rasterized in the background, waiting for a commit.
  std::mutex prefetch_mutex;
  std::unordered_map<atlas::GlyphKey, text::GlyphBitmap, atlas::GlyphKeyHash> prefetched;
  std::unordered_set<atlas::GlyphKey, atlas::GlyphKeyHash> prefetch_inflight;
  std::condition_variable prefetch_ready;  // a worker finished a glyph

  // This commit interval's rasterizer queues: draw_text() pushes new glyphs to the open one
  // (the last, while not closed), commit() closes it and collects the bitmaps in miss order.
  // finish() closes it too, so a later draw_text() of the same interval opens another.
  std::vector<std::shared_ptr<RasterQueue>> raster_queues;
  size_t raster_queue_jobs = 0;       // pool jobs draining the open queue
  std::vector<QueuedAt> miss_queued;  // parallel to `misses`
  // Glyphs placed but not yet copied into their page (the bitmaps stay alive in commit()).
  struct PendingWrite {
    atlas::AllocHandle handle;
    const text::GlyphBitmap* bitmap;
  };
  std::vector<PendingWrite> pending_writes;

  Result<std::shared_ptr<CachedLayout>> layout(std::string_view utf8, const TextStyle& style);
  static atlas::GlyphKey key_for(const text::ShapedGlyph& g, float x, float y, int* pen_x,
                                 int* pen_y);
  static atlas::GlyphKey key_for_fraction(const text::ShapedGlyph& g, float fx, float fy, int* dx,
                                          int* dy);
  void start_frame_stats();
  void drop_evicted();
  Status upload_dirty(gpu::UploadStats* ustats);
  // Counts a glyph that is drawn as nothing, and says why (the first few of a frame).
  void glyph_error(const atlas::GlyphKey& key, const std::string& why) {
    ++stats.raster_errors;
    if (stats.raster_error_messages.size() >= FrameStats::kMaxErrorMessages) return;
    char size[32];
    std::snprintf(size, sizeof size, "%.2f", double(key.size_26_6) / 64.0);
    stats.raster_error_messages.push_back("glyph " + std::to_string(key.glyph_id) + " of " +
                                          registry.source(key.face_id).family + " at " + size +
                                          " px: " + why);
  }
  // A worker's rasterization; an exception (bad_alloc) becomes an error result, so that whoever
  // waits for this glyph is always woken.
  Result<text::GlyphBitmap> rasterize_guarded(int worker, const atlas::GlyphKey& k) {
    try {
      return rasterizers[size_t(worker)]->rasterize(
          {k.face_id, k.glyph_id, k.size_26_6, k.subpixel_bin});
    } catch (const std::exception& e) {
      return Status(ErrorCode::kInternal, std::string("rasterize: ") + e.what());
    }
  }
  // Places one rasterized glyph in the atlas and the glyph cache (a failed bitmap is counted).
  Status pack_one(const atlas::GlyphKey& key, Result<text::GlyphBitmap>& bitmap);
  Status draw_queued(bool only_resolved);
  Status mid_frame_flush();
  Status finish();
  // Hands keys (already marked in flight) to the workers; results land in `prefetched`.
  void submit_raster_jobs(const std::vector<atlas::GlyphKey>& keys);
  // The open raster queue (a new one if the last is closed), drained by at least `workers`
  // pool jobs (at most one per worker).
  RasterQueue& open_raster_queue(size_t workers);
  bool raster_queue_open() const {
    return !raster_queues.empty() && !raster_queues.back()->closed();
  }
  void close_raster_queue() {
    if (raster_queue_open()) raster_queues.back()->close();
  }
  // Pushes miss i to the open queue; false when it is full.
  bool queue_miss(size_t i);
  // Queues misses [first, end) that nobody rasterizes yet (a full queue leaves the rest to
  // commit()).
  void queue_misses(size_t first);
  // Copies the pending glyphs into their pages, in parallel when there are many.
  void write_pending();
  // The same, one by one if the parallel attempt throws (for destructors).
  void write_pending_noexcept() noexcept {
    try {
      write_pending();
    } catch (...) {
      for (const PendingWrite& w : pending_writes) copy_pending(w);
      pending_writes.clear();
    }
  }
  // After an exception in commit() (misses left behind): keeps the misses not yet placed, for
  // a retry that rasterizes them again (their queue items may have been moved out), and
  // drops those placed already. A normal exit has cleared the misses: nothing to do.
  void forget_unfinished_misses() noexcept {
    if (misses.empty()) return;
    std::erase_if(misses, [this](const atlas::GlyphKey& k) {
      if (!cache.find(k)) return false;
      miss_set.erase(k);
      return true;
    });
    miss_queued.clear();
    raster_queues.clear();
  }
  void copy_pending(const PendingWrite& w) noexcept {
    atlas->copy_pixels(w.handle, w.bitmap->pixels.data(),
                       size_t(w.bitmap->width) * bytes_per_pixel(w.bitmap->format));
  }
  // Rasterizes a queued glyph on thread `worker` and marks it done, whatever happens.
  void rasterize_item(int worker, RasterItem& item) noexcept;
  Status commit();
  Status flush();
};

// ---------------------------------------------------------------------------------------------

Result<std::shared_ptr<CachedLayout>> TextSystem::Impl::layout(std::string_view utf8,
                                                               const TextStyle& style) {
  LayoutKeyRef key{style.font, utf8, 0, style.markup};
  std::memcpy(&key.wrap_bits, &style.wrap_width, sizeof key.wrap_bits);
  if (auto hit = layouts.find(key)) return hit;
  text::LayoutParams params;
  params.font = style.font;
  params.wrap_width = style.wrap_width;
  params.markup = style.markup;
  const auto start = Clock::now();
  GS_ASSIGN_OR_RETURN(text::LayoutResult result, layouter->layout(utf8, params));
  // Layout outside a frame (measure(), prefetch()) counts in the next frame's stats.
  (in_frame ? stats.layout_ns : layout_ns_between_frames) += ns_since(start);
  auto shared = std::make_shared<CachedLayout>(std::move(result));
  if (utf8.size() <= kMaxCachedLayoutBytes) layouts.insert(key, shared);
  return shared;
}

atlas::GlyphKey TextSystem::Impl::key_for(const text::ShapedGlyph& g, float x, float y, int* pen_x,
                                          int* pen_y) {
  // x = X + fx with X whole: the result depends on the fractions only, so a layout drawn again
  // at the same fractional position reuses its prepared keys (exact: a float minus its floor is
  // representable).
  const double whole_x = std::floor(double(x)), whole_y = std::floor(double(y));
  int dx = 0, dy = 0;
  const atlas::GlyphKey key =
      key_for_fraction(g, float(double(x) - whole_x), float(double(y) - whole_y), &dx, &dy);
  *pen_x = int(whole_x) + dx;
  *pen_y = int(whole_y) + dy;
  return key;
}

atlas::GlyphKey TextSystem::Impl::key_for_fraction(const text::ShapedGlyph& g, float fx, float fy,
                                                   int* dx, int* dy) {
  // Four horizontal sub-pixel bins: the fraction of the pen position is baked into the bitmap,
  // so that every quad lands on whole pixels and samples texels 1:1.
  const double px = double(fx) + double(g.x);
  // Colour strikes have no sub-pixel variants: their pen is rounded to the nearest pixel.
  double ix = g.is_color_font ? std::round(px) : std::floor(px);
  int bin = int(std::lround((px - ix) * 4.0));
  if (bin == 4) {
    bin = 0;
    ix += 1;
  }
  *dx = int(ix);
  *dy = int(std::lround(double(fy) + double(g.y)));
  atlas::GlyphKey key;
  key.face_id = g.face;
  key.glyph_id = g.glyph_id;
  key.size_26_6 = g.size_26_6;
  // Colour bitmaps are scaled from a strike: sub-pixel variants would only waste atlas space.
  key.subpixel_bin = g.is_color_font ? 0 : uint8_t(bin);
  return key;
}

void TextSystem::Impl::start_frame_stats() {
  stats = FrameStats{};
  stats.layout_ns = std::exchange(layout_ns_between_frames, 0);
  stats.frame = frame;
  stats.upload_mode = mode;
  stats.threads = pool->size();
  counters_at_frame_start = atlas->counters();
  faces_this_frame.clear();
}

void TextSystem::Impl::drop_evicted() {
  for (const atlas::AllocHandle& h : atlas->take_evicted()) cache.erase_handle(h);
}

Status TextSystem::Impl::upload_dirty(gpu::UploadStats* ustats) {
  const auto start = Clock::now();
  const size_t page_count = atlas->page_count();
  if (resend_page.size() < page_count) resend_page.resize(page_count, false);
  std::vector<std::vector<Rect>> rects(page_count);
  std::vector<gpu::PageUpload> uploads;
  for (size_t p = 0; p < page_count; ++p) {
    rects[p] = atlas->take_dirty_rects(p);
    const atlas::PageInfo info = atlas->page_info(p);
    if (resend_page[p]) rects[p] = {Rect{0, 0, info.width, info.height}};
    if (rects[p].empty()) continue;
    gpu::PageUpload up;
    up.page = uint32_t(p);
    up.format = info.format;
    up.width = info.width;
    up.height = info.height;
    up.pixels = atlas->page_pixels(p);
    up.stride = atlas->page_stride(p);
    up.dirty = rects[p];
    uploads.push_back(up);
  }
  Status status;
  if (!uploads.empty()) status = gpu->upload(uploads, mode, ustats);
  for (const gpu::PageUpload& up : uploads) resend_page[up.page] = !status.ok();
  resend_pending = !status.ok() && !uploads.empty();
  stats.upload_cpu_ns += ns_since(start);
  return status;
}

Status TextSystem::Impl::pack_one(const atlas::GlyphKey& key, Result<text::GlyphBitmap>& bitmap) {
  const auto start = Clock::now();
  if (!bitmap.ok()) {
    glyph_error(key, bitmap.status().message());
    stats.pack_ns += ns_since(start);
    return {};
  }
  const text::GlyphBitmap& bm = bitmap.value();
  atlas::CachedGlyph entry;
  entry.bearing_x = int16_t(bm.left);
  entry.bearing_y = int16_t(bm.top);
  entry.format = bm.format;
  if (bm.width > 0 && bm.height > 0) {
    atlas::AllocResult r = atlas->allocate(bm.format, bm.width, bm.height);
    drop_evicted();
    if (r.status == atlas::AllocStatus::kFull) {
      // Everything left is pinned by this frame: draw what is queued, start a new frame
      // (which unpins it once the GPU is done), and try again.
      GS_TRY(mid_frame_flush());
      r = atlas->allocate(bm.format, bm.width, bm.height);
      drop_evicted();
    }
    if (r.status != atlas::AllocStatus::kOk) {
      // Drawn as nothing; the rest of the frame goes on.
      const atlas::AtlasConfig& c = atlas->config();
      glyph_error(key, r.status == atlas::AllocStatus::kTooLarge
                           ? std::to_string(bm.width) + " x " + std::to_string(bm.height) +
                                 " px is larger than an atlas page (" +
                                 std::to_string(c.page_width) + " x " +
                                 std::to_string(c.page_max_height) + " px)"
                           : std::string("no atlas space: every page is pinned by this frame "
                                         "even after a mid-frame flush"));
      stats.pack_ns += ns_since(start);
      return {};
    }
    // The copy into the page waits for write_pending(): there, all of a commit's glyphs are
    // copied by every thread, instead of one by one on the caller between allocations.
    atlas->mark_dirty(r.alloc.handle);
    pending_writes.push_back({r.alloc.handle, &bm});
    entry.handle = r.alloc.handle;
    entry.page = r.alloc.page;
    entry.rect = r.alloc.rect;
    stats.glyph_bytes +=
        uint64_t(bm.width + 2) * uint64_t(bm.height + 2) * uint64_t(bytes_per_pixel(bm.format));
  }
  cache.insert(key, entry);
  ++stats.glyphs_rasterized;
  stats.pack_ns += ns_since(start);
  return {};
}

Status TextSystem::Impl::commit() {
  // A steady frame (everything cached, nothing staged) costs nothing here.
  if (misses.empty() && !atlas->has_dirty() && !resend_pending) {
    std::lock_guard lock(prefetch_mutex);
    if (prefetched.empty() && prefetch_inflight.empty()) return {};
  }
  const auto start = Clock::now();
  // Nothing more comes for this interval: the workers finish what is queued and leave.
  close_raster_queue();
  // Misses are queued for the workers (draw_text() pushed them while it went on laying out),
  // rasterized already (prefetch), in flight as a prefetch job, or still to do.
  const size_t n = misses.size();
  miss_queued.resize(n);
  std::vector<Result<text::GlyphBitmap>> bitmaps;
  bitmaps.reserve(n);
  std::vector<std::pair<atlas::GlyphKey, Result<text::GlyphBitmap>>> rest;  // prefetched extras
  // Pending writes point into `bitmaps` and `rest`: whatever ends this call (an exception
  // included), the placed glyphs reach their pages before those go.
  struct OnExit {
    Impl* self;
    ~OnExit() {
      self->write_pending_noexcept();
      self->forget_unfinished_misses();
    }
  } on_exit{this};
  std::vector<bool> have(n, false);
  std::vector<size_t> to_rasterize;
  bool any_in_flight = false;
  pool->drain_inline();
  auto collect = [&](size_t i) {  // prefetch_mutex held
    auto it = prefetched.find(misses[i]);
    if (it == prefetched.end()) return false;
    bitmaps[i] = std::move(it->second);
    prefetched.erase(it);
    have[i] = true;
    return true;
  };
  {
    std::lock_guard lock(prefetch_mutex);
    const bool prefetching = !prefetched.empty() || !prefetch_inflight.empty();
    for (size_t i = 0; i < n; ++i) {
      bitmaps.emplace_back(Status(ErrorCode::kInternal, "not rasterized"));
      if (miss_queued[i].queue != UINT32_MAX) continue;
      if (prefetching && collect(i)) continue;
      if (prefetching && prefetch_inflight.count(misses[i])) {
        any_in_flight = true;
      } else {
        to_rasterize.push_back(i);
      }
    }
  }
  auto rasterize_here = [&](size_t i) {
    const atlas::GlyphKey& k = misses[i];
    bitmaps[i] = rasterizers[0]->rasterize({k.face_id, k.glyph_id, k.size_26_6, k.subpixel_bin});
    have[i] = true;
  };
  // Glyphs nobody started: a few are quicker here than any hand-off; more go to a queue that
  // the workers and the caller share.
  if (pool->size() > 1 && to_rasterize.size() > kInlineRasterLimit) {
    RasterQueue& q = open_raster_queue(to_rasterize.size());
    std::vector<size_t> overflow;
    for (size_t i : to_rasterize) {
      if (!queue_miss(i)) overflow.push_back(i);
    }
    q.close();
    to_rasterize.swap(overflow);
  }
  if (!to_rasterize.empty()) {
    const auto t = Clock::now();
    for (size_t i : to_rasterize) rasterize_here(i);
    stats.rasterize_ns += ns_since(t);
  }

  // The caller packs each glyph in miss order (the atlas layout does not depend on thread
  // timing) as soon as its bitmap is there, and rasterizes the next glyph nobody has taken
  // while it would otherwise wait: packing overlaps rasterization instead of following it.
  Status status;
  for (size_t i = 0; i < n && status.ok(); ++i) {
    if (!have[i] && miss_queued[i].queue != UINT32_MAX) {
      RasterQueue& q = *raster_queues[miss_queued[i].queue];
      RasterItem& item = q[miss_queued[i].index];
      const auto t = Clock::now();
      while (!item.done.load(std::memory_order_acquire)) {
        if (const size_t j = q.try_take(); j != RasterQueue::kNone) {
          rasterize_item(0, q[j]);
          continue;
        }
        item.done.wait(0, std::memory_order_acquire);
      }
      bitmaps[i] = std::move(item.bitmap);
      have[i] = true;
      stats.rasterize_ns += ns_since(t);
    } else if (!have[i]) {
      const auto t = Clock::now();
      bool failed = false;
      {
        std::unique_lock lock(prefetch_mutex);
        prefetch_ready.wait(lock,
                            [&] { return collect(i) || !prefetch_inflight.count(misses[i]); });
        failed = !have[i];
      }
      if (failed) rasterize_here(i);  // its job failed: rasterize here for the error
      stats.rasterize_ns += ns_since(t);
    }
    status = pack_one(misses[i], bitmaps[i]);
  }
  if (status.ok()) {
    if (any_in_flight) pool->wait_idle();
    // Prefetched glyphs nobody asked for yet are made resident too, in key order so that the
    // atlas does not depend on thread timing.
    {
      std::lock_guard lock(prefetch_mutex);
      for (auto& [key, bitmap] : prefetched) {
        if (!cache.find(key) && !miss_set.count(key)) rest.emplace_back(key, std::move(bitmap));
      }
      prefetched.clear();
    }
    std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) {
      const auto& x = a.first;
      const auto& y = b.first;
      return std::tie(x.face_id, x.glyph_id, x.size_26_6, x.subpixel_bin) <
             std::tie(y.face_id, y.glyph_id, y.size_26_6, y.subpixel_bin);
    });
    for (auto& [key, bitmap] : rest) {
      status = pack_one(key, bitmap);
      if (!status.ok()) break;
    }
  }
  write_pending();  // before the bitmaps go, and before the dirty rects are taken
  misses.clear();
  miss_set.clear();
  miss_queued.clear();
  raster_queues.clear();  // workers still finishing an item hold their queue
  if (status.ok()) {
    gpu::UploadStats ustats;
    status = upload_dirty(&ustats);
    stats.bytes_uploaded += ustats.bytes;
    stats.copy_commands += ustats.copy_commands;
    stats.stall_ns += ustats.stall_ns;
    stats.stalls += ustats.stalls;
  }
  stats.commit_cpu_ns += ns_since(start);
  return status;
}

void TextSystem::Impl::submit_raster_jobs(const std::vector<atlas::GlyphKey>& keys) {
  // prefetch()'s background jobs (drawn glyphs go through the raster queue instead). Batches of
  // 8, so that a line's colour emoji (each 0.1-0.3 ms: PNG inflate and scaling) spread over the
  // workers instead of queueing on one.
  constexpr size_t kBatch = 8;
  for (size_t b = 0; b < keys.size(); b += kBatch) {
    std::vector<atlas::GlyphKey> batch(keys.begin() + long(b),
                                       keys.begin() + long(std::min(keys.size(), b + kBatch)));
    pool->submit([this, batch = std::move(batch)](int worker) {
      // The batch's results are published under one lock: one lock per glyph made 15 workers
      // and the caller's draw_text() queue on prefetch_mutex.
      std::vector<Result<text::GlyphBitmap>> done;
      done.reserve(batch.size());
      for (const atlas::GlyphKey& k : batch) done.push_back(rasterize_guarded(worker, k));
      {
        std::lock_guard lock(prefetch_mutex);
        for (size_t j = 0; j < batch.size(); ++j) {
          prefetch_inflight.erase(batch[j]);
          if (done[j].ok()) prefetched.emplace(batch[j], std::move(done[j]).value());
        }
      }
      prefetch_ready.notify_all();  // commit() may be waiting for one of these
    });
  }
}

void TextSystem::Impl::write_pending() {
  if (pending_writes.empty()) return;
  const auto start = Clock::now();
  // Below this many glyphs, waking the workers costs more than the copies.
  constexpr size_t kParallelWriteMin = 64;
  if (pool->size() > 1 && pending_writes.size() >= kParallelWriteMin) {
    pool->parallel_for(pending_writes.size(), 16,
                       [this](int, size_t k) { copy_pending(pending_writes[k]); });
  } else {
    for (const PendingWrite& w : pending_writes) copy_pending(w);
  }
  pending_writes.clear();
  stats.pack_ns += ns_since(start);
}

RasterQueue& TextSystem::Impl::open_raster_queue(size_t workers) {
  if (raster_queues.empty() || raster_queues.back()->closed()) {
    raster_queues.push_back(std::make_shared<RasterQueue>());
    raster_queue_jobs = 0;
  }
  // A job per worker for the whole interval, instead of one hand-off per batch of glyphs: a
  // worker sleeps in the queue between draw_text() calls and leaves when it is closed. More
  // join as more glyphs come.
  const std::shared_ptr<RasterQueue>& q = raster_queues.back();
  workers = std::min(workers, size_t(pool->size() - 1));
  for (; raster_queue_jobs < workers; ++raster_queue_jobs) {
    pool->submit(
        [this, q](int worker) { q->drain([&](size_t i) { rasterize_item(worker, (*q)[i]); }); });
  }
  return *q;
}

bool TextSystem::Impl::queue_miss(size_t i) {
  RasterQueue& q = *raster_queues.back();
  RasterItem* item = q.push();
  if (!item) return false;
  item->key = misses[i];
  miss_queued[i] = {uint32_t(raster_queues.size() - 1), uint32_t(q.size() - 1)};
  return true;
}

void TextSystem::Impl::queue_misses(size_t first) {
  RasterQueue& q = open_raster_queue(0);
  {
    std::lock_guard lock(prefetch_mutex);
    const bool prefetching = !prefetched.empty() || !prefetch_inflight.empty();
    for (size_t i = first; i < misses.size(); ++i) {
      const atlas::GlyphKey& k = misses[i];
      if (prefetching && (prefetched.count(k) || prefetch_inflight.count(k))) continue;
      if (!queue_miss(i)) break;  // full: commit() rasterizes the rest
    }
  }
  q.publish();
  open_raster_queue((q.size() + kGlyphsPerWorker - 1) / kGlyphsPerWorker);
}

void TextSystem::Impl::rasterize_item(int worker, RasterItem& item) noexcept {
  try {
    item.bitmap = rasterize_guarded(worker, item.key);
  } catch (...) {
    try {
      item.bitmap = Status(ErrorCode::kOutOfMemory, "rasterize: out of memory");
    } catch (...) {  // the item keeps its "not rasterized" error
    }
  }
  // Whoever waits for this glyph is woken, whatever happened above.
  item.done.store(1, std::memory_order_release);
  item.done.notify_one();
}

Status TextSystem::Impl::draw_queued(bool only_resolved) {
  // One draw call per page: instances are bucketed by page, keeping the painter's order within
  // each page.
  if (page_instances.size() < atlas->page_count()) page_instances.resize(atlas->page_count());
  for (auto& bucket : page_instances) bucket.clear();
  unresolved_scratch.clear();
  for (const QueuedGlyph& q : queued) {
    const atlas::CachedGlyph* g = q.glyph ? q.glyph : cache.find(q.key);
    if (!g) {
      if (only_resolved) unresolved_scratch.push_back(q);
      continue;  // failed to rasterize or pack: counted already
    }
    if (g->empty()) continue;
    const int x = q.pen_x + g->bearing_x;
    const int y = q.pen_y - g->bearing_y;
    // Quads wholly outside the int16 range cannot be on screen.
    if (x < -32768 + 4096 || x > 32767 - 4096 || y < -32768 + 4096 || y > 32767 - 4096) continue;
    gpu::GlyphInstance inst;
    inst.x = int16_t(x);
    inst.y = int16_t(y);
    inst.w = uint16_t(g->rect.w);
    inst.h = uint16_t(g->rect.h);
    inst.u = uint16_t(g->rect.x);
    inst.v = uint16_t(g->rect.y);
    inst.color = q.color;
    page_instances[g->page].push_back(inst);
  }
  queued.swap(unresolved_scratch);  // both keep their capacity for the next frame
  draw_instances.clear();
  draw_batches.clear();
  for (uint32_t page = 0; page < page_instances.size(); ++page) {
    const auto& bucket = page_instances[page];
    if (bucket.empty()) continue;
    draw_batches.push_back({page, uint32_t(draw_instances.size()), uint32_t(bucket.size())});
    draw_instances.insert(draw_instances.end(), bucket.begin(), bucket.end());
  }
  if (draw_instances.empty()) return {};
  stats.glyphs_drawn += uint32_t(draw_instances.size());
  stats.draw_calls += uint32_t(draw_batches.size());
  return gpu->draw(draw_instances, draw_batches, viewport_w, viewport_h);
}

Status TextSystem::Impl::mid_frame_flush() {
  // Upload what is staged, draw every queued glyph that is resident, close the frame and wait
  // for the GPU: afterwards nothing is pinned but what is still queued.
  write_pending();
  gpu::UploadStats ustats;
  GS_TRY(upload_dirty(&ustats));
  stats.bytes_uploaded += ustats.bytes;
  stats.copy_commands += ustats.copy_commands;
  GS_TRY(draw_queued(/*only_resolved=*/true));
  GS_TRY(gpu->end_frame(frame));
  GS_TRY(gpu->finish());
  ++stats.mid_frame_flushes;
  ++frame;
  atlas->begin_frame(frame);
  atlas->set_completed_frame(gpu->completed_frame());
  atlas->lift_eviction_limit();  // nothing is in flight now: evict whatever it takes
  for (const QueuedGlyph& q : queued) {
    if (const atlas::CachedGlyph* g = cache.find(q.key); g && !g->empty()) atlas->touch(g->handle);
  }
  return {};
}

Status TextSystem::Impl::flush() {
  if (!misses.empty() || resend_pending) GS_TRY(commit());
  const auto start = Clock::now();
  Status status = draw_queued(/*only_resolved=*/false);
  queued.clear();
  if (status.ok()) status = gpu->end_frame(frame);
  stats.draw_cpu_ns += ns_since(start);

  if (gpu->timer_queries_available()) {
    for (const gpu::GpuTimings& t : gpu->take_timings()) {
      stats.gpu_timing_available = true;
      stats.gpu_upload_ns = t.upload_ns;
      stats.gpu_draw_ns = t.draw_ns;
      stats.gpu_timing_frame = t.frame;
    }
  }
  const atlas::AtlasCounters c = atlas->counters();
  stats.pages = uint32_t(c.pages);
  stats.atlas_bytes = c.bytes;
  stats.occupancy = c.occupancy;
  stats.evictions = c.evictions - counters_at_frame_start.evictions;
  stats.growths = c.growths - counters_at_frame_start.growths;
  stats.cached_glyphs = cache.size();
  for (text::FaceId f : faces_this_frame) {
    const std::string family = registry.source(f).family;
    if (std::find(stats.fonts_used.begin(), stats.fonts_used.end(), family) ==
        stats.fonts_used.end()) {
      stats.fonts_used.push_back(family);
    }
  }
  stats.frame_cpu_ns = ns_since(frame_start);
  last_stats = stats;
  finished_stats.push_back(stats);
  if (finished_stats.size() > 100000) finished_stats.erase(finished_stats.begin());
  in_frame = false;
  return status;
}

// ---------------------------------------------------------------------------------------------

TextSystem::TextSystem(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TextSystem::~TextSystem() {
  if (!impl_ || !impl_->pool) return;
  impl_->close_raster_queue();  // its workers leave once the queued glyphs are done
  impl_->pool->wait_idle();
}

Result<std::unique_ptr<TextSystem>> TextSystem::create(const TextSystemDesc& desc) {
  return guarded("TextSystem::create", [&]() -> Result<std::unique_ptr<TextSystem>> {
    if (desc.threads < 0 || desc.threads > 256) {
      return Status(ErrorCode::kInvalidArgument, "threads must be 0 (default) or 1..256");
    }
    if (desc.page_width < 0 || desc.page_width > 16384 || desc.page_max_height < 0 ||
        desc.page_max_height > 16384 || desc.page_initial_height < 0 ||
        desc.page_initial_height > 16384) {
      return Status(ErrorCode::kInvalidArgument,
                    "atlas page sizes must be 0 (default) or 1..16384");
    }
    auto impl = std::make_unique<Impl>();
    impl->desc = desc;
    if (desc.layout_cache_entries) impl->layouts.capacity = desc.layout_cache_entries;

    impl->mode = desc.upload_mode;
    if (!desc.upload_mode_set) {
      const char* env = std::getenv("GLYPHSTREAM_SYNC_UPLOADS");
      impl->mode = (env && std::string_view(env) == "1") ? UploadMode::kSync : UploadMode::kAsync;
    }

    gpu::GpuDeviceDesc gdesc;
    gdesc.staging_ring_depth = desc.staging_ring_depth;
    gdesc.frames_in_flight = desc.frames_in_flight;
    const int threads = desc.threads > 0 ? desc.threads : ThreadPool::default_threads();
    impl->pool = std::make_unique<ThreadPool>(threads);
    // The rasterizer workers also share the staging writes of large uploads.
    ThreadPool* pool = impl->pool.get();
    gdesc.parallel_for = [pool](size_t n, const std::function<void(size_t)>& fn) {
      pool->parallel_for(n, 1, [&fn](int, size_t i) { fn(i); });
    };
    GS_ASSIGN_OR_RETURN(impl->gpu, gpu::create_gl_device(gdesc));

    GS_ASSIGN_OR_RETURN(impl->layouter, text::Layouter::create(&impl->registry));
    for (int i = 0; i < impl->pool->size(); ++i) {
      impl->rasterizers.push_back(
          std::make_unique<text::Rasterizer>(&impl->registry, &impl->color_strikes));
    }

    atlas::AtlasConfig acfg;
    acfg.page_width = desc.page_width;
    acfg.page_max_height = desc.page_max_height;
    acfg.page_initial_height = desc.page_initial_height;
    acfg.memory_budget_bytes = desc.atlas_budget_bytes;
    impl->atlas = std::make_unique<atlas::Atlas>(acfg);
    return std::unique_ptr<TextSystem>(new TextSystem(std::move(impl)));
  });
}

Status TextSystem::begin_frame(int viewport_width, int viewport_height) {
  return guarded("begin_frame", [&]() -> Status {
    Impl& s = *impl_;
    if (viewport_width <= 0 || viewport_height <= 0 || viewport_width > 32768 ||
        viewport_height > 32768) {
      return {ErrorCode::kInvalidArgument, "viewport size must be 1..32768 px"};
    }
    if (s.in_frame) GS_TRY(s.flush());  // an unfinished frame is finished, not lost
    s.frame_start = Clock::now();
    ++s.frame;
    s.in_frame = true;
    s.viewport_w = viewport_width;
    s.viewport_h = viewport_height;
    s.atlas->begin_frame(s.frame);
    s.atlas->set_completed_frame(s.gpu->completed_frame());
    s.start_frame_stats();
    return {};
  });
}

Status TextSystem::draw_text(float x, float y, std::string_view utf8, const TextStyle& style) {
  return guarded("draw_text", [&]() -> Status {
    Impl& s = *impl_;
    if (!s.in_frame)
      return {ErrorCode::kInvalidArgument, "draw_text() outside begin_frame()/flush()"};
    if (!std::isfinite(x) || !std::isfinite(y)) {
      return {ErrorCode::kInvalidArgument, "text position must be finite"};
    }
    GS_ASSIGN_OR_RETURN(auto laid_out, s.layout(utf8, style));
    const uint32_t default_color = style.color.to_rgba8();
    s.faces_this_frame.insert(laid_out->faces_used.begin(), laid_out->faces_used.end());
    s.stats.glyphs_requested += uint32_t(laid_out->glyphs.size());
    const size_t misses_before = s.misses.size();
    const double whole_x = std::floor(double(x)), whole_y = std::floor(double(y));
    const float fx = float(double(x) - whole_x), fy = float(double(y) - whole_y);
    CachedLayout& L = *laid_out;
    const size_t n = L.glyphs.size();
    if (L.frac_x != fx || L.frac_y != fy || L.prepared.size() != n) {
      L.prepared.resize(n);
      for (size_t i = 0; i < n; ++i) {
        PreparedGlyph& p = L.prepared[i];
        p.key = Impl::key_for_fraction(L.glyphs[i], fx, fy, &p.dx, &p.dy);
      }
      L.frac_x = fx;
      L.frac_y = fy;
      L.cache_epoch = ~uint64_t(0);
    }
    if (L.cache_epoch != s.cache.epoch()) {
      for (PreparedGlyph& p : L.prepared) p.glyph = nullptr;  // re-resolved below
      L.cache_epoch = s.cache.epoch();
    }
    const int ix = int(whole_x), iy = int(whole_y);
    for (size_t i = 0; i < n; ++i) {
      PreparedGlyph& p = L.prepared[i];
      const text::ShapedGlyph& g = L.glyphs[i];
      QueuedGlyph& q = s.queued.emplace_back();
      q.key = p.key;
      q.pen_x = ix + p.dx;
      q.pen_y = iy + p.dy;
      q.color =
          g.has_color ? ((g.color_rgba & 0xffffff00u) | (default_color & 0xffu)) : default_color;
      if (!p.glyph) p.glyph = s.cache.find(p.key);  // inserts keep pointers: no epoch change
      if (p.glyph) {
        ++s.stats.glyph_hits;
        q.glyph = p.glyph;
        if (!p.glyph->empty()) s.atlas->touch(p.glyph->handle);
      } else if (s.miss_set.insert(q.key).second) {
        s.misses.push_back(q.key);
      }
    }
    // New glyphs go to the workers now, while the caller goes on with layout; commit() collects
    // the bitmaps. The first queue of an interval waits for a call with a few new glyphs (one
    // or two are quicker on the caller in commit() than waking a worker); once it is open,
    // every new glyph joins it.
    s.miss_queued.resize(s.misses.size());
    const size_t new_misses = s.misses.size() - misses_before;
    if (s.pool->size() > 1 && new_misses > 0 &&
        (s.raster_queue_open() || new_misses >= kEagerRasterMin)) {
      s.queue_misses(misses_before);
    }
    return {};
  });
}

Result<TextMetrics> TextSystem::measure(std::string_view utf8, const TextStyle& style) {
  return guarded("measure", [&]() -> Result<TextMetrics> {
    GS_ASSIGN_OR_RETURN(auto laid_out, impl_->layout(utf8, style));
    TextMetrics m;
    m.width = laid_out->width;
    m.height = laid_out->height;
    m.line_height = laid_out->line_height;
    m.baseline = laid_out->baseline;
    m.lines = laid_out->line_count;
    return m;
  });
}

Status TextSystem::commit() {
  return guarded("commit", [&]() -> Status {
    if (!impl_->in_frame) return {ErrorCode::kInvalidArgument, "commit() outside a frame"};
    return impl_->commit();
  });
}

Status TextSystem::flush() {
  return guarded("flush", [&]() -> Status {
    if (!impl_->in_frame) return {ErrorCode::kInvalidArgument, "flush() outside a frame"};
    return impl_->flush();
  });
}

Status TextSystem::prefetch(std::string_view utf8, const TextStyle& style) {
  return guarded("prefetch", [&]() -> Status {
    Impl& s = *impl_;
    GS_ASSIGN_OR_RETURN(auto laid_out, s.layout(utf8, style));
    std::vector<atlas::GlyphKey> keys;
    {
      std::lock_guard lock(s.prefetch_mutex);
      for (const text::ShapedGlyph& g : laid_out->glyphs) {
        int px, py;
        const atlas::GlyphKey key = s.key_for(g, 0, 0, &px, &py);
        if (s.cache.find(key) || s.prefetched.count(key) ||
            !s.prefetch_inflight.insert(key).second) {
          continue;
        }
        keys.push_back(key);
      }
    }
    s.submit_raster_jobs(keys);
    return {};
  });
}

void TextSystem::set_upload_mode(UploadMode mode) { impl_->mode = mode; }
UploadMode TextSystem::upload_mode() const { return impl_->mode; }
int TextSystem::threads() const { return impl_->pool->size(); }

Status TextSystem::add_font_file(const std::string& path) {
  return guarded("add_font_file", [&]() -> Status { return impl_->layouter->add_font_file(path); });
}

const FrameStats& TextSystem::last_frame_stats() const { return impl_->last_stats; }

std::vector<FrameStats> TextSystem::take_frame_stats() {
  std::vector<FrameStats> out;
  out.swap(impl_->finished_stats);
  return out;
}

std::string TextSystem::gpu_renderer() const { return impl_->gpu->renderer(); }
std::string TextSystem::async_path() const { return impl_->gpu->async_path(); }
size_t TextSystem::atlas_page_count() const { return impl_->atlas->page_count(); }

std::vector<std::vector<uint8_t>> TextSystem::debug_atlas_images(
    std::vector<std::pair<int, int>>* sizes) const {
  try {
    return debug_atlas_images_unguarded(sizes);
  } catch (...) {
    sizes->clear();
    return {};  // a debug picture is not worth failing for
  }
}

std::vector<std::vector<uint8_t>> TextSystem::debug_atlas_images_unguarded(
    std::vector<std::pair<int, int>>* sizes) const {
  std::vector<std::vector<uint8_t>> images;
  sizes->clear();
  for (size_t p = 0; p < impl_->atlas->page_count(); ++p) {
    const atlas::PageInfo info = impl_->atlas->page_info(p);
    images.push_back(impl_->atlas->debug_image(p));
    sizes->emplace_back(info.width, info.height);
  }
  return images;
}

Status TextSystem::throttle(int max_in_flight) {
  Impl& s = *impl_;
  const uint64_t last_finished = s.in_frame ? s.frame - 1 : s.frame;
  if (max_in_flight < 0 || last_finished <= uint64_t(max_in_flight)) return {};
  return s.gpu->wait_frame(last_finished - uint64_t(max_in_flight));
}

Status TextSystem::finish() {
  return guarded("finish", [&]() -> Status { return impl_->finish(); });
}

Status TextSystem::Impl::finish() {
  // Background rasterization (prefetch, queued glyphs) is submitted work too. A queue stays
  // open across draw_text() calls with its workers asleep in it: closed here, they leave.
  close_raster_queue();
  pool->wait_idle();
  GS_TRY(gpu->finish());
  // Every timer query has landed now: attach the results to the frames they measured.
  if (gpu->timer_queries_available()) {
    for (const gpu::GpuTimings& t : gpu->take_timings()) {
      auto attach = [&](FrameStats& f) {
        if (f.frame != t.frame) return;
        f.gpu_timing_available = true;
        f.gpu_upload_ns = t.upload_ns;
        f.gpu_draw_ns = t.draw_ns;
        f.gpu_timing_frame = t.frame;
      };
      attach(last_stats);
      for (FrameStats& f : finished_stats) attach(f);
    }
  }
  return {};
}

Result<double> TextSystem::measure_upload_bandwidth(size_t bytes) {
  return guarded("measure_upload_bandwidth",
                 [&]() -> Result<double> { return gpu::measure_upload_bandwidth(bytes); });
}

}  // namespace glyphstream
