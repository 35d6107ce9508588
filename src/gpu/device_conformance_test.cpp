// What every backend must do, driven through GpuDevice as the pipeline drives it, on a real
// device (Mesa llvmpipe / lavapipe here, the NVIDIA driver on the GPU machine); no mocks. Each
// backend's test binary instantiates the suite with its variants (gl/gl_device_test.cpp:
// Gl/..., Gl33/...; vulkan/vk_backend_test.cpp: Vulkan/... per async path, validation on and
// any message failing the test). Page textures are read back and compared with the CPU pages;
// the screen with the reference compositor.
#include <algorithm>
#include <cstdio>

#include "device_test_support.h"

namespace glyphstream::gpu {
namespace {

constexpr int kWidth = BackendConformance::kWidth;
constexpr int kHeight = BackendConformance::kHeight;

// Randomized multi-frame workload: random rects, occasional growth, readback after every frame.
void run_readback_property(GpuDevice& dev, UploadMode mode, int frames, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 256, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 128, 32, /*pad=*/8);  // stride != width
  pages.emplace_back(2, PixelFormat::kCoverage8, 96, 96, /*pad=*/5);
  pages.emplace_back(3, PixelFormat::kColor32, 40, 40, /*pad=*/2);  // stride not whole pixels
  // LCD glyphs' page kind: an R8 texture three texels a pixel (strides in bytes, any).
  pages.emplace_back(4, PixelFormat::kLcd24, 72, 24, /*pad=*/4);
  pages.emplace_back(5, PixelFormat::kLcd24, 37, 20, /*pad=*/1);
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

// Glyph instances partly off-screen and occasionally reaching past the page edge.
std::vector<GlyphInstance> random_instances(std::mt19937& rng, int n, int max_u, int max_v) {
  std::vector<GlyphInstance> inst;
  for (int i = 0; i < n; ++i) {
    GlyphInstance g;
    g.x = float(int(rng() % 290) - 20);
    g.y = float(int(rng() % 220) - 20);
    g.w = float(1 + rng() % 40);
    g.h = float(1 + rng() % 40);
    g.u = uint16_t(rng() % unsigned(max_u));
    g.v = uint16_t(rng() % unsigned(max_v));
    g.color = uint32_t(rng());
    if (i % 7 == 0) g.color |= 0xff;  // opaque
    inst.push_back(g);
  }
  return inst;
}

TEST_P(BackendConformance, ReportsBackendAndAsyncPath) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->backend_name(), harness_->backend_name());
  EXPECT_FALSE(dev->renderer().empty());
  EXPECT_NE(dev->async_path().find(harness_->async_path_mark()), std::string::npos)
      << dev->async_path();
  std::printf("%s: %s; async path: %s; timers: %d\n", GetParam().name.c_str(),
              dev->renderer().c_str(), dev->async_path().c_str(),
              int(dev->timer_queries_available()));
}

TEST_P(BackendConformance, ReadbackPropertyAsync) {
  for (int depth : {1, 2, 3}) {
    auto dev =
        make_device({.staging_ring_depth = depth, .staging_slot_bytes = 4096, .parallel_for = {}});
    ASSERT_TRUE(dev);
    run_readback_property(*dev, UploadMode::kAsync, 400, 100 + uint32_t(depth));
  }
}

TEST_P(BackendConformance, ReadbackPropertySync) {
  auto dev = make_device({.staging_slot_bytes = 4096, .parallel_for = {}});
  ASSERT_TRUE(dev);
  run_readback_property(*dev, UploadMode::kSync, 800, 7);
}

TEST_P(BackendConformance, ReadbackPropertyWholePage) {
  auto dev = make_device({.staging_slot_bytes = 4096, .parallel_for = {}});
  ASSERT_TRUE(dev);
  run_readback_property(*dev, UploadMode::kWholePage, 600, 8);
}

