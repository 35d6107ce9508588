// Draw batcher: the glyph quads queued by draw_text() until flush(), turned into one draw call
// per atlas page (painter's order kept within each page).
#pragma once

#include <cstdint>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "glyphstream/stats.h"
#include "gpu/gpu_device.h"

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
  void clear() {
    queued_.clear();
    stand_ins_.clear();
  }
  // Marks every queued glyph that is resident as used by the current frame (after a mid-frame
  // flush started a new one).
  void touch_queued(const atlas::GlyphCache& cache, atlas::Atlas& atlas) const;
  // Draws the queued glyphs that are resident, one draw call per page, and counts them in
  // stats. With `keep_unresolved`, glyphs not yet in the cache stay queued (a mid-frame flush);
  // otherwise the queue is emptied.
  Status draw(const atlas::GlyphCache& cache, size_t page_count, bool keep_unresolved,
              gpu::GpuDevice& gpu, int viewport_w, int viewport_h, FrameStats& stats);

 private:
  // The instance of one queued glyph that is resident (exact or a stand-in); false if none.
  bool instance_for(const QueuedGlyph& q, const atlas::CachedGlyph* g, gpu::GlyphInstance* inst,
                    uint32_t* page, FrameStats& stats) const;

  std::vector<QueuedGlyph> queued_;
  std::vector<StandIn> stand_ins_;
  // Per-frame scratch, kept to avoid allocations in steady frames.
  std::vector<std::vector<gpu::GlyphInstance>> page_instances_;
  std::vector<gpu::GlyphInstance> draw_instances_;
  std::vector<gpu::DrawBatch> draw_batches_;
  std::vector<QueuedGlyph> unresolved_scratch_;
};

}  // namespace glyphstream::pipeline
