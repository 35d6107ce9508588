// Dirty-rect tracking alone: per-shelf boxes, dropping, clipping, coalescing.
#include "atlas/dirty_tracker.h"

#include <gtest/gtest.h>

#include <vector>

namespace glyphstream::atlas {
namespace {

bool covers(const std::vector<Rect>& rects, const Rect& r) {
  for (const Rect& c : rects) {
    if (r.x >= c.x && r.y >= c.y && r.right() <= c.right() && r.bottom() <= c.bottom()) return true;
  }
  return false;
}

TEST(AtlasDirtyTrackerTest, BoxesGrowPerShelfAndTakingCleansThePage) {
  DirtyTracker dirty;
  dirty.add_page();
  dirty.add_page();
  dirty.mark(0, 5, 0, 0, 10, 10);
  dirty.mark(0, 5, 20, 0, 30, 8);
  dirty.mark(1, 6, 0, 0, 4, 4);
  EXPECT_EQ(dirty.dirty_shelves(), 2u);
  const std::vector<Rect> rects = dirty.take(0);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_TRUE(covers(rects, Rect{0, 0, 30, 10}));
  EXPECT_TRUE(dirty.any());  // page 1 is still dirty
  EXPECT_TRUE(dirty.take(0).empty());
  dirty.clear_page(1);
  EXPECT_FALSE(dirty.any());
}

TEST(AtlasDirtyTrackerTest, DroppedAndClippedBoxesLoseTheirDeadPixels) {
  DirtyTracker dirty;
  dirty.add_page();
  dirty.mark(0, 1, 0, 0, 40, 10);
  dirty.mark(0, 2, 50, 20, 60, 30);
  dirty.clip(1, 16);
  EXPECT_EQ(dirty.box(1).x1, 16);
  dirty.clip(2, 50);  // everything right of 50 is dead: the box goes
  EXPECT_FALSE(dirty.box(2).dirty);
  dirty.drop(2);  // no-op
  EXPECT_EQ(dirty.dirty_shelves(), 1u);
  const std::vector<Rect> rects = dirty.take(0);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_EQ(rects[0].right(), 16);
}

TEST(AtlasDirtyTrackerTest, CoalescingCoversEveryRectWithFewCopies) {
  // Far-apart rects stay apart (their union would waste most of its area), up to the cap.
  std::vector<Rect> in;
  for (int i = 0; i < 20; ++i) in.push_back(Rect{(i % 2) * 500, i * 50, 10, 10});
  const std::vector<Rect> out = coalesce_dirty_rects(in);
  EXPECT_LE(out.size(), kMaxDirtyRectsPerPage);
  for (const Rect& r : in) EXPECT_TRUE(covers(out, r));
  // Touching rows of one width merge into one.
  const std::vector<Rect> rows = coalesce_dirty_rects({{0, 10, 64, 10}, {0, 0, 64, 10}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].h, 20);
  // Two far rects whose bounding box is mostly waste stay two.
  EXPECT_EQ(coalesce_dirty_rects({{0, 0, 4, 4}, {200, 200, 4, 4}}).size(), 2u);
}

}  // namespace
}  // namespace glyphstream::atlas
