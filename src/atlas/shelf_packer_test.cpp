// The shelf packer alone: no atlas, no pixels, no frames.
#include "atlas/shelf_packer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace glyphstream::atlas {
namespace {

constexpr PixelFormat kR8 = PixelFormat::kCoverage8;

Rect rect_of(const Placement& p) { return Rect{p.x, p.y, p.w, p.h}; }

bool overlap(const Placement& a, const Placement& b) {
  return a.page == b.page && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
         b.y < a.y + a.h;
}

#define EXPECT_PACKER_OK(packer, ...)                     \
  do {                                                    \
    const std::string err_ = (packer).check(__VA_ARGS__); \
    ASSERT_TRUE(err_.empty()) << err_;                    \
  } while (0)

TEST(ShelfPackerTest, FillsAShelfLeftToRightThenOpensTheNextOneBelow) {
  ShelfPacker packer(PackerConfig{64, 64, 1});
  packer.add_page(kR8, 64);
  std::vector<Placement> row;
  for (int i = 0; i < 4; ++i) {
    const PackResult r = packer.allocate(kR8, 16, 10);
    ASSERT_EQ(r.status, PackStatus::kOk);
    row.push_back(r.placement);
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(row[size_t(i)].x, 16 * i);
    EXPECT_EQ(row[size_t(i)].y, 0);
  }
  const PackResult next = packer.allocate(kR8, 16, 10);  // the first shelf is full
  ASSERT_EQ(next.status, PackStatus::kOk);
  EXPECT_EQ(next.placement.y, 10);
  EXPECT_NE(next.placement.shelf, row[0].shelf);
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, BestFitReusesASlightlyTallerShelf) {
  ShelfPacker packer(PackerConfig{64, 64, 1});
  packer.add_page(kR8, 64);
  const Placement tall = packer.allocate(kR8, 8, 16).placement;
  // 15 is within the 1/8 slack of a 16-px shelf: same shelf, not a new one.
  const Placement shorter = packer.allocate(kR8, 8, 15).placement;
  EXPECT_EQ(shorter.shelf, tall.shelf);
  EXPECT_EQ(shorter.y, tall.y);
  // 8 is far below: a new shelf, which keeps the tall one for tall rectangles.
  const Placement small = packer.allocate(kR8, 8, 8).placement;
  EXPECT_NE(small.shelf, tall.shelf);
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, FullIsANormalResultAndAddingAPageHelps) {
  ShelfPacker packer(PackerConfig{32, 32, 1});
  packer.add_page(kR8, 32);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(packer.allocate(kR8, 32, 8).status, PackStatus::kOk);
  EXPECT_EQ(packer.allocate(kR8, 32, 8).status, PackStatus::kFull);
  EXPECT_EQ(packer.allocate(kR8, 33, 8).status, PackStatus::kTooLarge);
  EXPECT_EQ(packer.allocate(kR8, 0, 8).status, PackStatus::kTooLarge);
  const uint32_t page = packer.add_page(kR8, 32);
  const PackResult r = packer.allocate(kR8, 32, 8);
  ASSERT_EQ(r.status, PackStatus::kOk);
  EXPECT_EQ(r.placement.page, page);
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, PagesOfAnotherFormatAreNotUsed) {
  ShelfPacker packer(PackerConfig{32, 32, 1});
  packer.add_page(PixelFormat::kColor32, 32);
  EXPECT_EQ(packer.allocate(kR8, 4, 4).status, PackStatus::kFull);
  EXPECT_EQ(packer.allocate(PixelFormat::kColor32, 4, 4).status, PackStatus::kOk);
}

TEST(ShelfPackerTest, APageGrowsByDoublingUpToItsMaximum) {
  ShelfPacker packer(PackerConfig{32, 128, 1});
  packer.add_page(kR8, 16);
  ASSERT_EQ(packer.allocate(kR8, 32, 16).status, PackStatus::kOk);
  EXPECT_EQ(packer.page(0).height, 16);
  const PackResult r = packer.allocate(kR8, 32, 40);  // needs rows 16..56: 16 -> 32 -> 64
  ASSERT_EQ(r.status, PackStatus::kOk);
  EXPECT_EQ(r.placement.y, 16);
  EXPECT_EQ(packer.page(0).height, 64);
  EXPECT_EQ(packer.allocate(kR8, 32, 80).status, PackStatus::kFull);  // 56 + 80 > 128
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, FreedSpaceIsReusedAndAnEmptyShelfGivesItsBandBack) {
  ShelfPacker packer(PackerConfig{32, 32, 1});
  packer.add_page(kR8, 32);
  const Placement a = packer.allocate(kR8, 32, 32).placement;
  EXPECT_EQ(packer.allocate(kR8, 8, 8).status, PackStatus::kFull);
  packer.free(a.slot);
  EXPECT_EQ(packer.live_slot(a.slot, a.generation), nullptr);
  EXPECT_EQ(packer.page(0).shelves, 0u);
  // The band is whole again: shelves of another height fit.
  const PackResult b = packer.allocate(kR8, 8, 8);
  ASSERT_EQ(b.status, PackStatus::kOk);
  EXPECT_EQ(b.placement.y, 0);
  EXPECT_EQ(b.placement.slot, a.slot);  // the id comes back with a new generation
  EXPECT_NE(b.placement.generation, a.generation);
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, AHeldSpanStaysTakenUntilFreed) {
  ShelfPacker packer(PackerConfig{32, 8, 1});
  packer.add_page(kR8, 8);
  const Placement a = packer.allocate(kR8, 32, 8).placement;
  const HeldSpan held = packer.hold(a.slot);
  EXPECT_EQ(packer.live_count(), 0u);
  EXPECT_EQ(packer.allocate(kR8, 4, 4).status, PackStatus::kFull);
  EXPECT_PACKER_OK(packer, {held});
  packer.free_held(held);
  EXPECT_EQ(packer.allocate(kR8, 4, 4).status, PackStatus::kOk);
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, EmptyingAShelfReportsEachRectangleAndMakesHeldSpansStale) {
  ShelfPacker packer(PackerConfig{64, 16, 1});
  packer.add_page(kR8, 16);
  const Placement a = packer.allocate(kR8, 8, 16).placement;
  const Placement b = packer.allocate(kR8, 8, 16).placement;
  const Placement c = packer.allocate(kR8, 8, 16).placement;
  const HeldSpan held = packer.hold(c.slot);
  std::vector<uint32_t> seen;
  packer.empty_shelf(a.shelf, [&](uint32_t slot) { seen.push_back(slot); });
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_NE(std::find(seen.begin(), seen.end(), a.slot), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), b.slot), seen.end());
  EXPECT_EQ(packer.used_area(), 0u);
  packer.free_held(held);  // stale: changes nothing
  EXPECT_PACKER_OK(packer);
  EXPECT_EQ(packer.allocate(kR8, 64, 16).status, PackStatus::kOk);  // the whole page is free
}

