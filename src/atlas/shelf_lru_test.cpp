// The shelf LRU alone.
#include "atlas/shelf_lru.h"

#include <gtest/gtest.h>

#include <vector>

namespace glyphstream::atlas {
namespace {

std::vector<uint32_t> order(const ShelfLru& lru, PixelFormat f) {
  std::vector<uint32_t> out;
  for (uint32_t s = lru.oldest(f); s != ShelfLru::kNone; s = lru.node(s).next) out.push_back(s);
  return out;
}

TEST(ShelfLruTest, UseMovesAShelfToTheBackOfItsFormatsList) {
  ShelfLru lru;
  const PixelFormat r8 = PixelFormat::kCoverage8, rgba = PixelFormat::kColor32;
  lru.use(3, r8, 1);
  lru.use(1, r8, 1);
  lru.use(7, rgba, 1);
  lru.use(3, r8, 2);
  EXPECT_EQ(order(lru, r8), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(order(lru, rgba), std::vector<uint32_t>{7});
  EXPECT_EQ(lru.newest(r8), 3u);
  EXPECT_EQ(lru.node(3).newest_frame, 2u);
  lru.remove(1);
  lru.remove(1);  // no-op
  EXPECT_EQ(order(lru, r8), std::vector<uint32_t>{3});
  EXPECT_FALSE(lru.node(1).listed);
  EXPECT_FALSE(lru.node(99).listed);  // never used
  lru.remove(3);
  EXPECT_EQ(lru.oldest(r8), ShelfLru::kNone);
  EXPECT_EQ(lru.newest(r8), ShelfLru::kNone);
  lru.use(3, rgba, 4);  // a reused shelf id on a page of the other format
  EXPECT_EQ(order(lru, rgba), (std::vector<uint32_t>{7, 3}));
}

}  // namespace
}  // namespace glyphstream::atlas