// The device maps y down: a quad at (0,0) lands in the first rows of the read-back image.
TEST_P(BackendConformance, DrawsTopRowFirst) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 16, 16);
  std::fill(pages[0].pixels.begin(), pages[0].pixels.end(), 255);
  pages[0].dirty.push_back({0, 0, 16, 16});
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kSync, nullptr).ok());
  clear(0, 0, 0, 0);
  GlyphInstance g;
  g.x = 0, g.y = 0, g.w = 5, g.h = 3, g.u = 0, g.v = 0, g.color = 0x00ff00ff;
  DrawBatch b{0, 0, 1};
  ASSERT_TRUE(dev->draw({&g, 1}, {&b, 1}, kWidth, kHeight).ok());
  ASSERT_TRUE(dev->end_frame(1).ok());
  const std::vector<uint8_t> px = screen();
  ASSERT_EQ(px.size(), size_t(kWidth * kHeight * 4));
  EXPECT_EQ(px[1], 255);                         // (0,0) green
  EXPECT_EQ(px[(2 * kWidth + 4) * 4 + 1], 255);  // (4,2) green
  EXPECT_EQ(px[(3 * kWidth) * 4 + 1], 0);        // (0,3) untouched
  EXPECT_EQ(px[5 * 4 + 1], 0);                   // (5,0) untouched
  ASSERT_TRUE(dev->finish().ok());
}

// The reference design's bug: after a buffer swap the next frame's staging lacked the previous
// frame's glyphs. Here a rect written in frame N must survive frames N+1, N+2, ... untouched,
// and every glyph must be on screen in the very frame in which it is first drawn (the draw
// waits for its upload on the GPU).
TEST_P(BackendConformance, NoFlickerAcrossFrames) {
  for (int depth : {2, 3}) {
    auto dev = make_device({.staging_ring_depth = depth, .parallel_for = {}});
    ASSERT_TRUE(dev);
    std::mt19937 rng{uint32_t(depth)};
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 256, 256);
    const std::vector<CpuPage> cpu = cpu_pages(pages);
    std::vector<GlyphInstance> glyphs;
    // Frame f writes glyph cell f of a 16x16 grid (disjoint cells) and draws every glyph so far.
    for (int f = 0; f < 60; ++f) {
      const Rect cell{(f % 16) * 16, (f / 16) * 16, 15, 15};
      pages[0].write(cell, rng);
      ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
      GlyphInstance g;
      g.x = float(cell.x), g.y = float(cell.y), g.w = 15, g.h = 15;
      g.u = uint16_t(cell.x), g.v = uint16_t(cell.y), g.color = 0xffffffff;
      glyphs.push_back(g);
      const DrawBatch batch{0, 0, uint32_t(glyphs.size())};
      clear(0, 0, 0, 0);
      ASSERT_TRUE(dev->draw(glyphs, {&batch, 1}, kWidth, kHeight).ok());
      ASSERT_TRUE(dev->end_frame(uint64_t(f + 1)).ok());
      // Read back only every few frames so that several slots are in flight in between.
      if (f % 3 != 2) continue;
      std::vector<uint8_t> want;
      composite(glyphs, {&batch, 1}, cpu, kWidth, kHeight, &want);
      expect_screen(want, 0, "depth " + std::to_string(depth) + " frame " + std::to_string(f));
      const std::string m = texture_mismatch(*dev, pages[0]);
      ASSERT_TRUE(m.empty()) << "depth " << depth << " frame " << f << ": " << m;
    }
    ASSERT_TRUE(dev->finish().ok());
  }
}

