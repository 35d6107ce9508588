// Layout memo: a cached layout's built glyph instances, kept so that a layout drawn again with
// nothing changed costs a copy of its instances (steady frames at memory speed, issue 26).
//
// The instances are relative to the layout's integer origin, so one memo serves every position
// with the same sub-pixel fraction (the layout's prepared keys): a static screen, a scrolled one
// (whole-pixel steps), a text drawn at many places in a frame. The call's clip and origin are
// applied while copying (culling as queue_text culls, exactly: integer ink boxes). What the
// instances depend on is the memo's key, checked at every draw:
//   - the prepared keys (the fractional origin): prepare_layout() drops the memo when it rekeys;
//   - every glyph's cache entry (page, rect, bearings): the glyph cache's epoch, which moves on
//     every erase or replacement (eviction), and the atlas's growth count (a page that grew);
//   - the style's colour, only for layouts with markup colours (others take it while copying).
// A layout with a glyph drawn scaled (larger than a page) or one far enough out for the
// batcher's far-quad limit is never memoized, and a draw that would show a glyph not in the
// cache (a miss: culled glyphs are never rasterized) drops the memo: both take the per-glyph
// path (queue_text), which resolves and draws them as before.
#pragma once

#include <cstdint>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "gpu/backend.h"
#include "pipeline/batch_order.h"
#include "text/layout.h"

namespace glyphstream::pipeline {

struct PreparedGlyph;
class DrawBatcher;

struct LayoutMemo {
  // Validity (see the header comment).
  bool valid = false;
  uint64_t cache_epoch = 0;
  uint64_t atlas_growths = 0;
  bool uniform_color = true;   // no markup colour: every instance takes the call's colour
  uint32_t color = 0;          // the colour built in, when not uniform
  uint64_t touched_frame = 0;  // the atlas frame its glyphs were last touched in

  // One entry per glyph of the layout (spaces too: they count as culled or as hits).
  struct Glyph {
    int32_t x0, y0, x1, y1;  // ink box from the integer origin (unknown: never culled)
    int32_t quad;            // index into `quads`, -1 for a glyph without pixels, kMissing
  };
  // A glyph not in the cache when the memo was built (it was culled): the memo serves only
  // draws that cull it too.
  static constexpr int32_t kMissing = -2;
  bool missing = false;
  std::vector<Glyph> glyphs;
  int32_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // union of the glyphs' ink boxes
  // The innermost edges: the largest x0, y0 and the smallest x1, y1 of the boxes. A clip
  // beyond them on every side meets every box: nothing is culled.
  int32_t max_x0 = 0, max_y0 = 0, min_x1 = 0, min_y1 = 0;
  // The quads' instances; a colour glyph's kind carries kSampleColorPage
  // (the batcher takes it off where its batch has no coverage page). `pages` (kColorPageBit for
  // a colour page) is kept only when the layout samples more than one page of a format.
  // x and y are from the integer origin (whole pixels, |x|, |y| < 2^24: exact as floats, and
  // so is their sum with the origin within the far limit); clip unset; colour set (replaced
  // when uniform_color).
  std::vector<gpu::GlyphInstance> quads;
  std::vector<uint32_t> pages;
  int32_t min_rx = 0, min_ry = 0, max_rx = 0, max_ry = 0;
  RunPages run_pages;
  std::vector<atlas::AllocHandle> handles;  // distinct allocations, touched once a frame
};

// Whether `memo` still describes what the layout draws now.
inline bool memo_current(const LayoutMemo& memo, uint64_t cache_epoch, uint64_t atlas_growths,
                         uint32_t color) {
  return memo.valid && memo.cache_epoch == cache_epoch && memo.atlas_growths == atlas_growths &&
         (memo.uniform_color || memo.color == color);
}

// Builds the memo from the layout's glyphs and prepared keys (resolving cache entries into
// `prepared` as queue_text does), for a draw at integer origin (ix, iy) into `clip`. False
// (memo left invalid) when a glyph is drawn scaled or this draw shows a glyph not cached.
bool build_memo(LayoutMemo* memo, const std::vector<text::ShapedGlyph>& glyphs,
                std::vector<PreparedGlyph>& prepared, const atlas::GlyphCache& cache,
                uint64_t atlas_growths, uint32_t default_color, int ix, int iy,
                const gpu::InstanceClip& clip);

// What drawing the memo at integer origin (ix, iy) into `clip` did.
struct MemoDraw {
  bool drawn = false;  // false: too far out for the memo; the caller takes the per-glyph path
  uint32_t culled = 0;
  uint32_t hits = 0;
};

// Queues the memo's instances at integer origin (ix, iy) clipped to `clip`, culling glyphs
// whose ink box misses it; touches the layout's allocations once per atlas frame.
MemoDraw draw_memo(LayoutMemo& memo, int ix, int iy, const gpu::InstanceClip& clip,
                   uint32_t default_color, atlas::Atlas& atlas, DrawBatcher& batcher);

}  // namespace glyphstream::pipeline
