// The Vulkan backend on a real device (lavapipe here, NVIDIA on the GPU machine), driven
// through gpu::Backend, with the validation layer and synchronization validation on: any
// message fails the test. Pixels are read back and compared with the CPU pages and with the
// reference compositor; no mocks.
#include <vulkan/vulkan.h>

#include <cstdio>

#include "gpu/vulkan/vk_test_support.h"

namespace glyphstream::gpu::vktest {
namespace {

const VulkanBackendDesc kGraphicsStream{.staging_slot_bytes = 4096,
                                        .upload_path = VulkanUploadPath::kGraphicsStream};
const VulkanBackendDesc kSeparate{.staging_slot_bytes = 4096,
                                  .upload_path = VulkanUploadPath::kSeparateSubmission};

// Randomized multi-frame workload: random rects, occasional growth, readback after every frame.
void run_readback_property(Backend& dev, UploadMode mode, int frames, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 256, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 128, 32, /*pad=*/8);  // stride != width
  pages.emplace_back(2, PixelFormat::kCoverage8, 96, 96, /*pad=*/5);
  pages.emplace_back(3, PixelFormat::kColor32, 40, 40, /*pad=*/2);  // stride not whole pixels
  uint64_t recreated = 0;
  for (int f = 1; f <= frames; ++f) {
    for (SimPage& p : pages) {
      if (p.height < 256 && rng() % 30 == 0) p.grow(std::min(256, p.height + 16 + int(rng() % 48)));
      const int n = int(rng() % 5);
      for (int i = 0; i < n; ++i) p.write(p.random_rect(rng, 24), rng);
    }
    UploadStats st;
    Status s = upload_pages(dev, pages, mode, &st);
    ASSERT_TRUE(s.ok()) << s.to_string();
    recreated += st.textures_recreated;
    ASSERT_TRUE(dev.end_frame(uint64_t(f)).ok());
    for (const SimPage& p : pages) {
      const std::string m = texture_mismatch(dev, p);
      ASSERT_TRUE(m.empty()) << upload_mode_name(mode) << " frame " << f << ": " << m;
    }
  }
  EXPECT_GT(recreated, 0u);
  ASSERT_TRUE(dev.finish().ok());
}

std::vector<GlyphInstance> random_instances(std::mt19937& rng, int n, int max_u, int max_v) {
  std::vector<GlyphInstance> inst;
  for (int i = 0; i < n; ++i) {
    GlyphInstance g;
    // Partly off-screen and occasionally reaching past the page edge.
    g.x = int16_t(int(rng() % 290) - 20);
    g.y = int16_t(int(rng() % 220) - 20);
    g.w = uint16_t(1 + rng() % 40);
    g.h = uint16_t(1 + rng() % 40);
    g.u = uint16_t(rng() % unsigned(max_u));
    g.v = uint16_t(rng() % unsigned(max_v));
    g.color = uint32_t(rng());
    if (i % 7 == 0) g.color |= 0xff;  // opaque
    inst.push_back(g);
  }
  return inst;
}

DrawList draw_list(const std::vector<GlyphInstance>& inst, const std::vector<DrawBatch>& batches) {
  return {inst, batches, VulkanTest::kWidth, VulkanTest::kHeight};
}

TEST_F(VulkanTest, ContextReportsDeviceAndQueues) {
  EXPECT_FALSE(ctx_->renderer().empty());
  auto dev = make_backend();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->name(), "vulkan");
  EXPECT_GE(dev->max_texture_size(), 4096);
  EXPECT_EQ(dev->uses_transfer_queue(), ctx_->has_transfer_queue());
  std::printf("%s; transfer queue: %s; async path: %s\n", ctx_->renderer().c_str(),
              ctx_->has_transfer_queue() ? "yes" : "no", dev->async_path().c_str());
}

// The messenger really reports: a deliberately invalid call produces a message (so that "no
// message" in the other tests means something).
TEST_F(VulkanTest, ValidationReportsInvalidUse) {
  const VulkanDeviceDesc d = ctx_->device_desc();
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = 0;  // invalid: VUID-VkBufferCreateInfo-size-00912
  info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  vkCreateBuffer(static_cast<VkDevice>(d.device), &info, nullptr, &buffer);
  if (buffer) vkDestroyBuffer(static_cast<VkDevice>(d.device), buffer, nullptr);
  const std::vector<std::string> messages = ctx_->take_validation_messages();
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find("00912"), std::string::npos) << messages[0];
}

TEST_F(VulkanTest, ReadbackPropertyAsyncGraphicsStream) {
  for (int depth : {1, 2, 3}) {
    VulkanBackendDesc desc = kGraphicsStream;
    desc.staging_ring_depth = depth;
    auto dev = make_backend(desc);
    ASSERT_TRUE(dev);
    run_readback_property(*dev, UploadMode::kAsync, 120, 100 + uint32_t(depth));
  }
}

