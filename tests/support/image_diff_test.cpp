#include "image_diff.h"

#include <gtest/gtest.h>

#include <vector>

namespace glyphstream::testing {
namespace {

TEST(ImageDiff, EqualImagesMatch) {
  const std::vector<uint8_t> a(2 * 2 * 4, 10);
  const ImageDiff d = diff_images(a, a, 2, 2, 0);
  EXPECT_TRUE(d.match()) << d.report;
  EXPECT_EQ(d.max_channel_diff, 0);
  EXPECT_EQ(d.first_x, -1);
}

TEST(ImageDiff, ToleranceAndFirstDifference) {
  std::vector<uint8_t> a(2 * 2 * 4, 10), b = a;
  b[7] = 11;  // pixel (1,0) alpha
  EXPECT_FALSE(diff_images(a, b, 2, 2, 0).match());
  const ImageDiff within = diff_images(a, b, 2, 2, 1);
  EXPECT_TRUE(within.match()) << within.report;
  EXPECT_EQ(within.max_channel_diff, 1);
  b[12] = 20;  // pixel (1,1) red
  const ImageDiff d = diff_images(a, b, 2, 2, 1);
  EXPECT_FALSE(d.match());
  EXPECT_EQ(d.differing_pixels, 1u);
  EXPECT_EQ(d.max_channel_diff, 10);
  EXPECT_EQ(d.first_x, 1);
  EXPECT_EQ(d.first_y, 1);
  EXPECT_NE(d.report.find("(1,1)"), std::string::npos) << d.report;
}

TEST(ImageDiff, ShortImageIsAMismatchNotARead) {
  const std::vector<uint8_t> a(2 * 2 * 4, 10), short_image(3);
  const ImageDiff d = diff_images(a, short_image, 2, 2, 1);
  EXPECT_FALSE(d.sizes_ok);
  EXPECT_FALSE(d.match());
  EXPECT_NE(d.report.find("size mismatch"), std::string::npos) << d.report;
}

}  // namespace
}  // namespace glyphstream::testing