// The variant's async path and the sync kill switch leave the same pages and the same screen.
TEST_P(BackendConformance, SyncAndAsyncArePixelIdentical) {
  auto async_dev = make_device();
  auto sync_dev = make_device();
  ASSERT_TRUE(async_dev && sync_dev);
  std::mt19937 rng(42);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
  pages.emplace_back(1, PixelFormat::kColor32, 64, 64);
  for (int f = 1; f <= 50; ++f) {
    for (SimPage& p : pages) {
      for (int i = 0; i < 3; ++i) p.write(p.random_rect(rng, 20), rng);
    }
    std::vector<PageUpload> ups;
    for (SimPage& p : pages) ups.push_back(p.upload());
    ASSERT_TRUE(async_dev->upload(ups, UploadMode::kAsync, nullptr).ok());
    ASSERT_TRUE(sync_dev->upload(ups, UploadMode::kSync, nullptr).ok());
    for (SimPage& p : pages) p.dirty.clear();
    ASSERT_TRUE(async_dev->end_frame(uint64_t(f)).ok());
    ASSERT_TRUE(sync_dev->end_frame(uint64_t(f)).ok());
  }
  std::vector<uint8_t> a, b;
  for (uint32_t id : {0u, 1u}) {
    ASSERT_TRUE(async_dev->read_texture(id, &a, nullptr, nullptr).ok());
    ASSERT_TRUE(sync_dev->read_texture(id, &b, nullptr, nullptr).ok());
    EXPECT_EQ(a, b) << "page " << id;
    EXPECT_EQ(texture_mismatch(*async_dev, pages[id]), "");
  }
  // And the same pixels on screen.
  const std::vector<GlyphInstance> inst = random_instances(rng, 64, 60, 60);
  const std::vector<DrawBatch> batches = {{0, 0, 32}, {1, 32, 32}};
  clear(0, 0, 0, 0);
  ASSERT_TRUE(async_dev->draw(inst, batches, kWidth, kHeight).ok());
  a = screen();
  clear(0, 0, 0, 0);
  ASSERT_TRUE(sync_dev->draw(inst, batches, kWidth, kHeight).ok());
  b = screen();
  EXPECT_EQ(a, b);
  ASSERT_TRUE(async_dev->finish().ok());
  ASSERT_TRUE(sync_dev->finish().ok());
}

TEST_P(BackendConformance, WholePageUploadsMoreThanAsync) {
  std::mt19937 rng(3);
  uint64_t bytes[3] = {};
  uint32_t copies[3] = {};
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    auto dev = make_device();
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
TEST_P(BackendConformance, StallAccountingWithOneSlot) {
  auto dev = make_device({.staging_ring_depth = 1, .parallel_for = {}});
  ASSERT_TRUE(dev);
  std::mt19937 rng(5);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kColor32, 256, 256);
  UploadStats total;
  for (int f = 1; f <= 60; ++f) {
    pages[0].write(pages[0].random_rect(rng, 128), rng);
    UploadStats st;
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
    EXPECT_LE(st.stalls, 1u);  // one slot, one wait at most per upload
    EXPECT_EQ(st.stalls == 0, st.stall_ns == 0);
    total.stalls += st.stalls;
    total.stall_ns += st.stall_ns;
    ASSERT_TRUE(dev->end_frame(uint64_t(f)).ok());
    EXPECT_LE(dev->completed_frame(), uint64_t(f));
  }
  EXPECT_LE(total.stalls, 59u);
  ASSERT_TRUE(dev->wait_frame(30).ok());
  EXPECT_GE(dev->completed_frame(), 30u);
  ASSERT_TRUE(dev->wait_frame(5).ok());  // already done: returns at once
  ASSERT_TRUE(dev->finish().ok());
  EXPECT_EQ(dev->completed_frame(), 60u);
  EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
  std::printf("%s, ring depth 1: %u stalls, %.3f ms waiting over 60 frames\n",
              dev->async_path().c_str(), total.stalls, double(total.stall_ns) / 1e6);
}

TEST_P(BackendConformance, GrowthKeepsContent) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(9);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 32);
  pages.emplace_back(1, PixelFormat::kColor32, 32, 16);
  pages.emplace_back(2, PixelFormat::kLcd24, 24, 16);
  uint32_t recreated = 0;
  for (int f = 1; f <= 6; ++f) {
    for (SimPage& p : pages) {
      p.write(p.random_rect(rng, 16), rng);
      if (f > 1) p.grow(p.height * 2);
    }
    UploadStats st;
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
    recreated += st.textures_recreated;
    ASSERT_TRUE(dev->end_frame(uint64_t(f)).ok());
    for (const SimPage& p : pages) EXPECT_EQ(texture_mismatch(*dev, p), "") << "frame " << f;
  }
  EXPECT_EQ(recreated, 15u);
  EXPECT_LE(dev->completed_frame(), 6u);
  ASSERT_TRUE(dev->finish().ok());
}

