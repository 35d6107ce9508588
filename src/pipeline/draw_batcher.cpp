#include "pipeline/draw_batcher.h"

#include <cmath>

#include "pipeline/clip.h"
#include "pipeline/frame_sink.h"
#include "pipeline/scaled_glyphs.h"
#include "text/markup_color.h"

namespace glyphstream::pipeline {
namespace {

constexpr float kFarPx = float(1 << 22);

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
                               gpu::GlyphInstance* inst, uint32_t* page, PixelFormat* format,
                               FrameStats& stats) const {
  // Far-away quads cannot be on screen (and floats lose whole pixels beyond 2^24).
  constexpr float kLimit = float(kFarPx);
  if (!g || g->draw_scale > 0) {  // a stand-in, or a raster reduced to fit a page: stretched
    const StandIn& s = g ? stand_in_for(g, q.key, q.key, q.pen_x, q.pen_y) : stand_ins_[q.stand_in];
    if (s.glyph->empty() || !(std::fabs(s.x) <= kLimit && std::fabs(s.y) <= kLimit)) return false;
    if (!g) ++stats.glyphs_stand_in;
    *inst = scaled_instance(s, q.color);
    inst->clip = q.clip;
    *page = s.glyph->page;
    *format = s.glyph->format;
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
  inst->clip = q.clip;
  *page = g->page;
  *format = g->format;
  return true;
}

void DrawBatcher::push_decorations(std::span<const text::Decoration> decorations, float x, float y,
                                   uint32_t style_color, const gpu::InstanceClip& clip) {
  if (clip_empty(clip)) return;
  for (const text::Decoration& d : decorations) {
    gpu::GlyphInstance quad;
    quad.x = x + d.x, quad.y = y + d.y, quad.w = d.w, quad.h = d.h;
    // Beyond kFarPx (or not a number: a scaled infinity) no decoration reaches a viewport.
    if (!(std::fabs(quad.x) <= kFarPx && std::fabs(quad.y) <= kFarPx)) continue;
    const bool squiggle = d.kind == text::DecorationKind::kErrorSquiggle;
    // What the vertex shaders cover: a squiggle's ends reach past its rect by up to h / 2.
    const double grow = squiggle ? 0.5 * double(quad.h) : 0.0;
    if (outside(clip, double(quad.x) - grow, double(quad.y), double(quad.x) + quad.w + grow,
                double(quad.y) + quad.h)) {
      continue;
    }
    quad.color = text::resolve_markup_color(style_color, d.color_rgba, d.has_color, d.has_alpha);
    quad.kind = uint32_t(squiggle ? gpu::InstanceKind::kErrorSquiggle : gpu::InstanceKind::kRect);
    quad.clip = clip;
    (d.layer == text::DecorationLayer::kBelowGlyphs ? below_ : above_).push_back(quad);
  }
}

void DrawBatcher::ready_end(size_t k, const RunPages& pages) {
  if (k == 0) return;
  ready_.commit(k);
  ready_pages_.commit(k);
  if (!segments_.empty() && segments_.back().queued_before == queued_.size()) {
    RunPages merged = segments_.back().pages;
    merged.merge(pages);
    // Runs that sample the same pages join; a run on another page starts a segment of its own,
    // so that each stays on BatchOrder's whole-run path (and a mixed one keeps its own pages).
    if (!merged.mixed) {
      segments_.back().pages = merged;
      segments_.back().ready_end = ready_.size();
      return;
    }
  }
  segments_.push_back({queued_.size(), ready_.size() - k, ready_.size(), pages});
}

void DrawBatcher::order_queued(size_t from, size_t to, const atlas::GlyphCache& cache,
                               bool keep_unresolved, uint32_t* glyph_count, FrameStats& stats) {
  for (size_t i = from; i < to; ++i) {
    const QueuedGlyph& q = queued_[i];
    const atlas::CachedGlyph* g = q.glyph ? q.glyph : cache.find(q.key);
    if (!g && q.stand_in == UINT32_MAX) {
      if (keep_unresolved) unresolved_scratch_.push_back(q);
      continue;  // failed to rasterize or pack: counted already
    }
    gpu::GlyphInstance inst;
    uint32_t page = 0;
    PixelFormat format = PixelFormat::kCoverage8;
    if (!instance_for(q, g, &inst, &page, &format, stats)) continue;
    order_.add(inst, page, format);
    ++*glyph_count;
  }
}

bool DrawBatcher::ready_only() const {
  return queued_.empty() && segments_.size() == 1 && !segments_[0].pages.mixed && below_.empty();
}

Status DrawBatcher::draw(const atlas::GlyphCache& cache, bool keep_unresolved, FrameSink& sink,
                         int viewport_w, int viewport_h, FrameStats& stats) {
  unresolved_scratch_.clear();
  uint32_t glyph_count = 0;
  // A frame of ready quads on one page of each format (a steady frame of memoized layouts) is
  // one batch in draw order as it stands: drawn from ready_ itself, no copy.
  const bool direct = ready_only();
  if (direct) {
    glyph_count = uint32_t(ready_.size());
  } else {
    order_.begin(viewport_w, viewport_h);
    size_t q = 0;
    for (const Segment& s : segments_) {
      order_queued(q, s.queued_before, cache, keep_unresolved, &glyph_count, stats);
      q = s.queued_before;
      order_.add_run(ready_.data() + s.ready_begin, ready_pages_.data() + s.ready_begin,
                     s.ready_end - s.ready_begin, s.pages);
      glyph_count += uint32_t(s.ready_end - s.ready_begin);
    }
    order_queued(q, queued_.size(), cache, keep_unresolved, &glyph_count, stats);
  }
  stand_ins_.clear();  // every stand-in was drawn (a mid-frame flush keeps only unresolved)
  queued_.swap(unresolved_scratch_);   // both keep their capacity for the next frame
  const bool lines = queued_.empty();  // lines wait for the last glyphs of the frame
  if (direct) {
    assemble_ready(lines);
  } else {
    assemble(lines);
  }
  below_.clear();
  if (lines) above_.clear();
  const std::span<const gpu::GlyphInstance> instances =
      direct ? std::span<const gpu::GlyphInstance>(ready_.data(), ready_.size())
             : std::span<const gpu::GlyphInstance>(draw_instances_);
  Status status;
  if (!instances.empty()) {
    stats.glyphs_drawn += glyph_count;
    stats.draw_calls += uint32_t(draw_batches_.size());
    status = sink.draw(instances, draw_batches_, viewport_w, viewport_h);
  }
  ready_.clear();
  ready_pages_.clear();
  segments_.clear();
  return status;
}

void DrawBatcher::assemble_ready(bool lines) {
  const RunPages& p = segments_[0].pages;
  const size_t n = ready_.size();
  draw_batches_.clear();
  if (p.coverage == gpu::kNoPage) {
    // Colour glyphs only: the batch's page is the colour page, sampled without the flag.
    gpu::GlyphInstance* inst = ready_.data();
    for (size_t i = 0; i < n; ++i) inst[i].kind &= ~gpu::kSampleColorPage;
  }
  const size_t above = lines ? above_.size() : 0;
  if (above) {
    std::memcpy(static_cast<void*>(ready_.extend(above)), above_.data(),
                above * sizeof(gpu::GlyphInstance));
    ready_.commit(above);
  }
  const bool coverage = p.coverage != gpu::kNoPage;
  draw_batches_.push_back(
      {coverage ? p.coverage : p.color, 0, uint32_t(n + above), coverage ? p.color : gpu::kNoPage});
}

void DrawBatcher::assemble(bool lines) {
  draw_instances_.clear();
  draw_batches_.clear();
  draw_instances_.insert(draw_instances_.end(), below_.begin(), below_.end());
  for (size_t b = 0; b < order_.batch_count(); ++b) {
    const std::span<const gpu::GlyphInstance> batch = order_.instances_of(b);
    const bool first = b == 0;
    // The first batch starts with the backgrounds: they are under every glyph.
    draw_batches_.push_back({order_.page_of(b), first ? 0u : uint32_t(draw_instances_.size()),
                             uint32_t(batch.size() + (first ? below_.size() : 0)),
                             order_.color_page_of(b)});
    draw_instances_.insert(draw_instances_.end(), batch.begin(), batch.end());
  }
  if (lines) draw_instances_.insert(draw_instances_.end(), above_.begin(), above_.end());
  const size_t rects = below_.size() + (lines ? above_.size() : 0);
  if (draw_batches_.empty()) {
    // Decorations only: one batch that samples no page.
    if (rects > 0) draw_batches_.push_back({gpu::kNoPage, 0, uint32_t(rects)});
    return;
  }
  // The last batch ends with the lines: they are over every glyph.
  if (lines) draw_batches_.back().count += uint32_t(above_.size());
}

}  // namespace glyphstream::pipeline