TEST(ShelfPackerTest, ATallRectangleJoinsTheFreeTailsOfShortShelves) {
  // One column, its full height taken by an 8-px and a 6-px shelf holding 16 px each: no band
  // is left, no shelf is tall enough, but their empty tails together are 48 x 14.
  ShelfPacker packer(PackerConfig{64, 14, 1});
  packer.add_page(kR8, 14);
  const Placement top = packer.allocate(kR8, 16, 8).placement;
  const Placement bottom = packer.allocate(kR8, 16, 6).placement;
  ASSERT_NE(top.shelf, bottom.shelf);
  const PackResult r = packer.allocate(kR8, 40, 14);
  ASSERT_EQ(r.status, PackStatus::kOk);
  EXPECT_EQ(r.placement.x, 16);
  EXPECT_EQ(r.placement.y, 0);
  EXPECT_FALSE(overlap(r.placement, top));
  EXPECT_FALSE(overlap(r.placement, bottom));
  EXPECT_EQ(packer.shelf(top.shelf).x1, 16);  // cut where the tails began
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, WideRectanglesSpanSeveralColumns) {
  ShelfPacker packer(PackerConfig{1024, 64, 1});
  packer.add_page(kR8, 64);
  EXPECT_EQ(packer.columns(), 1024 / kColumnWidth);
  const PackResult r = packer.allocate(kR8, 600, 10);
  ASSERT_EQ(r.status, PackStatus::kOk);
  const ShelfPacker::Shelf& sh = packer.shelf(r.placement.shelf);
  EXPECT_EQ(sh.x1 - sh.x0, 3 * kColumnWidth);
  EXPECT_PACKER_OK(packer);
}

TEST(ShelfPackerTest, RandomOperationsKeepRectanglesDisjointAndTheCheckerQuiet) {
  std::mt19937 rng(7);
  ShelfPacker packer(PackerConfig{512, 256, 3});
  packer.add_page(kR8, 32);
  std::vector<Placement> live;
  std::vector<HeldSpan> held;
  for (int step = 0; step < 3000; ++step) {
    const int op = int(rng() % 10);
    if (op < 6) {
      const PackResult r = packer.allocate(kR8, 3 + int(rng() % 40), 3 + int(rng() % 40));
      if (r.status == PackStatus::kFull) {
        if (packer.page_count() < 4) packer.add_page(kR8, 32);
        continue;
      }
      ASSERT_EQ(r.status, PackStatus::kOk);
      for (const Placement& l : live) ASSERT_FALSE(overlap(l, r.placement)) << step;
      live.push_back(r.placement);
    } else if (op < 8 && !live.empty()) {
      const size_t i = rng() % live.size();
      packer.free(live[i].slot);
      live.erase(live.begin() + long(i));
    } else if (op == 8 && !live.empty()) {
      const size_t i = rng() % live.size();
      held.push_back(packer.hold(live[i].slot));
      live.erase(live.begin() + long(i));
    } else if (!held.empty()) {
      packer.free_held(held.front());
      held.erase(held.begin());
    }
    if (step % 100 == 0) EXPECT_PACKER_OK(packer, held);
  }
  EXPECT_PACKER_OK(packer, held);
  EXPECT_EQ(packer.live_count(), live.size());
  size_t area = 0;
  for (const Placement& l : live) area += size_t(rect_of(l).w) * size_t(rect_of(l).h);
  EXPECT_EQ(packer.used_area(), area);
}

TEST(ShelfHeightBucketsTest, FindsTheLowestListedHeightWithRoom) {
  HeightBuckets buckets(200);
  buckets.update(1, 10, 5, true);
  buckets.update(2, 12, 50, true);
  buckets.update(3, 130, 50, true);  // another bitmap word
  EXPECT_EQ(buckets.find(10, 20, 4), 1u);
  EXPECT_EQ(buckets.find(10, 20, 6), 2u);   // shelf 1 is too narrow
  EXPECT_EQ(buckets.find(13, 200, 6), 3u);  // across words
  EXPECT_EQ(buckets.find(13, 129, 6), UINT32_MAX);
  buckets.update(2, 12, 0, false);
  EXPECT_EQ(buckets.position(2), -1);
  EXPECT_FALSE(buckets.bit(12));
  EXPECT_EQ(buckets.find(10, 20, 6), UINT32_MAX);
  buckets.update(1, 10, 0, false);  // the last entry of its bucket
  EXPECT_FALSE(buckets.bit(10));
  EXPECT_EQ(buckets.position(3), 0);
}

}  // namespace
}  // namespace glyphstream::atlas
