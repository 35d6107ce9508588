// The Vulkan backend on a real device (lavapipe here, NVIDIA on the GPU machine), driven
// through gpu::Backend, with the validation layer and synchronization validation on: any
// message fails the test. Pixels are read back and compared with the CPU pages and with the
// reference compositor; no mocks.
#include <vulkan/vulkan.h>

#include <cstdio>

#include "gpu/vulkan/vk_memory.h"
#include "gpu/vulkan/vk_test_support.h"
#include "gpu/vulkan/vk_util.h"
#include "reference_compositor.h"

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

// Every InstanceKind at fractional positions (scaled glyphs on both page formats, rects and
// squiggles, batches on no page) against the reference compositor's math.
TEST_F(VulkanTest, InstanceKindsMatchReferenceCompositor) {
  auto dev = make_backend();
  ASSERT_TRUE(dev);
  std::mt19937 rng(17);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 32, 32, 4);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  std::vector<RefPage> ref;
  std::vector<CpuPage> cpu;
  for (const SimPage& p : pages) {
    ref.push_back(p.ref());
    cpu.push_back({p.format, p.width, p.height, p.pixels.data(), p.stride});
  }
  int worst = 0;
  for (int round = 0; round < 4; ++round) {
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    random_kind_batches(rng, cpu, kWidth, kHeight, &inst, &batches);
    ASSERT_TRUE(ctx_->clear(0.25f, 0.5f, 0.75f, round % 2 ? 1.f : 0.5f).ok());
    std::vector<uint8_t> want;
    ASSERT_TRUE(ctx_->read_pixels(&want).ok());
    reference_composite(inst.data(), inst.size(), batches.data(), batches.size(), ref, kWidth,
                        kHeight, &want);
    ASSERT_TRUE(dev->draw(draw_list(inst, batches)).ok());
    ASSERT_TRUE(dev->end_frame(uint64_t(round + 1)).ok());
    int diff = 0;
    // As in DrawMatchesReferenceCompositor; the shaders' float math (bilinear weights,
    // coverage) differs from the CPU's by a few ulps only.
    expect_screen(want, 3, "round " + std::to_string(round), &diff);
    worst = std::max(worst, diff);
  }
  std::printf("instance kinds: max channel difference to the reference: %d\n", worst);
  ASSERT_TRUE(dev->finish().ok());
}

// Both async paths and the sync kill switch leave the same pages and the same screen.
TEST_F(VulkanTest, SyncAndAsyncArePixelIdentical) {
  auto graphics = make_backend(kGraphicsStream);
  auto separate = make_backend(kSeparate);
  auto sync = make_backend();
  ASSERT_TRUE(graphics && separate && sync);
  Backend* devs[3] = {graphics.get(), separate.get(), sync.get()};
  const UploadMode modes[3] = {UploadMode::kAsync, UploadMode::kAsync, UploadMode::kSync};
  std::mt19937 rng(42);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
  pages.emplace_back(1, PixelFormat::kColor32, 64, 64);
  for (int f = 1; f <= 30; ++f) {
    for (SimPage& p : pages) {
      for (int i = 0; i < 3; ++i) p.write(p.random_rect(rng, 20), rng);
    }
    for (int d = 0; d < 3; ++d) {
      std::vector<SimPage> copy = pages;  // each backend gets the same dirty rects
      ASSERT_TRUE(upload_pages(*devs[d], copy, modes[d], nullptr).ok());
      ASSERT_TRUE(devs[d]->end_frame(uint64_t(f)).ok());
    }
    for (SimPage& p : pages) p.dirty.clear();
  }
  std::vector<uint8_t> screens[3];
  const std::vector<GlyphInstance> inst = random_instances(rng, 64, 60, 60);
  const std::vector<DrawBatch> batches = {{0, 0, 32}, {1, 32, 32}};
  for (int d = 0; d < 3; ++d) {
    for (const SimPage& p : pages) EXPECT_EQ(texture_mismatch(*devs[d], p), "") << "backend " << d;
    ASSERT_TRUE(ctx_->clear(0, 0, 0, 0).ok());
    ASSERT_TRUE(devs[d]->draw(draw_list(inst, batches)).ok());
    ASSERT_TRUE(ctx_->read_pixels(&screens[d]).ok());
  }
  EXPECT_EQ(screens[0], screens[2]);
  EXPECT_EQ(screens[1], screens[2]);
  for (Backend* d : devs) ASSERT_TRUE(d->finish().ok());
}

