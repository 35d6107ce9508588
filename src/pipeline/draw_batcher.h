// Draw batcher: the glyph quads queued by draw_text() until flush(), turned into draw calls of
// one atlas page each, or of a coverage page and a colour page, that keep every overlapping
// pair of quads in draw order (batch_order.h: usually one draw call per coverage page), and the
// decorations drawn with them in Pango's order at no extra draw call: backgrounds at the front of
// the first batch, lines (underlines, overlines, strikethroughs, squiggles) at the end of the last.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "glyphstream/stats.h"
#include "gpu/gpu_device.h"
#include "pipeline/batch_order.h"
#include "text/decoration.h"

namespace glyphstream::pipeline {

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

class DrawBatcher {
 public:
  QueuedGlyph& push() { return queued_.emplace_back(); }
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
  Status draw(const atlas::GlyphCache& cache, bool keep_unresolved, gpu::GpuDevice& gpu,
              int viewport_w, int viewport_h, FrameStats& stats);

 private:
  // The instance of one queued glyph that is resident (exact or a stand-in); false if none.
  bool instance_for(const QueuedGlyph& q, const atlas::CachedGlyph* g, gpu::GlyphInstance* inst,
                    uint32_t* page, PixelFormat* format, FrameStats& stats) const;
  // Moves the batches of order_ into draw_instances_ / draw_batches_, with the backgrounds in
  // front of the first batch and, if `lines`, the lines after the last (a batch on no page
  // when there is no glyph).
  void assemble(bool lines);

  std::vector<QueuedGlyph> queued_;
  std::vector<StandIn> stand_ins_;
  std::vector<gpu::GlyphInstance> below_, above_;  // decorations (kept: steady frames reuse)
  // Per-frame scratch, kept to avoid allocations in steady frames.
  BatchOrder order_;
  std::vector<gpu::GlyphInstance> draw_instances_;
  std::vector<gpu::DrawBatch> draw_batches_;
  std::vector<QueuedGlyph> unresolved_scratch_;
};

}  // namespace glyphstream::pipeline
