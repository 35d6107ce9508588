#include "pipeline/scaled_glyphs.h"

#include <algorithm>
#include <cmath>

#include "pipeline/clip.h"
#include "text/markup_color.h"
#include "text/rasterizer.h"

namespace glyphstream::pipeline {
namespace {

// Bounds the refinement bookkeeping: requests whose rasterization failed never land.
constexpr size_t kMaxTrackedRequests = size_t(1) << 16;

// The exact key of layout glyph `g` drawn at `scale` with the layout's origin at (x, y), and its
// integer pen position: the glyph scaled about the layout origin, keyed as draw_text keys it.
atlas::GlyphKey scaled_key(const text::ShapedGlyph& g, float x, float y, float scale, int* pen_x,
                           int* pen_y) {
  text::ShapedGlyph s = g;
  s.x = g.x * scale;
  s.y = g.y * scale;
  s.size_26_6 = uint32_t(std::max<long>(1, std::lround(double(g.size_26_6) * double(scale))));
  return glyph_key_for(s, x, y, pen_x, pen_y);
}

}  // namespace

ZoomPolicy ZoomPolicy::from(const TextSystemDesc& desc, int threads) {
  ZoomPolicy p;
  if (desc.zoom_stable_frames > 0) p.stable_frames = desc.zoom_stable_frames;
  p.settle_frames = p.stable_frames + 1;  // the exact requests had a frame to run
  if (desc.zoom_background_glyphs > 0) p.background_per_frame = size_t(desc.zoom_background_glyphs);
  p.landed_per_commit = p.background_per_frame;
  p.settle_per_frame = p.background_per_frame * size_t(std::max(1, threads / 4));
  if (desc.zoom_ladder_steps > 0) p.ladder_steps = desc.zoom_ladder_steps;
  return p;
}

uint32_t ladder_size_at_or_above(uint32_t size_26_6, int steps_per_octave) {
  const double steps = double(steps_per_octave);
  double k = std::ceil(steps * std::log2(double(size_26_6) / 64.0) - 1e-9);
  auto rung = [&](double i) { return uint32_t(std::lround(64.0 * std::exp2(i / steps))); };
  while (rung(k) < size_26_6) k += 1;  // rounding never leaves the rung below the size
  return std::max<uint32_t>(1, rung(k));
}

StandIn stand_in_for(const atlas::CachedGlyph* glyph, const atlas::GlyphKey& glyph_key,
                     const atlas::GlyphKey& exact_key, int pen_x, int pen_y) {
  // A raster of bin b was drawn with the glyph origin b/4 px right of its integer pen. A raster
  // reduced to fit a page is of bin 0, at its size / draw_scale.
  const bool reduced = glyph->draw_scale > 0;
  const double r = double(exact_key.size_26_6) / double(glyph_key.size_26_6) *
                   (reduced ? double(glyph->draw_scale) : 1.0);
  const double bin = reduced ? 0.0 : double(glyph_key.subpixel_bin);
  const double origin_x = double(pen_x) + double(exact_key.subpixel_bin) / 4.0;
  StandIn s;
  s.glyph = glyph;
  s.key = glyph_key;
  s.x = float(origin_x + r * (double(glyph->bearing_x) - bin / 4.0));
  s.y = float(double(pen_y) - r * double(glyph->bearing_y));
  s.w = float(r * double(glyph->rect.w));
  s.h = float(r * double(glyph->rect.h));
  return s;
}

gpu::GlyphInstance scaled_instance(const StandIn& s, uint32_t color) {
  gpu::GlyphInstance inst;
  inst.x = s.x;
  inst.y = s.y;
  inst.w = s.w;
  inst.h = s.h;
  inst.u = uint16_t(s.glyph->rect.x);
  inst.v = uint16_t(s.glyph->rect.y);
  inst.tw = uint16_t(s.glyph->rect.w);
  inst.th = uint16_t(s.glyph->rect.h);
  inst.color = color;
  inst.kind = uint32_t(gpu::InstanceKind::kScaledGlyph);
  return inst;
}

int ScaledGlyphs::note_scale(ScaleHistory& history, float scale) const {
  ScaleHistory::Entry* oldest = &history.entries[0];
  for (ScaleHistory::Entry& e : history.entries) {
    if (e.scale == scale && e.last_frame != 0) {
      // Drawn in the previous frame (or already in this one): the run goes on.
      if (e.last_frame + 1 < frame_) e.first_frame = frame_;
      e.last_frame = frame_;
      return int(std::min<uint64_t>(frame_ - e.first_frame, 1u << 30));
    }
    if (e.last_frame < oldest->last_frame) oldest = &e;
  }
  *oldest = {scale, frame_, frame_};
  return 0;
}

bool ScaledGlyphs::background_key(const atlas::GlyphKey& exact, const atlas::GlyphKey& stand_in,
                                  bool stable, atlas::GlyphKey* wanted) const {
  if (stable) {
    *wanted = exact;
    return true;
  }
  // During an animation: the ladder rung at or above the exact size, unless the stand-in is
  // already at least as close from above.
  const uint32_t rung = ladder_size_at_or_above(exact.size_26_6, policy_.ladder_steps);
  if (stand_in.size_26_6 >= exact.size_26_6 && stand_in.size_26_6 <= rung) return false;
  *wanted = exact;
  wanted->size_26_6 = rung;
  wanted->subpixel_bin = 0;
  return true;
}

void ScaledGlyphs::queue(const ScaledDrawTarget& t, CachedLayout& L, float x, float y, float scale,
                         uint32_t default_color) {
  const int run = note_scale(L.scales, scale);
  const bool stable = run >= policy_.stable_frames;
  const bool settle = run >= policy_.settle_frames;
  const size_t misses_before = t.raster->miss_count();
  wanted_.clear();
  for (const text::ShapedGlyph& g : L.glyphs) {
    int pen_x = 0, pen_y = 0;
    const atlas::GlyphKey key = scaled_key(g, x, y, scale, &pen_x, &pen_y);
    // Wholly outside the clip: neither queued nor rasterized, nor a stand-in looked up (a
    // stand-in is drawn where its exact glyph is, and culled with it).
    if (glyph_outside(t.clip, g.ink, pen_x, pen_y, scale)) {
      ++t.stats->glyphs_culled;
      continue;
    }
    QueuedGlyph& q = t.batcher->push();
    q.key = key;
    q.pen_x = pen_x;
    q.pen_y = pen_y;
    q.clip = t.clip;
    q.color = text::resolve_markup_color(default_color, g.color_rgba, g.has_color, g.has_alpha);
    if (const atlas::CachedGlyph* exact = t.cache->find(q.key)) {
      ++t.stats->glyph_hits;
      q.glyph = exact;
      if (!exact->empty()) t.atlas->touch(exact->handle);
      continue;
    }
    atlas::GlyphKey found;
    const atlas::CachedGlyph* near = t.cache->find_nearest_size(q.key, &found);
    if (!near) {  // no size at all: rasterized exactly in commit(), as draw_text does
      t.raster->add_miss(q.key);
      continue;
    }
    if (!near->empty()) t.atlas->touch(near->handle);
    t.batcher->set_stand_in(q, stand_in_for(near, found, q.key, q.pen_x, q.pen_y));
    // Settling: commit() collects (or rasterizes) it; the stand-in if that fails. Requested
    // ones are running or done; fresh ones are bounded per frame (a large text settles over
    // several frames instead of one long one).
    if (settle) {
      const bool requested = requested_.count(q.key) > 0;
      if (requested || waited_this_frame_ < policy_.settle_per_frame) {
        if (t.raster->add_miss(q.key) && !requested) ++waited_this_frame_;
        continue;
      }
    }
    atlas::GlyphKey wanted;
    if (background_key(q.key, found, stable, &wanted)) wanted_.push_back(wanted);
  }
  t.raster->dispatch(misses_before);
  submit_wanted(t);
  if (L.decorations.empty()) return;
  // Underlines, backgrounds and the rest scale with the text about its origin.
  decorations_.assign(L.decorations.begin(), L.decorations.end());
  for (text::Decoration& d : decorations_) {
    d.x *= scale, d.y *= scale, d.w *= scale, d.h *= scale;
  }
  t.batcher->push_decorations(decorations_, x, y, default_color, t.clip);
}

void ScaledGlyphs::submit_wanted(const ScaledDrawTarget& t) {
  if (wanted_.empty() || requested_this_frame_ >= policy_.background_per_frame) return;
  submitted_.clear();
  t.raster->prefetch_keys(wanted_, *t.cache, policy_.background_per_frame - requested_this_frame_,
                          &submitted_);
  requested_this_frame_ += submitted_.size();
  t.stats->zoom_requests += uint32_t(submitted_.size());
  if (requested_.size() + submitted_.size() > kMaxTrackedRequests) requested_.clear();
  requested_.insert(submitted_.begin(), submitted_.end());
}

}  // namespace glyphstream::pipeline