// Corrupted text after the atlas grows mid-frame: draw, grow (new texture, GPU-side copy), draw
// again, all in one frame; both draws show the right pixels (the old texture stays alive until
// the frame completes).
TEST_P(BackendConformance, GrowthMidFrameDrawsCorrectly) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(21);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 32);
  pages[0].write({0, 0, 64, 32}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  clear(0, 0, 0, 1);
  std::vector<uint8_t> want = screen();
  GlyphInstance first;
  first.w = 64, first.h = 32, first.color = 0xff8040ff;
  const DrawBatch b0{0, 0, 1};
  ASSERT_TRUE(dev->draw({&first, 1}, {&b0, 1}, kWidth, kHeight).ok());
  composite({&first, 1}, {&b0, 1}, cpu_pages(pages), kWidth, kHeight, &want);

  pages[0].grow(128);
  pages[0].write({0, 32, 64, 96}, rng);
  UploadStats st;
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
  EXPECT_EQ(st.textures_recreated, 1u);
  GlyphInstance second;
  second.x = 100, second.y = 10, second.w = 64, second.h = 128, second.color = 0x40c0ffc0;
  ASSERT_TRUE(dev->draw({&second, 1}, {&b0, 1}, kWidth, kHeight).ok());
  composite({&second, 1}, {&b0, 1}, cpu_pages(pages), kWidth, kHeight, &want);
  ASSERT_TRUE(dev->end_frame(1).ok());
  expect_screen(want, 1, dev->async_path());
  EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
  ASSERT_TRUE(dev->finish().ok());
  EXPECT_EQ(dev->completed_frame(), 1u);
}

// A page id reused with another format gets a new texture with the CPU page's whole content.
TEST_P(BackendConformance, FormatChangeReplacesTexture) {
  auto dev = make_device();
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
  // And to an LCD page (R8 again, three times as wide), then back to coverage.
  for (PixelFormat f : {PixelFormat::kLcd24, PixelFormat::kCoverage8}) {
    pages[0] = SimPage(0, f, 32, 32);
    pages[0].write({0, 0, 32, 32}, rng);
    pages[0].dirty = {{1, 2, 3, 4}};
    st = {};
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
    EXPECT_EQ(st.textures_recreated, 1u);
    EXPECT_EQ(texture_mismatch(*dev, pages[0]), "") << int(f);
  }
}

TEST_P(BackendConformance, RejectsBadInput) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  pages[0].dirty.push_back({30, 30, 4, 4});
  Status s = upload_pages(*dev, pages, UploadMode::kAsync, nullptr);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  GlyphInstance g;
  DrawBatch b{7, 0, 1};
  s = dev->draw({&g, 1}, {&b, 1}, kWidth, kHeight);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  b = {0, 0, 2};
  s = dev->draw({&g, 1}, {&b, 1}, kWidth, kHeight);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  std::vector<uint8_t> px;
  EXPECT_EQ(dev->read_texture(3, &px, nullptr, nullptr).code(), ErrorCode::kInvalidArgument);
}

// Timer queries / timestamps arrive for every frame, a few frames late at most, without a
// blocking call.
TEST_P(BackendConformance, TimingsDeliverWithoutBlocking) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(2);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
  std::vector<GpuTimings> timings;
  for (int f = 1; f <= 20; ++f) {
    pages[0].write(pages[0].random_rect(rng, 64), rng);
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
    GlyphInstance g;
    g.w = 50, g.h = 50, g.color = 0xffffffff;
    DrawBatch b{0, 0, 1};
    ASSERT_TRUE(dev->draw({&g, 1}, {&b, 1}, kWidth, kHeight).ok());
    ASSERT_TRUE(dev->end_frame(uint64_t(f)).ok());
    for (const GpuTimings& t : dev->take_timings()) timings.push_back(t);
  }
  ASSERT_TRUE(dev->finish().ok());
  for (const GpuTimings& t : dev->take_timings()) timings.push_back(t);
  if (!dev->timer_queries_available()) {
    EXPECT_TRUE(timings.empty());
    GTEST_SKIP() << "no timer queries on this device";
  }
  ASSERT_EQ(timings.size(), 20u);
  uint64_t draw_ns = 0;
  for (size_t i = 0; i < timings.size(); ++i) {
    EXPECT_EQ(timings[i].frame, i + 1);
    draw_ns += timings[i].draw_ns;
  }
  EXPECT_GT(draw_ns, 0u);
}

