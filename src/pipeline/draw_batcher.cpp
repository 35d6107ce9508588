#include "pipeline/draw_batcher.h"

#include <cmath>
#include <cstdlib>

#include "pipeline/scaled_glyphs.h"

namespace glyphstream::pipeline {
namespace {

constexpr int kFarPx = 1 << 22;

}  // namespace

void DrawBatcher::touch_queued(const atlas::GlyphCache& cache, atlas::Atlas& atlas) const {
  for (const QueuedGlyph& q : queued_) {
    if (const atlas::CachedGlyph* g = cache.find(q.key); g && !g->empty()) atlas.touch(g->handle);
  }
  for (const StandIn& s : stand_ins_) {
    if (!s.glyph->empty()) atlas.touch(s.glyph->handle);
  }
}

bool DrawBatcher::instance_for(const QueuedGlyph& q, const atlas::CachedGlyph* g,
                               gpu::GlyphInstance* inst, uint32_t* page, FrameStats& stats) const {
  // Far-away quads cannot be on screen (and floats lose whole pixels beyond 2^24).
  constexpr float kLimit = float(kFarPx);
  if (!g) {  // not resident at its exact size: the stand-in, stretched
    const StandIn& s = stand_ins_[q.stand_in];
    if (s.glyph->empty() || !(std::fabs(s.x) <= kLimit && std::fabs(s.y) <= kLimit)) return false;
    ++stats.glyphs_stand_in;
    *inst = scaled_instance(s, q.color);
    *page = s.glyph->page;
    return true;
  }
  if (g->empty()) return false;
  const int x = q.pen_x + g->bearing_x;
  const int y = q.pen_y - g->bearing_y;
  if (x < -kFarPx || x > kFarPx || y < -kFarPx || y > kFarPx) return false;
  inst->x = float(x);
  inst->y = float(y);
  inst->w = float(g->rect.w);
  inst->h = float(g->rect.h);
  inst->u = uint16_t(g->rect.x);
  inst->v = uint16_t(g->rect.y);
  inst->tw = uint16_t(g->rect.w);
  inst->th = uint16_t(g->rect.h);
  inst->color = q.color;
  inst->kind = uint32_t(gpu::InstanceKind::kGlyph);
  *page = g->page;
  return true;
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
    if (!g && q.stand_in == UINT32_MAX) {
      if (keep_unresolved) unresolved_scratch_.push_back(q);
      continue;  // failed to rasterize or pack: counted already
    }
    gpu::GlyphInstance inst;
    uint32_t page = 0;
    if (instance_for(q, g, &inst, &page, stats)) page_instances_[page].push_back(inst);
  }
  stand_ins_.clear();  // every stand-in was drawn (a mid-frame flush keeps only unresolved)
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