TEST_F(VulkanTest, WholePageUploadsMoreThanAsync) {
  std::mt19937 rng(3);
  uint64_t bytes[3] = {};
  uint32_t copies[3] = {};
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    auto dev = make_backend();
    ASSERT_TRUE(dev);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 256, 256);
    pages[0].write({0, 0, 256, 256}, rng);
    ASSERT_TRUE(upload_pages(*dev, pages, mode, nullptr).ok());
    pages[0].write({10, 20, 8, 12}, rng);
    pages[0].write({100, 20, 16, 12}, rng);
    UploadStats st;
    ASSERT_TRUE(upload_pages(*dev, pages, mode, &st).ok());
    bytes[int(mode)] = st.bytes;
    copies[int(mode)] = st.copy_commands;
    EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
  }
  EXPECT_EQ(bytes[int(UploadMode::kAsync)], uint64_t(8 * 12 + 16 * 12));
  EXPECT_EQ(bytes[int(UploadMode::kSync)], bytes[int(UploadMode::kAsync)]);
  EXPECT_EQ(bytes[int(UploadMode::kWholePage)], uint64_t(256 * 256));
  EXPECT_EQ(copies[int(UploadMode::kAsync)], 2u);
  EXPECT_EQ(copies[int(UploadMode::kWholePage)], 1u);
}

// Backpressure: with one slot, an upload while the previous one is still in flight waits for
// it (counted); frames complete in order and wait_frame() waits for one frame only.
TEST_F(VulkanTest, StallAccountingWithOneSlot) {
  for (const VulkanBackendDesc& base : {kGraphicsStream, kSeparate}) {
    VulkanBackendDesc desc = base;
    desc.staging_ring_depth = 1;
    auto dev = make_backend(desc);
    ASSERT_TRUE(dev);
    std::mt19937 rng(5);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kColor32, 256, 256);
    UploadStats total;
    for (int f = 1; f <= 40; ++f) {
      pages[0].write(pages[0].random_rect(rng, 128), rng);
      UploadStats st;
      ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
      EXPECT_LE(st.stalls, 1u);  // one slot, one wait at most per upload
      EXPECT_EQ(st.stalls == 0, st.stall_ns == 0);
      total += st;
      ASSERT_TRUE(dev->end_frame(uint64_t(f)).ok());
      EXPECT_LE(dev->completed_frame(), uint64_t(f));
    }
    EXPECT_LE(total.stalls, 39u);
    ASSERT_TRUE(dev->wait_frame(20).ok());
    EXPECT_GE(dev->completed_frame(), 20u);
    ASSERT_TRUE(dev->wait_frame(5).ok());  // already done: returns at once
    ASSERT_TRUE(dev->finish().ok());
    EXPECT_EQ(dev->completed_frame(), 40u);
    EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
    std::printf("%s, ring depth 1: %u stalls, %.3f ms waiting over 40 frames\n",
                dev->async_path().c_str(), total.stalls, double(total.stall_ns) / 1e6);
  }
}

// Corrupted text after the atlas grows mid-frame: draw, grow (new image, GPU-side copy), draw
// again, all in one frame; both draws show the right pixels and the old image stays alive
// until the frame completes.
TEST_F(VulkanTest, GrowthMidFrameDrawsCorrectly) {
  for (const VulkanBackendDesc& desc : {kGraphicsStream, kSeparate}) {
    auto dev = make_backend(desc);
    ASSERT_TRUE(dev);
    std::mt19937 rng(21);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 64, 32);
    pages[0].write({0, 0, 64, 32}, rng);
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
    ASSERT_TRUE(ctx_->clear(0, 0, 0, 1).ok());
    std::vector<uint8_t> want;
    ASSERT_TRUE(ctx_->read_pixels(&want).ok());
    std::vector<GlyphInstance> first(1);
    first[0].w = 64, first[0].h = 32, first[0].color = 0xff8040ff;
    const std::vector<DrawBatch> b0 = {{0, 0, 1}};
    ASSERT_TRUE(dev->draw(draw_list(first, b0)).ok());
    reference_composite(first.data(), 1, b0.data(), 1, {pages[0].ref()}, kWidth, kHeight, &want);

    pages[0].grow(128);
    pages[0].write({0, 32, 64, 96}, rng);
    UploadStats st;
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
    EXPECT_EQ(st.textures_recreated, 1u);
    std::vector<GlyphInstance> second(1);
    second[0].x = 100, second[0].y = 10, second[0].w = 64, second[0].h = 128;
    second[0].color = 0x40c0ffc0;
    ASSERT_TRUE(dev->draw(draw_list(second, b0)).ok());
    reference_composite(second.data(), 1, b0.data(), 1, {pages[0].ref()}, kWidth, kHeight, &want);
    ASSERT_TRUE(dev->end_frame(1).ok());
    expect_screen(want, 1, dev->async_path());
    EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
    ASSERT_TRUE(dev->finish().ok());
    EXPECT_EQ(dev->completed_frame(), 1u);
  }
}

