#include "pipeline/draw_batcher.h"

namespace glyphstream::pipeline {
namespace {

constexpr int kFarPx = 1 << 22;

}  // namespace

void DrawBatcher::touch_queued(const atlas::GlyphCache& cache, atlas::Atlas& atlas) const {
  for (const QueuedGlyph& q : queued_) {
    if (const atlas::CachedGlyph* g = cache.find(q.key); g && !g->empty()) atlas.touch(g->handle);
  }
}

Status DrawBatcher::draw(const atlas::GlyphCache& cache, size_t page_count, bool keep_unresolved,
                         gpu::GpuDevice& gpu, int viewport_w, int viewport_h, FrameStats& stats) {
  // One draw call per page: instances are bucketed by page, keeping the painter's order within
  // each page.
  if (page_instances_.size() < page_count) page_instances_.resize(page_count);
  for (auto& bucket : page_instances_) bucket.clear();
  unresolved_scratch_.clear();
  for (const QueuedGlyph& q : queued_) {
    const atlas::CachedGlyph* g = q.glyph ? q.glyph : cache.find(q.key);
    if (!g) {
      if (keep_unresolved) unresolved_scratch_.push_back(q);
      continue;  // failed to rasterize or pack: counted already
    }
    if (g->empty()) continue;
    const int x = q.pen_x + g->bearing_x;
    const int y = q.pen_y - g->bearing_y;
    // Far-away quads cannot be on screen (and floats lose whole pixels beyond 2^24).
    if (x < -kFarPx || x > kFarPx || y < -kFarPx || y > kFarPx) continue;
    gpu::GlyphInstance inst;
    inst.x = float(x);
    inst.y = float(y);
    inst.w = float(g->rect.w);
    inst.h = float(g->rect.h);
    inst.u = uint16_t(g->rect.x);
    inst.v = uint16_t(g->rect.y);
    inst.tw = uint16_t(g->rect.w);
    inst.th = uint16_t(g->rect.h);
    inst.color = q.color;
    inst.kind = uint32_t(gpu::InstanceKind::kGlyph);
    page_instances_[g->page].push_back(inst);
  }
  queued_.swap(unresolved_scratch_);  // both keep their capacity for the next frame
  draw_instances_.clear();
  draw_batches_.clear();
  for (uint32_t page = 0; page < page_instances_.size(); ++page) {
    const auto& bucket = page_instances_[page];
    if (bucket.empty()) continue;
    draw_batches_.push_back({page, uint32_t(draw_instances_.size()), uint32_t(bucket.size())});
    draw_instances_.insert(draw_instances_.end(), bucket.begin(), bucket.end());
  }
  if (draw_instances_.empty()) return {};
  stats.glyphs_drawn += uint32_t(draw_instances_.size());
  stats.draw_calls += uint32_t(draw_batches_.size());
  return gpu.draw(draw_instances_, draw_batches_, viewport_w, viewport_h);
}

}  // namespace glyphstream::pipeline
