// Batch order: a frame's glyph quads, given in draw order with their atlas pages, grouped into
// draw calls so that every pair of overlapping quads still blends in draw order. Blending rounds to
// 8 bits after each quad, so even two quads of one colour give other pixels when swapped: a frame
// must not depend on which page a glyph happens to sit on (a settled zoom frame equals a cold
// render only then).
//
// A batch samples up to two pages: a coverage page and a colour page (backend.h: DrawBatch's
// page and color_page, kSampleColorPage). A quad joins the newest batch whose slot of its
// page's format holds its page unless a later batch holds a quad it overlaps; otherwise the
// last batch if that slot is still empty there; otherwise it starts a new batch at the end. So
// a frame with one page of each format (text and emoji) is one batch, and pages of one format
// whose glyphs do not overlap cost one batch each; only a quad overlapping an earlier quad of
// another, later-drawn batch costs a draw call more.
//
// Overlap is tested exactly on the quads' rectangles (touching edges do not overlap: no pixel
// centre lies in both), through a grid of cells over the viewport; quads of the first batch
// never need testing (no batch is earlier) and stay out of the grid, so a one-batch frame
// (one page, or one page of each format) does no grid work at all.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gpu/backend.h"

namespace glyphstream::pipeline {

// The pages a run of instances samples: at most one coverage page and one colour page, or
// `mixed` (more than one page of a format: the batcher then orders it quad by quad).
struct RunPages {
  uint32_t coverage = gpu::kNoPage, color = gpu::kNoPage;
  bool mixed = false;
  // Adds a quad's page; false if that made the run mixed.
  bool add(uint32_t page, bool color_page) {
    uint32_t& slot = color_page ? color : coverage;
    if (slot == gpu::kNoPage) slot = page;
    if (slot != page) mixed = true;
    return !mixed;
  }
  void merge(const RunPages& o) {
    if (o.coverage != gpu::kNoPage) add(o.coverage, false);
    if (o.color != gpu::kNoPage) add(o.color, true);
    mixed = mixed || o.mixed;
  }
};

// A page id with the colour format in its top bit (the batcher's per-quad page).
constexpr uint32_t kColorPageBit = 0x80000000u;

class BatchOrder {
 public:
  // Starts a frame drawn into a viewport of `width` x `height` px.
  void begin(int width, int height);
  // The next quad in draw order, sampling `page` of that format.
  void add(const gpu::GlyphInstance& quad, uint32_t page,
           PixelFormat format = PixelFormat::kCoverage8);
  // `n` quads in draw order that together sample `run`, colour glyphs flagged kSampleColorPage;
  // for a mixed run, quad i samples pages[i] (kColorPageBit: of the colour format), otherwise
  // the run's page of its format (pages may be null). A run that fits the only batch joins it
  // whole; any other is added quad by quad.
  void add_run(const gpu::GlyphInstance* quads, const uint32_t* pages, size_t n,
               const RunPages& run);
  size_t batch_count() const { return used_; }
  // A batch as DrawBatch wants it: its coverage page with the colour page as color_page (the
  // colour quads flagged kSampleColorPage), or its one page with unflagged quads.
  uint32_t page_of(size_t batch) const {
    const Batch& b = batches_[batch];
    return b.slot[kCoverageSlot] != gpu::kNoPage ? b.slot[kCoverageSlot] : b.slot[kColorSlot];
  }
  uint32_t color_page_of(size_t batch) const {
    const Batch& b = batches_[batch];
    return b.slot[kCoverageSlot] != gpu::kNoPage ? b.slot[kColorSlot] : gpu::kNoPage;
  }
  std::span<const gpu::GlyphInstance> instances_of(size_t batch) const {
    return batches_[batch].instances;
  }

 private:
  static constexpr int kCoverageSlot = 0, kColorSlot = 1;
  struct Batch {
    uint32_t slot[2] = {gpu::kNoPage, gpu::kNoPage};  // coverage page, colour page
    std::vector<gpu::GlyphInstance> instances;
  };
  struct Cells {  // the grid cells a quad touches (inclusive)
    int x0 = 0, y0 = 0, x1 = -1, y1 = -1;
  };
  struct Entry {  // a quad of a batch after the first, listed in every cell it touches
    float x0, y0, x1, y1;
    int32_t batch;
    int32_t next;  // next entry of the same cell, -1 at the end
  };

  size_t new_batch();
  // Appends the quad to the batch, its page in the slot (flags the colour quads once the batch
  // has both pages).
  void join(size_t batch, int slot, uint32_t page, const gpu::GlyphInstance& quad);
  Cells cells_of(const gpu::GlyphInstance& q) const;
  // True if a quad of a batch after `batch` overlaps q.
  bool overlaps_later(const gpu::GlyphInstance& q, const Cells& c, int32_t batch) const;
  void insert(const gpu::GlyphInstance& q, const Cells& c, int32_t batch);
  void reset_grid();

  std::vector<Batch> batches_;  // the first used_ are this frame's (kept: no steady allocation)
  size_t used_ = 0;
  std::vector<int32_t> newest_of_page_;  // page -> its newest batch, -1 if none
  int width_ = 0, height_ = 0;
  int cell_shift_ = 5, columns_ = 0, rows_ = 0;  // cells of 2^cell_shift_ px
  bool grid_ready_ = false;                      // cleared lazily: one-page frames never touch it
  std::vector<int32_t> cell_head_;               // first entry of each cell, -1 if none
  std::vector<int32_t> cell_max_;  // the latest batch with a quad in each cell, -1 if none
  std::vector<Entry> entries_;
};

}  // namespace glyphstream::pipeline