TEST_F(VulkanTest, ReadbackPropertyAsyncSeparateSubmission) {
  for (int depth : {1, 3}) {
    VulkanBackendDesc desc = kSeparate;
    desc.staging_ring_depth = depth;
    auto dev = make_backend(desc);
    ASSERT_TRUE(dev);
    EXPECT_NE(dev->async_path().find("timeline"), std::string::npos) << dev->async_path();
    run_readback_property(*dev, UploadMode::kAsync, 120, 200 + uint32_t(depth));
  }
}

TEST_F(VulkanTest, ReadbackPropertySync) {
  auto dev = make_backend();
  ASSERT_TRUE(dev);
  run_readback_property(*dev, UploadMode::kSync, 150, 7);
}

TEST_F(VulkanTest, ReadbackPropertyWholePage) {
  auto dev = make_backend();
  ASSERT_TRUE(dev);
  run_readback_property(*dev, UploadMode::kWholePage, 100, 8);
}

// A rect written in frame N survives frames N+1, N+2, ... and every glyph is on screen in the
// very frame in which it is first drawn (the draw waits for its upload on the GPU).
TEST_F(VulkanTest, NoFlickerAcrossFrames) {
  for (const VulkanBackendDesc& base : {kGraphicsStream, kSeparate}) {
    VulkanBackendDesc desc = base;
    desc.staging_ring_depth = 2;
    desc.staging_slot_bytes = 0;
    auto dev = make_backend(desc);
    ASSERT_TRUE(dev);
    std::mt19937 rng{5};
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 256, 256);
    std::vector<GlyphInstance> glyphs;
    for (int f = 0; f < 40; ++f) {
      const Rect cell{(f % 16) * 16, (f / 16) * 16, 15, 15};
      pages[0].write(cell, rng);
      ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
      GlyphInstance g;
      g.x = int16_t(cell.x), g.y = int16_t(cell.y), g.w = 15, g.h = 15;
      g.u = uint16_t(cell.x), g.v = uint16_t(cell.y), g.color = 0xffffffff;
      glyphs.push_back(g);
      const std::vector<DrawBatch> batch = {{0, 0, uint32_t(glyphs.size())}};
      ASSERT_TRUE(ctx_->clear(0, 0, 0, 0).ok());
      ASSERT_TRUE(dev->draw(draw_list(glyphs, batch)).ok());
      ASSERT_TRUE(dev->end_frame(uint64_t(f + 1)).ok());
      if (f % 3 != 2) continue;  // several slots in flight in between
      std::vector<uint8_t> want;
      reference_composite(glyphs.data(), glyphs.size(), batch.data(), 1, {pages[0].ref()}, kWidth,
                          kHeight, &want);
      expect_screen(want, 0, "frame " + std::to_string(f));
      ASSERT_EQ(texture_mismatch(*dev, pages[0]), "") << "frame " << f;
    }
    ASSERT_TRUE(dev->finish().ok());
  }
}

TEST_F(VulkanTest, DrawMatchesReferenceCompositor) {
  auto dev = make_backend();
  ASSERT_TRUE(dev);
  std::mt19937 rng(11);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
  pages.emplace_back(1, PixelFormat::kColor32, 64, 64, 4);
  pages.emplace_back(2, PixelFormat::kCoverage8, 32, 32, 3);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  for (int i = 0; i < 200; ++i) pages[0].pixels[rng() % pages[0].pixels.size()] = (i & 1) ? 255 : 0;
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  std::vector<RefPage> ref;
  for (const SimPage& p : pages) ref.push_back(p.ref());
  int worst = 0;
  for (int round = 0; round < 4; ++round) {
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    for (int b = 0; b < 6; ++b) {
      const uint32_t page = uint32_t(rng() % 3);
      const int n = 1 + int(rng() % 80);
      batches.push_back({page, uint32_t(inst.size()), uint32_t(n)});
      for (const GlyphInstance& g :
           random_instances(rng, n, pages[page].width, pages[page].height)) {
        inst.push_back(g);
      }
    }
    ASSERT_TRUE(ctx_->clear(0.25f, 0.5f, 0.75f, round % 2 ? 1.f : 0.5f).ok());
    std::vector<uint8_t> want;
    ASSERT_TRUE(ctx_->read_pixels(&want).ok());
    reference_composite(inst.data(), inst.size(), batches.data(), batches.size(), ref, kWidth,
                        kHeight, &want);
    ASSERT_TRUE(dev->draw(draw_list(inst, batches)).ok());
    ASSERT_TRUE(dev->end_frame(uint64_t(round + 1)).ok());
    int diff = 0;
    // Overlapping quads accumulate the blender's rounding: llvmpipe's GL is within 1 of the
    // reference, the NVIDIA driver within 3; a wrong texel is off by far more.
    expect_screen(want, 3, "round " + std::to_string(round), &diff);
    worst = std::max(worst, diff);
  }
  std::printf("max channel difference to the reference: %d\n", worst);
  ASSERT_TRUE(dev->finish().ok());
}

}  // namespace
}  // namespace glyphstream::gpu::vktest