TEST_P(BackendConformance, MeasuresUploadBandwidth) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  Result<double> gbps = dev->measure_upload_bandwidth(size_t(4) << 20);
  ASSERT_TRUE(gbps.ok()) << gbps.status().to_string();
  EXPECT_GT(*gbps, 0.0);
  std::printf("%s: %.2f GB/s\n", dev->async_path().c_str(), *gbps);
}

TEST_P(BackendConformance, DrawMatchesReferenceCompositor) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(11);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
  pages.emplace_back(1, PixelFormat::kColor32, 64, 64, 4);
  pages.emplace_back(2, PixelFormat::kCoverage8, 32, 32, 3);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  // Some fully transparent and fully opaque texels, the interesting cases for blending.
  for (int i = 0; i < 200; ++i) pages[0].pixels[rng() % pages[0].pixels.size()] = (i & 1) ? 255 : 0;
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  int worst = 0;
  for (int round = 0; round < 5; ++round) {
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
    // A misplaced, missing or stale texel is off by far more than the blender's rounding.
    worst = std::max(worst, draw_matches_reference(*dev, inst, batches, cpu, round));
  }
  EXPECT_LE(worst, 3);
  std::printf("max channel difference to the reference: %d\n", worst);
  ASSERT_TRUE(dev->finish().ok());
}

// LCD pages (kLcd24) drawn with dual-source blending: each channel blends with its own coverage
// (times the instance's alpha), every instance kind, with a colour page's glyphs in the same
// batch; the reference compositor does the GS_LCD shader's math.
TEST_P(BackendConformance, LcdPagesBlendPerChannelAsTheReferenceCompositor) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  if (!dev->dual_source_blend()) GTEST_SKIP() << "no dual-source blending on this device";
  std::mt19937 rng(29);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kLcd24, 64, 64, 4);
  pages.emplace_back(1, PixelFormat::kColor32, 32, 32);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  int worst = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<GlyphInstance> inst =
        random_kind_instances(rng, 80, true, pages[0].width, pages[0].height, kWidth, kHeight);
    const std::vector<GlyphInstance> emoji =
        random_kind_instances(rng, 20, true, pages[1].width, pages[1].height, kWidth, kHeight);
    for (GlyphInstance g : emoji) {
      if (!is_rect_kind(g.kind)) g.kind |= kSampleColorPage;
      inst.push_back(g);
    }
    const std::vector<DrawBatch> batches = {{0, 0, uint32_t(inst.size()), 1}};
    worst = std::max(worst, draw_matches_reference(*dev, inst, batches, cpu, round));
  }
  std::printf("LCD pages: max channel difference to the reference: %d\n", worst);
  ASSERT_TRUE(dev->finish().ok());
}

// Lists of up to 416 KiB of instances between small ones: the instance memory grows (GL: past
// its first 64 KiB) and every list is drawn from its own instances, never a neighbour's.
TEST_P(BackendConformance, LargeAndSmallListsInTurnMatchReferenceCompositor) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(31);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 64);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  int worst = 0;
  for (int round = 0; round < 6; ++round) {
    const int n = round % 2 ? 40 : 9000 + 2000 * round;  // 32 bytes each: up to 416 KiB
    std::vector<GlyphInstance> inst = random_instances(rng, n, 64, 64);
    for (GlyphInstance& g : inst) g.w = g.h = float(1 + rng() % 2);  // few overlaps
    const std::vector<DrawBatch> batches = {{0, 0, uint32_t(inst.size())}};
    worst = std::max(worst, draw_matches_reference(*dev, inst, batches, cpu, round));
  }
  std::printf("large and small lists: max channel difference to the reference: %d\n", worst);
  ASSERT_TRUE(dev->finish().ok());
}

