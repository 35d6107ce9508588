#include "pipeline/scaled_glyphs.h"

#include <gtest/gtest.h>

namespace glyphstream::pipeline {
namespace {

// The knobs of TextSystemDesc with their defaults, and the settling bound per 4 threads.
TEST(ZoomPolicy, DefaultsAndTheSettlingBoundScaleWithThreads) {
  const TextSystemDesc defaults;
  for (int threads : {1, 2, 4, 7}) {
    const ZoomPolicy p = ZoomPolicy::from(defaults, threads);
    EXPECT_EQ(p.stable_frames, 1);
    EXPECT_EQ(p.settle_frames, 2);
    EXPECT_EQ(p.background_per_frame, 128u);
    EXPECT_EQ(p.landed_per_commit, 128u);
    EXPECT_EQ(p.settle_per_frame, 128u) << threads;
    EXPECT_EQ(p.ladder_steps, 4);
  }
  EXPECT_EQ(ZoomPolicy::from(defaults, 8).settle_per_frame, 256u);
  EXPECT_EQ(ZoomPolicy::from(defaults, 16).settle_per_frame, 512u);

  TextSystemDesc knobs;
  knobs.zoom_stable_frames = 3;
  knobs.zoom_background_glyphs = 16;
  knobs.zoom_ladder_steps = 8;
  const ZoomPolicy p = ZoomPolicy::from(knobs, 16);
  EXPECT_EQ(p.stable_frames, 3);
  EXPECT_EQ(p.settle_frames, 4);
  EXPECT_EQ(p.background_per_frame, 16u);
  EXPECT_EQ(p.landed_per_commit, 16u);
  EXPECT_EQ(p.settle_per_frame, 64u);  // background requests per frame are not scaled
  EXPECT_EQ(p.ladder_steps, 8);
}

}  // namespace
}  // namespace glyphstream::pipeline
