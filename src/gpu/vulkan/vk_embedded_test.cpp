// Embedded mode: the test plays the application (vk_test_app.h). The instance and device come
// from a VulkanContext created with validation, so every message still fails the test; the
// device sees only the handles in VulkanDeviceDesc, as with any application's device, and is
// driven through GpuDevice as the pipeline drives it.
#include <random>

#include "device_test_support.h"
#include "image_diff.h"
#include "vk_test_app.h"
#include "vk_test_support.h"

namespace glyphstream::gpu::vktest {
namespace {

// New glyphs every frame, uploaded by glyphstream on its own submissions and drawn into the
// application's command buffer in the same frame: the application's submission waits for
// them on the GPU; frame tokens come back through the application's signal.
TEST_F(VulkanTest, EmbeddedDrawsIntoApplicationCommandBuffer) {
  for (VulkanUploadPath path :
       {VulkanUploadPath::kGraphicsStream, VulkanUploadPath::kSeparateSubmission}) {
    auto app = EmbeddedApp::create(ctx_->device_desc(), kWidth, kHeight);
    ASSERT_TRUE(app.ok()) << app.status().to_string();
    auto made = make_vulkan_device(ctx_->device_desc(), {}, path);
    ASSERT_TRUE(made.ok()) << made.status().to_string();
    GpuDevice& dev = **made;
    EXPECT_FALSE(dev.can_wait_within_frame());
    std::mt19937 rng(77);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
    pages.emplace_back(1, PixelFormat::kColor32, 64, 64);
    std::vector<GlyphInstance> glyphs;
    std::vector<DrawBatch> batches;
    for (int f = 1; f <= 12; ++f) {
      SimPage& p = pages[size_t(f % 2)];
      const Rect cell{(f * 16) % (p.width - 15), (f / 8) * 16, 15, 15};
      p.write(cell, rng);
      ASSERT_TRUE(upload_pages(dev, pages, UploadMode::kAsync, nullptr).ok());
      GlyphInstance g;
      g.x = float(f * 18), g.y = float(f * 9), g.w = 15, g.h = 15;
      g.u = uint16_t(cell.x), g.v = uint16_t(cell.y);
      g.color = 0xff8040c0u | uint32_t(f);
      batches.push_back({p.id, uint32_t(glyphs.size()), 1});
      glyphs.push_back(g);
      ASSERT_TRUE((*app)->begin_frame({0, 0, 0, 1}).ok());
      ASSERT_TRUE(dev.set_vulkan_frame_target((*app)->target()).ok());
      ASSERT_TRUE(dev.draw(glyphs, batches, kWidth, kHeight).ok());
      ASSERT_TRUE(dev.end_frame(uint64_t(f)).ok());
      const Result<VulkanFrameSync> sync = dev.vulkan_frame_sync(/*frame_open=*/false);
      ASSERT_TRUE(sync.ok()) << sync.status().to_string();
      EXPECT_EQ(sync->signal_value, uint64_t(f));
      ASSERT_TRUE((*app)->submit(*sync).ok());
      std::vector<uint8_t> got, want(size_t(kWidth) * kHeight * 4, 0);
      for (size_t i = 3; i < want.size(); i += 4) want[i] = 255;
      const std::vector<CpuPage> cpu = {pages[0].cpu(), pages[1].cpu()};
      composite(glyphs, batches, cpu, kWidth, kHeight, &want);
      ASSERT_TRUE((*app)->pixels(&got).ok());
      const testing::ImageDiff diff = testing::diff_images(got, want, kWidth, kHeight, 1);
      EXPECT_TRUE(diff.match()) << "frame " << f << ": " << diff.report;
      // The token comes back through the application's signal (lavapipe may signal the
      // application's fence a moment before the timeline value: wait on the token itself).
      ASSERT_TRUE(dev.wait_frame(uint64_t(f)).ok());
      EXPECT_EQ(dev.completed_frame(), uint64_t(f));
    }
    ASSERT_TRUE(dev.finish().ok());
  }
}

}  // namespace
}  // namespace glyphstream::gpu::vktest
