// Draw batcher: the glyph quads queued by draw_text() until flush(), turned into draw calls of
// one atlas page each, or of a coverage page and a colour page, that keep every overlapping
// pair of quads in draw order (batch_order.h: usually one draw call per coverage page), and the
// decorations drawn with them in Pango's order at no extra draw call: backgrounds at the front of
// the first batch, lines (underlines, overlines, strikethroughs, squiggles) at the end of the last.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "glyphstream/stats.h"
#include "gpu/gpu_device.h"
#include "pipeline/batch_order.h"
#include "pipeline/layout_memo.h"
#include "text/decoration.h"

namespace glyphstream::pipeline {

class FrameSink;  // frame_sink.h: where the draws go

// A glyph quad waiting for commit()/flush(). Hits are resolved at draw_text() (the entry stays
// valid all frame: a glyph touched in this frame is never evicted, and inserts do not move
// entries); misses are resolved through the cache when drawn.
struct QueuedGlyph {
  const atlas::CachedGlyph* glyph = nullptr;
  atlas::GlyphKey key;
  int pen_x = 0;  // integer pen position; the fractional part lives in key.subpixel_bin
  int pen_y = 0;  // baseline, px, y down
  uint32_t color = 0;
  uint32_t stand_in = UINT32_MAX;  // scaled drawing: index of the raster drawn until `key` is in
  gpu::InstanceClip clip;  // the pixels it may write (its draw call's clip, pipeline/clip.h)
};

// A raster of another size drawn in place of a glyph (scaled_glyphs.h), and where it goes.
struct StandIn {
  const atlas::CachedGlyph* glyph = nullptr;  // touched this frame: valid until flush()
  atlas::GlyphKey key;                        // the stand-in's own key
  float x = 0, y = 0, w = 0, h = 0;           // destination, px
};

// A growable array of a trivially copyable type whose new elements are not initialized: the
// ready instances are written once, where they are built (a vector's resize would clear them
// first, a second pass over the frame's instances).
template <typename T>
class PodBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  PodBuffer() = default;
  PodBuffer(const PodBuffer&) = delete;
  PodBuffer& operator=(const PodBuffer&) = delete;
  ~PodBuffer() { std::free(data_); }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  // Room for n more elements after size(); returns where they start.
  T* extend(size_t n) {
    if (size_ + n > capacity_) {
      const size_t cap = std::max(size_ + n, capacity_ * 2 + 1024);
      T* bigger = static_cast<T*>(std::malloc(cap * sizeof(T)));
      if (!bigger) throw std::bad_alloc();
      if (size_) std::memcpy(static_cast<void*>(bigger), data_, size_ * sizeof(T));
      std::free(data_);
      data_ = bigger;
      capacity_ = cap;
    }
    return data_ + size_;
  }
  void commit(size_t n) { size_ += n; }  // n elements written after size()
  size_t capacity() const { return capacity_; }
  // Room for n elements, the memory beyond size() written once: its pages are faulted in here,
  // not by the next writer (FramePacket::reserve, on the render thread).
  void reserve_touched(size_t n) {
    if (n <= capacity_) return;
    extend(n - size_);
    std::memset(static_cast<void*>(data_ + size_), 0, (capacity_ - size_) * sizeof(T));
  }

 private:
  T* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

class DrawBatcher {
 public:
  QueuedGlyph& push() { return queued_.emplace_back(); }
  // Ready instances: built at draw time (a layout memo, layout_memo.h), drawn in draw order
  // with the queued glyphs, colour glyphs flagged kSampleColorPage. ready_begin(n) gives room
  // for up to n quads and their pages (kColorPageBit for a colour page; written only for a run
  // that is `mixed`, the others' pages follow from the flag); ready_end(k, pages) queues the
  // first k of them, which sample `pages`.
  struct ReadyRun {
    gpu::GlyphInstance* instances;
    uint32_t* pages;
  };
  ReadyRun ready_begin(size_t n) { return {ready_.extend(n), ready_pages_.extend(n)}; }
  void ready_end(size_t k, const RunPages& pages);
  // Draws `q` from `s` unless q.key is resident by the time it is drawn.
  void set_stand_in(QueuedGlyph& q, const StandIn& s) {
    q.stand_in = uint32_t(stand_ins_.size());
    stand_ins_.push_back(s);
  }
  // Queues a layout's decorations drawn at (x, y) (their positions are relative to the text
  // origin); those without a colour of their own take `style_color` (straight RGBA8). Each is
  // drawn inside `clip`; one wholly outside it is dropped.
  void push_decorations(std::span<const text::Decoration> decorations, float x, float y,
                        uint32_t style_color, const gpu::InstanceClip& clip);
  void clear() {
    queued_.clear();
    ready_.clear();
    ready_pages_.clear();
    segments_.clear();
    stand_ins_.clear();
    below_.clear();
    above_.clear();
  }
  // Marks every queued glyph that is resident as used by the current frame (after a mid-frame
  // flush started a new one).
  void touch_queued(const atlas::GlyphCache& cache, atlas::Atlas& atlas) const;
  // Draws the queued glyphs that are resident, in draw order (BatchOrder), with the queued
  // decorations, and counts them in stats. With `keep_unresolved`, glyphs not yet in the cache
  // stay queued (a mid-frame flush), and so do the lines while any glyph does (they go over
  // every glyph); otherwise the queue is emptied.
  Status draw(const atlas::GlyphCache& cache, bool keep_unresolved, FrameSink& sink, int viewport_w,
              int viewport_h, FrameStats& stats);

 private:
  // The instance of one queued glyph that is resident (exact or a stand-in); false if none.
  bool instance_for(const QueuedGlyph& q, const atlas::CachedGlyph* g, gpu::GlyphInstance* inst,
                    uint32_t* page, PixelFormat* format, FrameStats& stats) const;
  // Moves the batches of order_ into draw_instances_ / draw_batches_, with the backgrounds in
  // front of the first batch and, if `lines`, the lines after the last (a batch on no page
  // when there is no glyph).
  void assemble(bool lines);
  // The frame is one run of ready quads and nothing else: drawn straight from ready_.
  bool ready_only() const;
  void assemble_ready(bool lines);
  // Adds the queued glyphs [from, to) to order_ (those not resolved kept if keep_unresolved).
  void order_queued(size_t from, size_t to, const atlas::GlyphCache& cache, bool keep_unresolved,
                    uint32_t* glyph_count, FrameStats& stats);

  // A run of ready quads [ready_begin, ready_end) that follows the first `queued_before`
  // queued glyphs in draw order.
  struct Segment {
    size_t queued_before = 0;
    size_t ready_begin = 0, ready_end = 0;
    RunPages pages;
  };

  std::vector<QueuedGlyph> queued_;
  PodBuffer<gpu::GlyphInstance> ready_;
  PodBuffer<uint32_t> ready_pages_;
  std::vector<Segment> segments_;
  std::vector<StandIn> stand_ins_;
  std::vector<gpu::GlyphInstance> below_, above_;  // decorations (kept: steady frames reuse)
  // Per-frame scratch, kept to avoid allocations in steady frames.
  BatchOrder order_;
  std::vector<gpu::GlyphInstance> draw_instances_;
  std::vector<gpu::DrawBatch> draw_batches_;
  std::vector<QueuedGlyph> unresolved_scratch_;
};

}  // namespace glyphstream::pipeline