// A page id reused with another format gets a new image with the CPU page's whole content.
TEST_F(VulkanTest, FormatChangeReplacesImage) {
  auto dev = make_backend();
  ASSERT_TRUE(dev);
  std::mt19937 rng(31);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  pages[0].write({0, 0, 8, 8}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  pages[0] = SimPage(0, PixelFormat::kColor32, 32, 32);
  pages[0].write({0, 0, 32, 32}, rng);
  pages[0].dirty = {{4, 4, 2, 2}};  // only part is marked: the rest must come along anyway
  UploadStats st;
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
  EXPECT_EQ(st.textures_recreated, 1u);
  EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
}

TEST_F(VulkanTest, RejectsBadInput) {
  auto dev = make_backend();
  ASSERT_TRUE(dev);
  std::vector<GlyphInstance> g(1);
  std::vector<DrawBatch> b = {{7, 0, 1}};
  EXPECT_EQ(dev->draw(draw_list(g, b)).code(), ErrorCode::kInvalidArgument);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  b = {{0, 0, 2}};
  EXPECT_EQ(dev->draw(draw_list(g, b)).code(), ErrorCode::kInvalidArgument);
  std::vector<uint8_t> px;
  EXPECT_EQ(dev->read_texture(3, &px, nullptr, nullptr).code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(dev->begin_upload(UploadMode::kAsync).ok());
  bool whole = false;
  UploadStats st;
  EXPECT_EQ(dev->ensure_page({1, PixelFormat::kCoverage8, 0, 16}, &whole, &st).code(),
            ErrorCode::kInvalidArgument);
  const StagingCopy bad{9, PixelFormat::kCoverage8, {0, 0, 4, 4}, 0};
  EXPECT_EQ(dev->copy_from_staging(0, {&bad, 1}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(dev->end_frame(1).code(), ErrorCode::kInvalidArgument);  // inside the pass
  // A slot whose copies are recorded but not yet submitted is busy, and waiting for it in the
  // same pass would never end: an error instead.
  ASSERT_TRUE(dev->map_staging_slot(0, 16).ok());
  const StagingCopy good{0, PixelFormat::kCoverage8, {0, 0, 4, 4}, 0};
  ASSERT_TRUE(dev->copy_from_staging(0, {&good, 1}).ok());
  EXPECT_FALSE(dev->staging_slot_idle(0));
  EXPECT_EQ(dev->wait_staging_slot(0).code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(dev->map_staging_slot(0, 16).ok());
  ASSERT_TRUE(dev->end_upload().ok());
  const VulkanFrameTarget target{};
  EXPECT_EQ(dev->set_frame_target(target).code(), ErrorCode::kInvalidArgument);  // headless
}

// Timestamps arrive for every frame, a few frames late at most, without a blocking call.
TEST_F(VulkanTest, TimestampsDeliverWithoutBlocking) {
  for (const VulkanBackendDesc& desc : {kGraphicsStream, kSeparate}) {
    auto dev = make_backend(desc);
    ASSERT_TRUE(dev);
    std::mt19937 rng(2);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
    std::vector<GpuTimings> timings;
    for (int f = 1; f <= 20; ++f) {
      pages[0].write(pages[0].random_rect(rng, 64), rng);
      ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
      std::vector<GlyphInstance> g(1);
      g[0].w = 50, g[0].h = 50, g[0].color = 0xffffffff;
      const std::vector<DrawBatch> b = {{0, 0, 1}};
      ASSERT_TRUE(dev->draw(draw_list(g, b)).ok());
      ASSERT_TRUE(dev->end_frame(uint64_t(f)).ok());
      for (const GpuTimings& t : dev->take_timings()) timings.push_back(t);
    }
    ASSERT_TRUE(dev->finish().ok());
    for (const GpuTimings& t : dev->take_timings()) timings.push_back(t);
    if (!dev->timer_queries_available()) {
      EXPECT_TRUE(timings.empty());
      GTEST_SKIP() << "no timestamps on this device";
    }
    ASSERT_EQ(timings.size(), 20u);
    uint64_t draw_ns = 0;
    for (size_t i = 0; i < timings.size(); ++i) {
      EXPECT_EQ(timings[i].frame, i + 1);
      draw_ns += timings[i].draw_ns;
    }
    EXPECT_GT(draw_ns, 0u);
  }
}

TEST_F(VulkanTest, MeasuresUploadBandwidth) {
  for (const VulkanBackendDesc& desc : {kGraphicsStream, kSeparate}) {
    auto dev = make_backend(desc);
    ASSERT_TRUE(dev);
    Result<double> gbps = dev->measure_upload_bandwidth(size_t(4) << 20);
    ASSERT_TRUE(gbps.ok()) << gbps.status().to_string();
    EXPECT_GT(*gbps, 0.0);
    std::printf("%s: %.2f GB/s\n", dev->async_path().c_str(), *gbps);
  }
}

// Page images share a few large blocks: ranges never overlap, freed ranges are reused, and an
// emptied block is given back unless it is the only empty one.
TEST_F(VulkanTest, PageMemoryComesFromFewBlocks) {
  const VulkanDeviceDesc d = ctx_->device_desc();
  vk::DeviceRef dev;
  dev.physical = static_cast<VkPhysicalDevice>(d.physical_device);
  dev.device = static_cast<VkDevice>(d.device);
  vkGetPhysicalDeviceMemoryProperties(dev.physical, &dev.memory);
  vk::MemoryPool pool;
  std::vector<vk::Image> images(12);
  for (size_t i = 0; i < images.size(); ++i) {
    const int side = 256 << (i % 3);  // 64 KiB .. 1 MiB of R8
    ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8_UNORM, side, side, VK_IMAGE_USAGE_SAMPLED_BIT,
                                 nullptr, 0, &images[i], &pool)
                    .ok());
  }
  EXPECT_EQ(pool.block_count(), 1u);
  for (size_t i = 0; i < images.size(); ++i) {
    for (size_t j = i + 1; j < images.size(); ++j) {
      VkMemoryRequirements ri, rj;
      vkGetImageMemoryRequirements(dev.device, images[i].image, &ri);
      vkGetImageMemoryRequirements(dev.device, images[j].image, &rj);
      const bool apart = images[i].offset + ri.size <= images[j].offset ||
                         images[j].offset + rj.size <= images[i].offset;
      EXPECT_TRUE(images[i].memory != images[j].memory || apart) << i << " and " << j;
    }
  }
  vk::Image big;  // larger than a block: a block of its own
  ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8G8B8A8_UNORM, 8192, 4096,
                               VK_IMAGE_USAGE_SAMPLED_BIT, nullptr, 0, &big, &pool)
                  .ok());
  EXPECT_EQ(pool.block_count(), 2u);
  const VkDeviceSize first_offset = images[0].offset;
  vk::destroy_image(dev, &images[0]);
  ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8_UNORM, 256, 256, VK_IMAGE_USAGE_SAMPLED_BIT,
                               nullptr, 0, &images[0], &pool)
                  .ok());
  EXPECT_EQ(images[0].offset, first_offset);  // first fit: the freed range again
  for (vk::Image& img : images) vk::destroy_image(dev, &img);
  EXPECT_EQ(pool.block_count(), 2u);  // the emptied block is the only empty one: kept
  vk::destroy_image(dev, &big);
  EXPECT_EQ(pool.block_count(), 1u);
  pool.destroy(dev.device);
  EXPECT_EQ(pool.block_count(), 0u);
}

}  // namespace
}  // namespace glyphstream::gpu::vktest
