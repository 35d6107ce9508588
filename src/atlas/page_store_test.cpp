// Page storage alone: budget, growth without moving pixels, recycling, failure injection.
#include "atlas/page_store.h"

#include <gtest/gtest.h>

#include <new>

namespace glyphstream::atlas {
namespace {

TEST(AtlasPageStoreTest, PagesStartZeroedAndCountTheirBytes) {
  PageStore store(64, 256, 64 * 256 * 4);
  store.append(PixelFormat::kCoverage8, 32);
  store.append(PixelFormat::kColor32, 16);
  ASSERT_EQ(store.count(), 2u);
  EXPECT_EQ(store.page(0).stride(), 64u);
  EXPECT_EQ(store.page(1).stride(), 64u * 4);
  EXPECT_EQ(store.bytes(), 64u * 32 + 64u * 16 * 4);
  EXPECT_EQ(store.total_area(), 64u * 32 + 64u * 16);
  for (size_t i = 0; i < store.page(1).pixels.size(); ++i)
    ASSERT_EQ(store.page(1).pixels.data()[i], 0);
}

TEST(AtlasPageStoreTest, GrowthDoublesKeepsPixelsAndBumpsTheGeneration) {
  PageStore store(16, 128, 16 * 128);
  store.append(PixelFormat::kCoverage8, 16);
  store.pixels(0)[5] = 42;
  const uint8_t* before = store.page(0).pixels.data();
  store.grow(0, 64);  // 16 -> 32 -> 64: two doublings
  EXPECT_EQ(store.page(0).height, 64);
  EXPECT_EQ(store.page(0).generation, 2u);
  EXPECT_EQ(store.growths(), 2u);
  EXPECT_EQ(store.page(0).pixels.data(), before);  // reserved at the maximum: nothing moved
  EXPECT_EQ(store.page(0).pixels.data()[5], 42);
  EXPECT_EQ(store.page(0).pixels.data()[16 * 63], 0);
  EXPECT_EQ(store.bytes(), 16u * 64);
}

TEST(AtlasPageStoreTest, TheBudgetIsAQuestionTheCallerAsks) {
  PageStore store(16, 16, 16 * 16 * 2);
  EXPECT_TRUE(store.fits(store.bytes_for(PixelFormat::kCoverage8, 16) * 2));
  EXPECT_FALSE(store.fits(store.bytes_for(PixelFormat::kColor32, 16)));
  store.append(PixelFormat::kCoverage8, 16);
  store.append(PixelFormat::kCoverage8, 16);
  EXPECT_FALSE(store.fits(1));
  EXPECT_TRUE(store.fits_instead_of(0, 16 * 16));
  EXPECT_FALSE(store.fits_instead_of(0, 16 * 16 + 1));
}

TEST(AtlasPageStoreTest, ReplaceGivesFreshZeroedStorageAndANewGeneration) {
  PageStore store(16, 16, 16 * 16 * 8);
  store.append(PixelFormat::kCoverage8, 16);
  store.pixels(0)[0] = 9;
  store.replace(0, PixelFormat::kColor32, 8);
  EXPECT_EQ(store.page(0).format, PixelFormat::kColor32);
  EXPECT_EQ(store.page(0).generation, 1u);
  EXPECT_EQ(store.page(0).pixels.data()[0], 0);
  EXPECT_EQ(store.bytes(), 16u * 8 * 4);
  EXPECT_EQ(store.total_area(), 16u * 8);
}

TEST(AtlasPageStoreTest, AFailedAllocationLeavesTheStoreAsItWas) {
  PageStore store(64, 64, 1 << 20);
  store.append(PixelFormat::kCoverage8, 64);
  set_page_failure_threshold(1);
  EXPECT_THROW(store.append(PixelFormat::kCoverage8, 64), std::bad_alloc);
  EXPECT_THROW(store.replace(0, PixelFormat::kColor32, 64), std::bad_alloc);
  set_page_failure_threshold(0);
  EXPECT_EQ(store.count(), 1u);
  EXPECT_EQ(store.page(0).format, PixelFormat::kCoverage8);
  EXPECT_EQ(store.bytes(), 64u * 64);
}

}  // namespace
}  // namespace glyphstream::atlas
