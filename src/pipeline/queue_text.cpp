#include "pipeline/queue_text.h"

#include <cmath>

#include "pipeline/clip.h"
#include "pipeline/layout_memo.h"
#include "text/markup_color.h"

namespace glyphstream::pipeline {

void queue_text(const ScaledDrawTarget& t, CachedLayout& L, float x, float y,
                uint32_t default_color) {
  const size_t misses_before = t.raster->miss_count();
  const double whole_x = std::floor(double(x)), whole_y = std::floor(double(y));
  prepare_layout(L, float(double(x) - whole_x), float(double(y) - whole_y), t.cache->epoch());
  const int ix = int(whole_x), iy = int(whole_y);
  // Drawn before with nothing changed, or every glyph cached: the memo's instances are copied.
  const uint64_t growths = t.atlas->growths();
  const bool reused = memo_current(L.memo, t.cache->epoch(), growths, default_color);
  if (reused ||
      build_memo(&L.memo, L.glyphs, L.prepared, *t.cache, growths, default_color, ix, iy, t.clip)) {
    const MemoDraw d = draw_memo(L.memo, ix, iy, t.clip, default_color, *t.atlas, *t.batcher);
    if (d.drawn) {
      t.stats->glyphs_culled += d.culled;
      t.stats->glyph_hits += d.hits;
      if (reused) t.stats->glyphs_memoized += d.hits;
      t.batcher->push_decorations(L.decorations, x, y, default_color, t.clip);
      return;
    }
  }
  for (size_t i = 0; i < L.glyphs.size(); ++i) {
    PreparedGlyph& p = L.prepared[i];
    const text::ShapedGlyph& g = L.glyphs[i];
    const int pen_x = ix + p.dx, pen_y = iy + p.dy;
    if (glyph_outside(t.clip, g.ink, pen_x, pen_y, 1.0f)) {
      ++t.stats->glyphs_culled;  // neither drawn nor rasterized
      continue;
    }
    QueuedGlyph& q = t.batcher->push();
    q.key = p.key;
    q.pen_x = pen_x;
    q.pen_y = pen_y;
    q.clip = t.clip;
    q.color = text::resolve_markup_color(default_color, g.color_rgba, g.has_color, g.has_alpha);
    if (!p.glyph) p.glyph = t.cache->find(p.key);  // inserts keep pointers: no epoch change
    if (p.glyph) {
      ++t.stats->glyph_hits;
      q.glyph = p.glyph;
      if (!p.glyph->empty()) t.atlas->touch(p.glyph->handle);
    } else {
      t.raster->add_miss(q.key);
    }
  }
  t.raster->dispatch(misses_before);
  t.batcher->push_decorations(L.decorations, x, y, default_color, t.clip);
}

}  // namespace glyphstream::pipeline
