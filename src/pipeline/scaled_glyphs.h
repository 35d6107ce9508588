// Scaled drawing (TextSystem::draw_text_scaled, issue 17): a cached layout drawn at a zoom
// factor without laying it out again. Positions are origin + scale * layout position (exactly
// what the application's own geometry does); each glyph's exact raster size is its layout size
// times the scale.
//
//   exact size cached          drawn 1:1 (kGlyph, sub-pixel bin as in draw_text)
//   another size cached        drawn from that raster stretched (kScaledGlyph, bilinear): a
//                              "stand-in", the next larger size preferred; meanwhile a better
//                              raster is requested in the background (worker pool, never waited
//                              for): the exact size once the scale has been drawn in
//                              `stable_frames` consecutive frames, else the size-ladder rung at
//                              or above the exact size (a few sizes per octave serve a whole
//                              animation instead of one raster per frame); one frame after
//                              the exact request (`settle_frames` at the scale) the exact
//                              glyphs still missing are misses like draw_text's: commit() waits
//                              for them (most are rasterized by then; of those never
//                              requested, `settle_per_frame` a frame at most), so the
//                              output is exact a known number of frames after the scale
//                              stops, at any thread count;
//                              the stand-in stays the fallback if one fails
//   no size cached             rasterized exactly in commit(), as draw_text does (never blank)
//
// Decorations (underlines, backgrounds, ...) are scaled about the text origin with the glyphs.
// A stand-in whose exact raster became resident in this frame's commit() is drawn exact by the
// batcher already (DrawBatcher::draw), so refinement lands a frame earlier.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "glyphstream/stats.h"
#include "glyphstream/text_style.h"
#include "glyphstream/text_system_desc.h"
#include "gpu/backend.h"
#include "pipeline/draw_batcher.h"
#include "pipeline/layout_cache.h"
#include "pipeline/raster_scheduler.h"

namespace glyphstream::pipeline {

// The knobs of TextSystemDesc with their defaults applied (W3 zoom,
// docs/performance/issue-13-17-h200-sessions.md).
struct ZoomPolicy {
  int stable_frames = 1;              // a scale drawn this many frames running is "stable"
  int settle_frames = 2;              // ... and this many (stable_frames + 1): exact now
  size_t background_per_frame = 128;  // background raster requests per frame, at most
  // Settling: exact glyphs never requested that one frame waits for, at most; scaled with the
  // rasterizer threads (background_per_frame per 4 threads), so that a screen of text settles
  // in the same frames' time whatever the machine.
  size_t settle_per_frame = 128;
  // Background results made resident per commit, at most (the same knob: what is requested in
  // a frame can land in one): a ladder rung that finishes at once is spread over frames.
  size_t landed_per_commit = 128;
  int ladder_steps = 4;  // stand-in sizes per octave during an animation
  static ZoomPolicy from(const TextSystemDesc& desc, int threads);
};

// The ladder rung (size in 26.6) at or above `size_26_6`: 64 * 2^(k / steps_per_octave).
uint32_t ladder_size_at_or_above(uint32_t size_26_6, int steps_per_octave);

// Where a stand-in's pixels go: its raster's rect scaled by exact size / stand-in size, placed
// so that its glyph origin lands where the exact glyph's origin is (pen + bin / 4).
StandIn stand_in_for(const atlas::CachedGlyph* glyph, const atlas::GlyphKey& glyph_key,
                     const atlas::GlyphKey& exact_key, int pen_x, int pen_y);
// The bilinear quad of a stand-in.
gpu::GlyphInstance scaled_instance(const StandIn& s, uint32_t color);

// What queue() works on: the text system's parts, for one draw call.
struct ScaledDrawTarget {
  atlas::GlyphCache* cache = nullptr;
  atlas::Atlas* atlas = nullptr;
  DrawBatcher* batcher = nullptr;
  RasterScheduler* raster = nullptr;
  FrameStats* stats = nullptr;
  gpu::InstanceClip clip;  // the call's pixels (pipeline/clip.h): glyphs wholly outside are culled
};

class ScaledGlyphs {
 public:
  explicit ScaledGlyphs(const ZoomPolicy& policy) : policy_(policy) {}
  void begin_frame(uint64_t frame) {
    frame_ = frame;
    requested_this_frame_ = 0;
    waited_this_frame_ = 0;
  }
  // Queues layout L at origin (x, y) and `scale` (checked finite, positive and its sizes in
  // range by the caller; x, y within TextSystem::kMaxPosition).
  void queue(const ScaledDrawTarget& t, CachedLayout& L, float x, float y, float scale,
             uint32_t default_color);
  // True (once) when `key` was one of this object's background requests: the caller counts it
  // as a refinement when it becomes resident.
  bool take_request(const atlas::GlyphKey& key) {
    return !requested_.empty() && requested_.erase(key) > 0;
  }
  // Frames in a row, before this one, that L was drawn at `scale` (0: new or changed).
  int note_scale(ScaleHistory& history, float scale) const;

 private:
  // The background request for a glyph drawn from a stand-in, if any (else false).
  bool background_key(const atlas::GlyphKey& exact, const atlas::GlyphKey& stand_in, bool stable,
                      atlas::GlyphKey* wanted) const;
  void submit_wanted(const ScaledDrawTarget& t);

  ZoomPolicy policy_;
  uint64_t frame_ = 0;
  size_t requested_this_frame_ = 0;
  size_t waited_this_frame_ = 0;               // fresh exact glyphs made misses while settling
  std::vector<atlas::GlyphKey> wanted_;        // scratch: one call's background keys
  std::vector<atlas::GlyphKey> submitted_;     // scratch
  std::vector<text::Decoration> decorations_;  // scratch: one call's decorations, scaled
  // Requests not yet resident (bounded: a request whose rasterization failed never lands).
  std::unordered_set<atlas::GlyphKey, atlas::GlyphKeyHash> requested_;
};

}  // namespace glyphstream::pipeline
