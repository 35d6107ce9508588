// Frame tags alone: what is safe to reuse, deferred frees, the per-frame eviction allowance.
#include "atlas/frame_guard.h"

#include <gtest/gtest.h>

#include <vector>

namespace glyphstream::atlas {
namespace {

TEST(AtlasFrameGuardTest, OnlyCompletedFramesOtherThanTheCurrentOneAreSafe) {
  FrameGuard frames(100);
  EXPECT_FALSE(frames.safe(0));  // nothing has completed yet
  EXPECT_TRUE(frames.begin_frame(1));
  EXPECT_TRUE(frames.begin_frame(2));
  EXPECT_FALSE(frames.begin_frame(2));  // frames must increase
  EXPECT_TRUE(frames.set_completed_frame(1));
  EXPECT_TRUE(frames.safe(1));
  EXPECT_FALSE(frames.safe(2));
  EXPECT_FALSE(frames.set_completed_frame(1));
  EXPECT_TRUE(frames.set_completed_frame(5));  // clamped: frame 3 has not even begun
  EXPECT_FALSE(frames.safe(2));                // the current frame is never safe
  EXPECT_TRUE(frames.begin_frame(3));
  EXPECT_TRUE(frames.safe(2));
  EXPECT_FALSE(frames.safe(3));
}

TEST(AtlasFrameGuardTest, DeferredSpansComeBackOnceTheirFrameIsSafe) {
  FrameGuard frames(100);
  frames.begin_frame(1);
  frames.defer(HeldSpan{1, 0, 0, 4});
  frames.begin_frame(2);
  frames.defer(HeldSpan{2, 0, 4, 4});
  std::vector<uint32_t> released;
  auto collect = [&](const HeldSpan& s) { released.push_back(s.shelf); };
  frames.release_safe(collect);
  EXPECT_TRUE(released.empty());
  frames.set_completed_frame(1);
  frames.release_safe(collect);
  EXPECT_EQ(released, std::vector<uint32_t>{1});
  frames.begin_frame(3);
  frames.set_completed_frame(2);
  frames.release_safe(collect);
  EXPECT_EQ(released, (std::vector<uint32_t>{1, 2}));
  size_t left = 0;
  frames.for_each_deferred([&](const HeldSpan&) { ++left; });
  EXPECT_EQ(left, 0u);
}

TEST(AtlasFrameGuardTest, EvictionAllowanceResetsEachFrameAndOneShelfAlwaysGoes) {
  FrameGuard frames(100);
  frames.begin_frame(1);
  EXPECT_TRUE(frames.may_evict(500));  // the first shelf of a frame, however large
  EXPECT_FALSE(frames.within_limit(500));
  frames.count_evicted(500);
  EXPECT_FALSE(frames.may_evict(1));
  frames.lift_limit();
  EXPECT_TRUE(frames.may_evict(1000));
  frames.begin_frame(2);  // the lift lasts one frame; the count starts again
  EXPECT_TRUE(frames.may_evict(60));
  frames.count_evicted(60);
  EXPECT_TRUE(frames.may_evict(40));
  EXPECT_FALSE(frames.may_evict(41));
}

}  // namespace
}  // namespace glyphstream::atlas
