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

TEST(ImageDiff, LinearLightComparesNearBlackInLinearLight) {
  // The H100's sRGB blend against the exact reference: (52, 25, 26) vs (50, 21, 22) is within
  // 0.6/255 in linear light, though 4 encoded levels apart; a mid-grey 4 levels apart is not.
  const std::vector<uint8_t> gpu = {52, 25, 26, 255}, ref = {50, 21, 22, 255};
  EXPECT_FALSE(diff_images(gpu, ref, 1, 1, 3).match());
  EXPECT_TRUE(diff_images_linear_light(gpu, ref, 1, 1, 3).match());
  // Session 11's H100 worst: (74, 40, 48) vs (76, 44, 52), 1.21/255 in linear light.
  EXPECT_TRUE(diff_images_linear_light(std::vector<uint8_t>{74, 40, 48, 251},
                                       std::vector<uint8_t>{76, 44, 52, 251}, 1, 1, 3)
                  .match());
  // Session 12's: (89, 52, 92) vs (90, 58, 91), 2.03/255.
  EXPECT_TRUE(diff_images_linear_light(std::vector<uint8_t>{89, 52, 92, 255},
                                       std::vector<uint8_t>{90, 58, 91, 255}, 1, 1, 2)
                  .match());
  // Near black, 10 levels (2.7/255 in linear light) are a difference.
  EXPECT_FALSE(diff_images_linear_light(std::vector<uint8_t>{40, 40, 40, 255},
                                        std::vector<uint8_t>{50, 40, 40, 255}, 1, 1, 3)
                   .match());
  const std::vector<uint8_t> grey = {132, 128, 128, 255}, grey_ref = {128, 128, 128, 255};
  EXPECT_FALSE(diff_images_linear_light(grey, grey_ref, 1, 1, 3).match());
  // Alpha is stored linearly: 4 levels of alpha differ whatever the colour.
  const std::vector<uint8_t> alpha = {20, 20, 20, 251};
  EXPECT_FALSE(
      diff_images_linear_light(alpha, std::vector<uint8_t>{20, 20, 20, 255}, 1, 1, 3).match());
}

}  // namespace
}  // namespace glyphstream::testing