// Every InstanceKind at fractional positions (scaled glyphs on both page formats, rects and
// squiggles, a batch on no page) against the reference compositor's math.
TEST_P(BackendConformance, InstanceKindsMatchReferenceCompositor) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(17);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 32, 32, 4);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  int worst = 0;
  for (int round = 0; round < 4; ++round) {
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    random_kind_batches(rng, cpu, kWidth, kHeight, &inst, &batches);
    // The shaders' float math (bilinear weights, coverage) differs from the CPU's by a few
    // ulps only.
    worst = std::max(worst, draw_matches_reference(*dev, inst, batches, cpu, round));
  }
  std::printf("instance kinds: max channel difference to the reference: %d\n", worst);
  // A kNoPage batch may hold only rect kinds.
  GlyphInstance glyph;
  glyph.w = glyph.h = 1;
  const DrawBatch no_page{kNoPage, 0, 1};
  EXPECT_EQ(dev->draw({&glyph, 1}, {&no_page, 1}, kWidth, kHeight).code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(dev->finish().ok());
}

// One draw call on two pages (DrawBatch::color_page): text from a coverage page and emoji,
// flagged kSampleColorPage, from a colour page, interleaved in draw order, every glyph kind;
// and a colour page with a second colour page. The reference compositor samples the same.
TEST_P(BackendConformance, TwoPageBatchMatchesReferenceCompositor) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(23);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 48, 40, 4);
  pages.emplace_back(2, PixelFormat::kColor32, 32, 32);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  // n instances of every kind from `page`, then `color` ones (glyph kinds flagged) interleaved.
  auto mixed = [&](uint32_t page, uint32_t color, int n) {
    auto a =
        random_kind_instances(rng, n, true, pages[page].width, pages[page].height, kWidth, kHeight);
    auto b = random_kind_instances(rng, n, true, pages[color].width, pages[color].height, kWidth,
                                   kHeight);
    std::vector<GlyphInstance> out;
    for (int i = 0; i < n; ++i) {
      if (!is_rect_kind(b[size_t(i)].kind)) b[size_t(i)].kind |= kSampleColorPage;
      out.push_back(a[size_t(i)]);
      out.push_back(b[size_t(i)]);
    }
    return out;
  };
  int worst = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<GlyphInstance> inst = mixed(0, 1, 60);
    std::vector<DrawBatch> batches = {{0, 0, uint32_t(inst.size()), 1}};
    const std::vector<GlyphInstance> more = mixed(1, 2, 30);
    batches.push_back({1, uint32_t(inst.size()), uint32_t(more.size()), 2});
    inst.insert(inst.end(), more.begin(), more.end());
    worst = std::max(worst, draw_matches_reference(*dev, inst, batches, cpu, round));
  }
  std::printf("two-page batches: max channel difference to the reference: %d\n", worst);
  // The flag needs a colour page in color_page, and a glyph kind.
  GlyphInstance g;
  g.w = g.h = 1;
  g.kind = kSampleColorPage;
  for (const DrawBatch& bad : {DrawBatch{0, 0, 1}, DrawBatch{0, 0, 1, 0}, DrawBatch{0, 0, 1, 7},
                               DrawBatch{kNoPage, 0, 1, 1}}) {
    EXPECT_EQ(dev->draw({&g, 1}, {&bad, 1}, kWidth, kHeight).code(), ErrorCode::kInvalidArgument);
  }
  g.kind = uint32_t(InstanceKind::kRect) | kSampleColorPage;
  const DrawBatch two{0, 0, 1, 1};
  EXPECT_EQ(dev->draw({&g, 1}, {&two, 1}, kWidth, kHeight).code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(dev->finish().ok());
}

}  // namespace
}  // namespace glyphstream::gpu
