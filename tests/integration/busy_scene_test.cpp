// The bench's W5 busy scene (bench/busy_scene/busy_scene.h, through HeadlessTarget) on both
// backends: it leaves exactly its colour, and text drawn after it, with uploads in flight while it
// runs, is pixel-identical to the same text drawn after a plain clear (Vulkan under synchronization
// validation: the scene and the uploads are ordered, any message fails).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "busy_scene.h"
#include "glyphstream/text_system.h"
#include "headless_target.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 320, kHeight = 200;

class BusyScene : public ::testing::TestWithParam<GpuApi> {
 protected:
  void SetUp() override {
    auto target = tools::HeadlessTarget::create({GetParam(), kWidth, kHeight, /*validation=*/true});
    ASSERT_TRUE(target.ok()) << target.status().to_string();
    target_ = std::move(target).value();
  }
  void TearDown() override {
    if (!target_) return;
    for (const std::string& m : target_->take_validation_messages()) ADD_FAILURE() << m;
  }

  // Three frames of new text, each after `background` (busy scene or clear); the last frame's
  // pixels.
  std::vector<uint8_t> render(UploadMode mode, bool busy) {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = mode;
    desc.threads = 2;
    target_->configure(&desc);
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    if (!ts.ok()) return {};
    const Color background{0.8f, 0.6f, 0.4f, 1};  // whole 8-bit steps: both round alike
    TextStyle style;
    style.font = "Sans 18";
    style.color = Color{0.1f, 0.1f, 0.3f, 1};
    for (int frame = 0; frame < 3; ++frame) {
      EXPECT_TRUE(
          (busy ? target_->draw_busy_scene(background, 40) : target_->clear(background)).ok());
      EXPECT_TRUE(ts.value()->begin_frame(kWidth, kHeight).ok());
      for (int line = 0; line <= frame; ++line) {
        EXPECT_TRUE(ts.value()
                        ->draw_text(4, 4 + 30.0f * float(line),
                                    "frame " + std::to_string(frame) + " line " +
                                        std::to_string(line) + " \u6587\u5b57",
                                    style)
                        .ok());
      }
      EXPECT_TRUE(ts.value()->commit().ok());
      EXPECT_TRUE(ts.value()->flush().ok());
      EXPECT_TRUE(ts.value()->throttle(2).ok());
    }
    std::vector<uint8_t> pixels;
    EXPECT_TRUE(target_->read_pixels(&pixels).ok());
    EXPECT_TRUE(ts.value()->finish().ok());
    return pixels;
  }

  std::unique_ptr<tools::HeadlessTarget> target_;
};

TEST_P(BusyScene, LeavesExactlyItsColour) {
  ASSERT_TRUE(target_->draw_busy_scene(Color{0.2f, 0.4f, 0.6f, 0.5f}, 100).ok());
  std::vector<uint8_t> pixels;
  ASSERT_TRUE(target_->read_pixels(&pixels).ok());
  ASSERT_EQ(pixels.size(), size_t(kWidth) * kHeight * 4);
  // Premultiplied: 0.1, 0.2, 0.3, 0.5 of 255, rounded.
  const uint8_t want[4] = {26, 51, 77, 128};
  size_t wrong = 0;
  for (size_t i = 0; i < pixels.size(); i += 4) {
    for (size_t c = 0; c < 4; ++c) wrong += std::abs(int(pixels[i + c]) - int(want[c])) > 1;
  }
  EXPECT_EQ(wrong, 0u);
}

TEST_P(BusyScene, RefusesWorkAboveTheBound) {
  EXPECT_EQ(target_->draw_busy_scene(Color{0, 0, 0, 1}, bench::kMaxBusySceneWork + 1).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(target_->time_busy_scene(UINT32_MAX).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(BusyScene, TimesItsPass) {
  auto ms = target_->time_busy_scene(200);
  ASSERT_TRUE(ms.ok()) << ms.status().to_string();
  EXPECT_GT(ms.value(), 0.0);
}

TEST_P(BusyScene, TextAfterItMatchesTextAfterAClear) {
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    const std::vector<uint8_t> cleared = render(mode, false);
    const std::vector<uint8_t> busy = render(mode, true);
    ASSERT_FALSE(cleared.empty());
    EXPECT_TRUE(busy == cleared) << upload_mode_name(mode);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BusyScene, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });

}  // namespace
}  // namespace glyphstream
