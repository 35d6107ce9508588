#include "pipeline/batch_order.h"

#include <algorithm>

namespace glyphstream::pipeline {
namespace {

constexpr int kCellShift = 5;         // a few glyphs of body text per cell
constexpr long kMaxCells = 1l << 14;  // larger viewports get larger cells

// The last whole pixel index below the edge `end` > 0 (ceil(end) - 1, without a libm call).
int last_pixel_before(float end) {
  const int i = int(end);
  return float(i) == end ? i - 1 : i;
}

}  // namespace

void BatchOrder::begin(int width, int height) {
  used_ = 0;
  newest_of_page_.clear();
  entries_.clear();
  grid_ready_ = false;
  width_ = std::max(width, 1);
  height_ = std::max(height, 1);
  cell_shift_ = kCellShift;
  for (;;) {
    const int cell = 1 << cell_shift_;
    columns_ = (width_ + cell - 1) >> cell_shift_;
    rows_ = (height_ + cell - 1) >> cell_shift_;
    if (long(columns_) * long(rows_) <= kMaxCells) break;
    ++cell_shift_;
  }
}

size_t BatchOrder::new_batch() {
  if (used_ == batches_.size()) batches_.emplace_back();
  Batch& b = batches_[used_];
  b.slot[kCoverageSlot] = b.slot[kColorSlot] = gpu::kNoPage;
  b.instances.clear();
  return used_++;
}

void BatchOrder::join(size_t batch, int slot, uint32_t page, const gpu::GlyphInstance& quad) {
  Batch& b = batches_[batch];
  if (b.slot[slot] == gpu::kNoPage) {
    b.slot[slot] = page;
    newest_of_page_[page] = int32_t(batch);
    // A colour-only batch gains a coverage page: its quads (all colour) now sample color_page.
    if (slot == kCoverageSlot && b.slot[kColorSlot] != gpu::kNoPage) {
      for (gpu::GlyphInstance& q : b.instances) q.kind |= gpu::kSampleColorPage;
    }
  }
  b.instances.push_back(quad);
  if (slot == kColorSlot && b.slot[kCoverageSlot] != gpu::kNoPage) {
    b.instances.back().kind |= gpu::kSampleColorPage;
  }
}

void BatchOrder::add(const gpu::GlyphInstance& quad, uint32_t page, PixelFormat format) {
  const int slot = format == PixelFormat::kColor32 ? kColorSlot : kCoverageSlot;
  if (page >= newest_of_page_.size()) newest_of_page_.resize(page + 1, -1);
  // One batch so far, and the quad fits in: nothing to test or to remember (no batch is later).
  if (used_ == 1 && (batches_[0].slot[slot] == page || batches_[0].slot[slot] == gpu::kNoPage)) {
    join(0, slot, page, quad);
    return;
  }
  const Cells cells = cells_of(quad);
  // Joining the newest batch of the page is fine unless a later batch holds a quad it overlaps
  // (that quad was drawn earlier and must stay under this one). The last batch has no later one.
  const int32_t newest = newest_of_page_[page];
  size_t batch;
  if (newest >= 0 && (size_t(newest) + 1 == used_ || !overlaps_later(quad, cells, newest))) {
    batch = size_t(newest);
  } else if (used_ > 0 && batches_[used_ - 1].slot[slot] == gpu::kNoPage) {
    batch = used_ - 1;
  } else {
    batch = new_batch();
  }
  join(batch, slot, page, quad);
  // The first batch is never "later" than another: its quads need no testing.
  if (batch > 0) insert(quad, cells, int32_t(batch));
}

void BatchOrder::add_run(const gpu::GlyphInstance* quads, const uint32_t* pages, size_t n,
                         const RunPages& run) {
  if (n == 0) return;
  const auto fits = [](uint32_t slot, uint32_t page) {
    return page == gpu::kNoPage || slot == gpu::kNoPage || slot == page;
  };
  if (!run.mixed && used_ <= 1 &&
      (used_ == 0 || (fits(batches_[0].slot[kCoverageSlot], run.coverage) &&
                      fits(batches_[0].slot[kColorSlot], run.color)))) {
    // What add() does quad by quad when everything joins the first batch: no grid, no test.
    if (used_ == 0) new_batch();
    Batch& b = batches_[0];
    const size_t first = b.instances.size();
    for (const uint32_t page : {run.coverage, run.color}) {
      if (page != gpu::kNoPage && page >= newest_of_page_.size()) {
        newest_of_page_.resize(size_t(page) + 1, -1);
      }
    }
    if (run.color != gpu::kNoPage && b.slot[kColorSlot] == gpu::kNoPage) {
      b.slot[kColorSlot] = run.color;
      newest_of_page_[run.color] = 0;
    }
    if (run.coverage != gpu::kNoPage && b.slot[kCoverageSlot] == gpu::kNoPage) {
      b.slot[kCoverageSlot] = run.coverage;
      newest_of_page_[run.coverage] = 0;
      // The quads already there are all colour: they now sample color_page (join()).
      for (size_t i = 0; i < first; ++i) b.instances[i].kind |= gpu::kSampleColorPage;
    }
    b.instances.insert(b.instances.end(), quads, quads + n);
    if (b.slot[kCoverageSlot] == gpu::kNoPage) {  // colour only: its page, no flag
      for (size_t i = first; i < first + n; ++i) b.instances[i].kind &= ~gpu::kSampleColorPage;
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    gpu::GlyphInstance quad = quads[i];
    const bool color = (quad.kind & gpu::kSampleColorPage) != 0;
    quad.kind &= ~gpu::kSampleColorPage;  // join() flags it where the batch has both pages
    const uint32_t page = run.mixed ? pages[i] & ~kColorPageBit : color ? run.color : run.coverage;
    add(quad, page, color ? PixelFormat::kColor32 : PixelFormat::kCoverage8);
  }
}

BatchOrder::Cells BatchOrder::cells_of(const gpu::GlyphInstance& q) const {
  // Only the part on the viewport can meet another quad's pixels.
  const float x0 = std::max(q.x, 0.0f), y0 = std::max(q.y, 0.0f);
  const float x1 = std::min(q.x + q.w, float(width_)), y1 = std::min(q.y + q.h, float(height_));
  Cells c;
  if (!(x0 < x1 && y0 < y1)) return c;  // off the viewport (or NaN): touches no cell
  c.x0 = int(x0) >> cell_shift_;
  c.y0 = int(y0) >> cell_shift_;
  c.x1 = std::min(columns_ - 1, last_pixel_before(x1) >> cell_shift_);
  c.y1 = std::min(rows_ - 1, last_pixel_before(y1) >> cell_shift_);
  return c;
}

bool BatchOrder::overlaps_later(const gpu::GlyphInstance& q, const Cells& c, int32_t batch) const {
  if (!grid_ready_) return false;  // no quad of a later batch is on the viewport
  for (int y = c.y0; y <= c.y1; ++y) {
    for (int x = c.x0; x <= c.x1; ++x) {
      const size_t cell = size_t(y) * size_t(columns_) + size_t(x);
      if (cell_max_[cell] <= batch) continue;
      for (int32_t i = cell_head_[cell]; i >= 0; i = entries_[size_t(i)].next) {
        const Entry& e = entries_[size_t(i)];
        // Strict: quads that only touch share no pixel centre.
        if (e.batch > batch && q.x < e.x1 && e.x0 < q.x + q.w && q.y < e.y1 && e.y0 < q.y + q.h)
          return true;
      }
    }
  }
  return false;
}

void BatchOrder::insert(const gpu::GlyphInstance& q, const Cells& c, int32_t batch) {
  if (c.x1 < c.x0) return;
  if (!grid_ready_) reset_grid();
  for (int y = c.y0; y <= c.y1; ++y) {
    for (int x = c.x0; x <= c.x1; ++x) {
      const size_t cell = size_t(y) * size_t(columns_) + size_t(x);
      entries_.push_back({q.x, q.y, q.x + q.w, q.y + q.h, batch, cell_head_[cell]});
      cell_head_[cell] = int32_t(entries_.size() - 1);
      cell_max_[cell] = std::max(cell_max_[cell], batch);
    }
  }
}

void BatchOrder::reset_grid() {
  const size_t cells = size_t(columns_) * size_t(rows_);
  cell_head_.assign(cells, -1);
  cell_max_.assign(cells, -1);
  grid_ready_ = true;
}

}  // namespace glyphstream::pipeline
