#include "pipeline/layout_memo.h"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "pipeline/clip.h"
#include "pipeline/draw_batcher.h"
#include "pipeline/layout_cache.h"
#include "text/markup_color.h"

namespace glyphstream::pipeline {
namespace {

// The batcher drops quads beyond this (draw_batcher.cpp's kFarPx); the memo is drawn only where
// none of its quads comes near it, so that it never has to test a quad.
constexpr int64_t kFarPx = int64_t(1) << 22;
// Whole numbers below this are exact as floats.
constexpr int64_t kExactPx = int64_t(1) << 24;

// queue_text's culling test (clip.h, glyph_outside at scale 1) on integers: the ink box and the
// pen are whole pixels, so this is the same comparison without the doubles.
inline bool box_outside(const gpu::InstanceClip& c, int64_t x0, int64_t y0, int64_t x1,
                        int64_t y1) {
  return !(x1 > int64_t(c.x0) && x0 < int64_t(c.x1) && y1 > int64_t(c.y0) && y0 < int64_t(c.y1));
}

}  // namespace

bool build_memo(LayoutMemo* memo, const std::vector<text::ShapedGlyph>& glyphs,
                std::vector<PreparedGlyph>& prepared, const atlas::GlyphCache& cache,
                uint64_t atlas_growths, uint32_t default_color, int ix, int iy,
                const gpu::InstanceClip& clip) {
  LayoutMemo& m = *memo;
  m.valid = false;
  // Every glyph drawn 1:1, or no memo (the per-glyph path handles the rest). A glyph not
  // cached may stay so while it is culled (never rasterized: text past an edge); one that this
  // draw shows is a miss, for the per-glyph path (no memo is built to be dropped at once).
  for (size_t i = 0; i < prepared.size(); ++i) {
    PreparedGlyph& p = prepared[i];
    if (!p.glyph) p.glyph = cache.find(p.key);
    if (p.glyph && p.glyph->draw_scale > 0) return false;
    if (!p.glyph) {
      const text::InkBox& ink = glyphs[i].ink;
      const int64_t px = int64_t(ix) + p.dx, py = int64_t(iy) + p.dy;
      if (!clip_empty(clip) && (!ink.known() || !box_outside(clip, px + ink.x0, py + ink.y0,
                                                             px + ink.x1, py + ink.y1))) {
        return false;
      }
    }
  }
  const size_t n = glyphs.size();
  m.glyphs.resize(n);
  m.quads.clear();
  m.pages.clear();
  m.handles.clear();
  m.run_pages = {};
  m.uniform_color = true;
  m.missing = false;
  m.x0 = m.y0 = INT32_MAX;
  m.x1 = m.y1 = INT32_MIN;
  m.max_x0 = m.max_y0 = INT32_MIN;
  m.min_x1 = m.min_y1 = INT32_MAX;
  m.min_rx = m.min_ry = INT32_MAX;
  m.max_rx = m.max_ry = INT32_MIN;
  for (size_t i = 0; i < n; ++i) {
    const text::ShapedGlyph& g = glyphs[i];
    const PreparedGlyph& p = prepared[i];
    LayoutMemo::Glyph& e = m.glyphs[i];
    if (g.ink.known()) {
      e.x0 = p.dx + g.ink.x0, e.y0 = p.dy + g.ink.y0;
      e.x1 = p.dx + g.ink.x1, e.y1 = p.dy + g.ink.y1;
    } else {  // never culled but by an empty clip
      e.x0 = e.y0 = INT32_MIN / 2;
      e.x1 = e.y1 = INT32_MAX / 2;
    }
    m.x0 = std::min(m.x0, e.x0), m.y0 = std::min(m.y0, e.y0);
    m.x1 = std::max(m.x1, e.x1), m.y1 = std::max(m.y1, e.y1);
    m.max_x0 = std::max(m.max_x0, e.x0), m.max_y0 = std::max(m.max_y0, e.y0);
    m.min_x1 = std::min(m.min_x1, e.x1), m.min_y1 = std::min(m.min_y1, e.y1);
    if (g.has_color || g.has_alpha) m.uniform_color = false;
    if (!p.glyph) {
      e.quad = LayoutMemo::kMissing;
      m.missing = true;
      continue;
    }
    const atlas::CachedGlyph& c = *p.glyph;
    if (c.empty()) {
      e.quad = -1;
      continue;
    }
    e.quad = int32_t(m.quads.size());
    const bool color_page = c.format == PixelFormat::kColor32;
    const int32_t rx = p.dx + c.bearing_x, ry = p.dy - c.bearing_y;
    if (std::abs(int64_t(rx)) >= kExactPx || std::abs(int64_t(ry)) >= kExactPx) return false;
    gpu::GlyphInstance& q = m.quads.emplace_back();
    q.x = float(rx);
    q.y = float(ry);
    q.w = float(c.rect.w);
    q.h = float(c.rect.h);
    q.u = uint16_t(c.rect.x);
    q.v = uint16_t(c.rect.y);
    q.tw = uint16_t(c.rect.w);
    q.th = uint16_t(c.rect.h);
    q.color = text::resolve_markup_color(default_color, g.color_rgba, g.has_color, g.has_alpha);
    q.kind = uint32_t(gpu::InstanceKind::kGlyph) | (color_page ? gpu::kSampleColorPage : 0u);
    m.min_rx = std::min(m.min_rx, rx), m.max_rx = std::max(m.max_rx, rx);
    m.min_ry = std::min(m.min_ry, ry), m.max_ry = std::max(m.max_ry, ry);
    m.pages.push_back(uint32_t(c.page) | (color_page ? kColorPageBit : 0u));
    m.run_pages.add(c.page, color_page);
    m.handles.push_back(c.handle);
  }
  if (!m.run_pages.mixed) m.pages.clear();  // a quad's page follows from its kind
  std::sort(m.handles.begin(), m.handles.end(), [](atlas::AllocHandle a, atlas::AllocHandle b) {
    return a.index != b.index ? a.index < b.index : a.generation < b.generation;
  });
  m.handles.erase(std::unique(m.handles.begin(), m.handles.end()), m.handles.end());
  m.cache_epoch = cache.epoch();
  m.atlas_growths = atlas_growths;
  m.color = default_color;
  m.touched_frame = 0;
  m.valid = true;
  return true;
}

MemoDraw draw_memo(LayoutMemo& m, int ix, int iy, const gpu::InstanceClip& clip,
                   uint32_t default_color, atlas::Atlas& atlas, DrawBatcher& batcher) {
  MemoDraw d;
  const uint32_t n = uint32_t(m.glyphs.size());
  const int64_t ox = ix, oy = iy;
  if (clip_empty(clip) ||
      (n > 0 && box_outside(clip, ox + m.x0, oy + m.y0, ox + m.x1, oy + m.y1))) {
    d.drawn = true;  // every glyph culled, nothing touched
    d.culled = n;
    return d;
  }
  if (!m.quads.empty() && (ox + m.min_rx < -kFarPx || ox + m.max_rx > kFarPx ||
                           oy + m.min_ry < -kFarPx || oy + m.max_ry > kFarPx)) {
    return d;  // near the far-quad limit: quad by quad
  }
  // Every glyph's box meets the clip (box_outside is false for each): none is culled.
  const bool inside = ox + m.min_x1 > int64_t(clip.x0) && ox + m.max_x0 < int64_t(clip.x1) &&
                      oy + m.min_y1 > int64_t(clip.y0) && oy + m.max_y0 < int64_t(clip.y1);
  if (inside && m.missing) {
    m.valid = false;  // a glyph not cached is on screen now: rasterized on the per-glyph path
    return d;
  }
  if (m.touched_frame != atlas.current_frame()) {
    for (const atlas::AllocHandle& h : m.handles) atlas.touch(h);
    m.touched_frame = atlas.current_frame();
  }
  const size_t count = m.quads.size();
  const bool mixed = m.run_pages.mixed;
  DrawBatcher::ReadyRun run = batcher.ready_begin(count);
  gpu::GlyphInstance* out = run.instances;
  const gpu::GlyphInstance* quads = m.quads.data();
  const float fx = float(ix), fy = float(iy);  // exact: |ix|, |iy| <= 2^24
  RunPages pages;                              // of the quads drawn, when some are culled
  if (inside) {
    // The copy a steady frame comes down to: 40 bytes a quad, origin added, clip set.
    if (m.uniform_color) {
      for (size_t i = 0; i < count; ++i, ++out) {
        gpu::GlyphInstance q = quads[i];
        q.x += fx, q.y += fy, q.color = default_color, q.clip = clip;
        *out = q;
      }
    } else {
      for (size_t i = 0; i < count; ++i, ++out) {
        gpu::GlyphInstance q = quads[i];
        q.x += fx, q.y += fy, q.clip = clip;
        *out = q;
      }
    }
    if (mixed) std::copy(m.pages.begin(), m.pages.end(), run.pages);
  } else {
    for (const LayoutMemo::Glyph& e : m.glyphs) {
      if (box_outside(clip, ox + e.x0, oy + e.y0, ox + e.x1, oy + e.y1)) {
        ++d.culled;
        continue;
      }
      if (e.quad < 0) {
        if (e.quad != LayoutMemo::kMissing) continue;  // a space
        m.valid = false;  // as above; nothing queued yet (ready_end not called)
        return MemoDraw{};
      }
      const size_t i = size_t(e.quad);
      gpu::GlyphInstance q = quads[i];
      q.x += fx, q.y += fy, q.clip = clip;
      if (m.uniform_color) q.color = default_color;
      const bool color_page = (q.kind & gpu::kSampleColorPage) != 0;
      if (mixed) run.pages[out - run.instances] = m.pages[i];
      pages.add(mixed        ? m.pages[i] & ~kColorPageBit
                : color_page ? m.run_pages.color
                             : m.run_pages.coverage,
                color_page);
      *out++ = q;
    }
  }
  d.drawn = true;
  batcher.ready_end(size_t(out - run.instances), inside ? m.run_pages : pages);
  d.hits = n - d.culled;
  return d;
}

}  // namespace glyphstream::pipeline
