// Real GL through EGL (Mesa llvmpipe in CI, NVIDIA on the GPU machine); no mocks.
#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>

#include "glyphstream/headless_gl.h"
#include "gpu/gpu_device.h"
#include "image_diff.h"
#include "reference_compositor.h"

namespace glyphstream::gpu {
namespace {

// A CPU atlas page with the bookkeeping the atlas module does: pixels plus dirty rects.
struct SimPage {
  uint32_t id = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0, height = 0;
  size_t stride = 0;
  std::vector<uint8_t> pixels;
  std::vector<Rect> dirty;

  SimPage(uint32_t id_, PixelFormat f, int w, int h, size_t pad = 0)
      : id(id_), format(f), width(w), height(h) {
    stride = size_t(w) * size_t(bytes_per_pixel(f)) + pad;
    pixels.assign(stride * size_t(h), 0);
  }
  int bpp() const { return bytes_per_pixel(format); }

  // Fills r with random bytes (premultiplied-valid for colour pages) and marks it dirty.
  void write(const Rect& r, std::mt19937& rng) {
    for (int y = r.y; y < r.bottom(); ++y) {
      uint8_t* row = pixels.data() + size_t(y) * stride + size_t(r.x) * size_t(bpp());
      for (int x = 0; x < r.w; ++x) {
        if (format == PixelFormat::kCoverage8) {
          row[x] = uint8_t(rng());
        } else {
          const uint8_t a = uint8_t(rng());
          for (int c = 0; c < 3; ++c) row[x * 4 + c] = uint8_t(rng() % (unsigned(a) + 1));
          row[x * 4 + 3] = a;
        }
      }
    }
    dirty.push_back(r);
  }
  Rect random_rect(std::mt19937& rng, int max_side) const {
    Rect r;
    r.w = 1 + int(rng() % unsigned(std::min(max_side, width)));
    r.h = 1 + int(rng() % unsigned(std::min(max_side, height)));
    r.x = int(rng() % unsigned(width - r.w + 1));
    r.y = int(rng() % unsigned(height - r.h + 1));
    return r;
  }
  void grow(int new_height) {
    pixels.resize(stride * size_t(new_height), 0);
    height = new_height;
  }
  PageUpload upload() const {
    PageUpload u;
    u.page = id;
    u.format = format;
    u.width = width;
    u.height = height;
    u.pixels = pixels.data();
    u.stride = stride;
    u.dirty = dirty;
    return u;
  }
  // Tight rows, as read_texture returns them.
  std::vector<uint8_t> tight() const {
    const size_t row = size_t(width) * size_t(bpp());
    std::vector<uint8_t> out(row * size_t(height));
    for (int y = 0; y < height; ++y) {
      std::memcpy(out.data() + size_t(y) * row, pixels.data() + size_t(y) * stride, row);
    }
    return out;
  }
  CpuPage cpu() const { return {format, width, height, pixels.data(), stride}; }
};

Status upload_pages(GpuDevice& dev, std::vector<SimPage>& pages, UploadMode mode,
                    UploadStats* stats) {
  std::vector<PageUpload> ups;
  for (SimPage& p : pages) ups.push_back(p.upload());
  Status s = dev.upload(ups, mode, stats);
  for (SimPage& p : pages) p.dirty.clear();
  return s;
}

// Returns an empty string when the texture equals the CPU page byte for byte.
std::string texture_mismatch(GpuDevice& dev, const SimPage& p) {
  std::vector<uint8_t> tex;
  int w = 0, h = 0;
  Status s = dev.read_texture(p.id, &tex, &w, &h);
  if (!s.ok()) return s.to_string();
  if (w != p.width || h != p.height) {
    return "size " + std::to_string(w) + "x" + std::to_string(h) + " vs " +
           std::to_string(p.width) + "x" + std::to_string(p.height);
  }
  const std::vector<uint8_t> want = p.tight();
  if (tex == want) return {};
  const size_t row = size_t(p.width) * size_t(p.bpp());
  for (size_t i = 0; i < want.size(); ++i) {
    if (tex[i] != want[i]) {
      return "page " + std::to_string(p.id) +
             " differs first at x=" + std::to_string(i % row / size_t(p.bpp())) +
             " y=" + std::to_string(i / row) + " (got " + std::to_string(tex[i]) + ", want " +
             std::to_string(want[i]) + ")";
    }
  }
  return "mismatch";
}

class GlDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({256, 192});
    ASSERT_TRUE(gl.ok()) << gl.status().to_string();
    gl_ = std::move(gl).value();
  }
  std::unique_ptr<GpuDevice> make_device(GpuDeviceDesc desc = {}) {
    auto dev = create_gl_device(desc);
    EXPECT_TRUE(dev.ok()) << dev.status().to_string();
    return dev.ok() ? std::move(dev).value() : nullptr;
  }
  void TearDown() override {}

  std::unique_ptr<HeadlessGl> gl_;
};

TEST_F(GlDeviceTest, HeadlessReportsPlatformAndRenderer) {
  EXPECT_TRUE(gl_->platform() == "device" || gl_->platform() == "surfaceless" ||
              gl_->platform() == "default")
      << gl_->platform();
  EXPECT_FALSE(gl_->renderer().empty());
  EXPECT_FALSE(gl_->version().empty());
  EXPECT_EQ(gl_->width(), 256);
  EXPECT_EQ(gl_->height(), 192);
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::printf("platform=%s renderer=%s version=%s async=%s timers=%d\n", gl_->platform().c_str(),
              gl_->renderer().c_str(), gl_->version().c_str(), dev->async_path().c_str(),
              int(dev->timer_queries_available()));
}

TEST_F(GlDeviceTest, ReadPixelsIsTopRowFirst) {
  gl_->clear(0, 0, 0, 0);
  // Scissor works in GL's bottom-up coordinates: this is the top-left 8x4 corner.
  glEnable(GL_SCISSOR_TEST);
  glScissor(0, gl_->height() - 4, 8, 4);
  gl_->clear(1, 0, 0, 1);
  glDisable(GL_SCISSOR_TEST);
  std::vector<uint8_t> px;
  ASSERT_TRUE(gl_->read_pixels(&px).ok());
  ASSERT_EQ(px.size(), size_t(256 * 192 * 4));
  EXPECT_EQ(px[0], 255);
  EXPECT_EQ(px[3], 255);
  EXPECT_EQ(px[(3 * 256 + 7) * 4], 255);  // row 3, column 7: still inside
  EXPECT_EQ(px[(4 * 256) * 4], 0);        // row 4: outside
  EXPECT_EQ(px[(191 * 256) * 4], 0);      // bottom-left: outside

  // The device's y-down mapping agrees: a quad at (0,0) lands in the first rows.
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(1);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 16, 16);
  std::fill(pages[0].pixels.begin(), pages[0].pixels.end(), 255);
  pages[0].dirty.push_back({0, 0, 16, 16});
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kSync, nullptr).ok());
  gl_->clear(0, 0, 0, 0);
  GlyphInstance g;
  g.x = 0, g.y = 0, g.w = 5, g.h = 3, g.u = 0, g.v = 0, g.color = 0x00ff00ff;
  DrawBatch b{0, 0, 1};
  ASSERT_TRUE(dev->draw({&g, 1}, {&b, 1}, gl_->width(), gl_->height()).ok());
  ASSERT_TRUE(gl_->read_pixels(&px).ok());
  EXPECT_EQ(px[1], 255);                      // (0,0) green
  EXPECT_EQ(px[(2 * 256 + 4) * 4 + 1], 255);  // (4,2) green
  EXPECT_EQ(px[(3 * 256) * 4 + 1], 0);        // (0,3) untouched
  EXPECT_EQ(px[5 * 4 + 1], 0);                // (5,0) untouched
}

TEST(HeadlessGlTest, NoDisplaySaysWhatWasTried) {
  // A platform name that matches nothing: no display, and the message says what was tried.
  setenv("GLYPHSTREAM_EGL_PLATFORM", "no-such-platform", 1);
  auto gl = HeadlessGl::create({16, 16});
  unsetenv("GLYPHSTREAM_EGL_PLATFORM");
  ASSERT_FALSE(gl.ok());
  EXPECT_EQ(gl.status().code(), ErrorCode::kNoDisplay);
  EXPECT_NE(gl.status().message().find("tried"), std::string::npos) << gl.status().message();
  setenv("GLYPHSTREAM_EGL_PLATFORM", "surfaceless", 1);
  auto surfaceless = HeadlessGl::create({16, 16});
  unsetenv("GLYPHSTREAM_EGL_PLATFORM");
  if (surfaceless.ok()) {
    EXPECT_EQ(surfaceless.value()->platform(), "surfaceless");
  }
}

TEST_F(GlDeviceTest, NoCurrentContextIsContextFailed) {
  EGLDisplay d = eglGetCurrentDisplay();
  EGLContext c = eglGetCurrentContext();
  ASSERT_NE(c, EGL_NO_CONTEXT);
  ASSERT_TRUE(eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT));
  auto dev = create_gl_device();
  EXPECT_FALSE(dev.ok());
  EXPECT_EQ(dev.status().code(), ErrorCode::kContextFailed);
  ASSERT_TRUE(gl_->make_current().ok());
  EXPECT_TRUE(create_gl_device().ok());
}

// Randomized multi-frame workload: random rects, occasional growth, readback after every frame.
void run_readback_property(GpuDevice& dev, UploadMode mode, int frames, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 256, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 128, 32, /*pad=*/8);  // stride != width
  pages.emplace_back(2, PixelFormat::kCoverage8, 96, 96, /*pad=*/5);
  pages.emplace_back(3, PixelFormat::kColor32, 40, 40, /*pad=*/2);  // stride not whole pixels
  uint64_t recreated = 0;
  for (int f = 1; f <= frames; ++f) {
    for (SimPage& p : pages) {
      if (p.height < 256 && rng() % 60 == 0) p.grow(std::min(256, p.height + 16 + int(rng() % 48)));
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

TEST_F(GlDeviceTest, ReadbackPropertyAsync) {
  for (int depth : {1, 2, 3}) {
    auto dev =
        make_device({.staging_ring_depth = depth, .staging_slot_bytes = 4096, .parallel_for = {}});
    ASSERT_TRUE(dev);
    run_readback_property(*dev, UploadMode::kAsync, 400, 100 + uint32_t(depth));
  }
}

TEST_F(GlDeviceTest, ReadbackPropertySync) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  run_readback_property(*dev, UploadMode::kSync, 800, 7);
}

TEST_F(GlDeviceTest, ReadbackPropertyWholePage) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  run_readback_property(*dev, UploadMode::kWholePage, 600, 8);
}

TEST_F(GlDeviceTest, ReadbackPropertyGl33Fallbacks) {
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    auto dev = make_device({.staging_slot_bytes = 4096, .emulate_gl33 = true, .parallel_for = {}});
    ASSERT_TRUE(dev);
    EXPECT_NE(dev->async_path().find("no ARB_buffer_storage"), std::string::npos);
    run_readback_property(*dev, mode, 200, 50 + uint32_t(mode));
  }
}

// The reference design's bug: after a buffer swap the next frame's staging lacked the previous
// frame's glyphs. Here a rect written in frame N must survive frames N+1, N+2, ... untouched,
// and every glyph must be on screen in the very frame in which it is first drawn.
TEST_F(GlDeviceTest, NoFlickerAcrossFrames) {
  for (int depth : {2, 3}) {
    auto dev = make_device({.staging_ring_depth = depth, .parallel_for = {}});
    ASSERT_TRUE(dev);
    std::mt19937 rng{uint32_t(depth)};
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 256, 256);
    const std::vector<CpuPage> cpu = {pages[0].cpu()};
    std::vector<GlyphInstance> glyphs;
    // Frame f writes glyph cell f of a 16x16 grid (disjoint cells) and draws every glyph so far.
    for (int f = 0; f < 60; ++f) {
      const Rect cell{(f % 16) * 16, (f / 16) * 16, 15, 15};
      pages[0].write(cell, rng);
      ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
      GlyphInstance g;
      g.x = int16_t(cell.x), g.y = int16_t(cell.y), g.w = 15, g.h = 15;
      g.u = uint16_t(cell.x), g.v = uint16_t(cell.y), g.color = 0xffffffff;
      glyphs.push_back(g);
      const DrawBatch batch{0, 0, uint32_t(glyphs.size())};
      gl_->clear(0, 0, 0, 0);
      ASSERT_TRUE(dev->draw(glyphs, {&batch, 1}, 256, 192).ok());
      ASSERT_TRUE(dev->end_frame(uint64_t(f + 1)).ok());
      // Read back only every few frames so that several slots are in flight in between.
      if (f % 3 != 2) continue;
      std::vector<uint8_t> got, want;
      ASSERT_TRUE(gl_->read_pixels(&got).ok());
      composite(glyphs, {&batch, 1}, cpu, 256, 192, &want);
      const testing::ImageDiff diff = testing::diff_images(got, want, 256, 192, 1);
      ASSERT_TRUE(diff.match()) << "depth " << depth << " frame " << f << ": " << diff.report;
      const std::string m = texture_mismatch(*dev, pages[0]);
      ASSERT_TRUE(m.empty()) << "depth " << depth << " frame " << f << ": " << m;
    }
  }
}

TEST_F(GlDeviceTest, SyncAndAsyncArePixelIdentical) {
  auto async_dev = make_device();
  auto sync_dev = make_device();
  ASSERT_TRUE(async_dev && sync_dev);
  std::mt19937 rng(42);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
  pages.emplace_back(1, PixelFormat::kColor32, 64, 64);
  std::vector<uint8_t> a, b;
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
  for (uint32_t id : {0u, 1u}) {
    ASSERT_TRUE(async_dev->read_texture(id, &a, nullptr, nullptr).ok());
    ASSERT_TRUE(sync_dev->read_texture(id, &b, nullptr, nullptr).ok());
    EXPECT_EQ(a, b) << "page " << id;
  }
  // And the same pixels on screen.
  std::vector<GlyphInstance> inst;
  for (int i = 0; i < 64; ++i) {
    GlyphInstance g;
    g.x = int16_t(rng() % 240), g.y = int16_t(rng() % 180);
    g.w = uint16_t(1 + rng() % 30), g.h = uint16_t(1 + rng() % 30);
    g.u = uint16_t(rng() % 60), g.v = uint16_t(rng() % 60), g.color = uint32_t(rng());
    inst.push_back(g);
  }
  std::vector<DrawBatch> batches = {{0, 0, 32}, {1, 32, 32}};
  gl_->clear(0, 0, 0, 0);
  ASSERT_TRUE(async_dev->draw(inst, batches, 256, 192).ok());
  ASSERT_TRUE(gl_->read_pixels(&a).ok());
  gl_->clear(0, 0, 0, 0);
  ASSERT_TRUE(sync_dev->draw(inst, batches, 256, 192).ok());
  ASSERT_TRUE(gl_->read_pixels(&b).ok());
  EXPECT_EQ(a, b);
}

TEST_F(GlDeviceTest, WholePageUploadsMoreThanAsync) {
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

TEST_F(GlDeviceTest, StallAccountingWithOneSlot) {
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
  std::printf("ring depth 1: %u stalls, %.3f ms waiting over 60 frames\n", total.stalls,
              double(total.stall_ns) / 1e6);
}

TEST_F(GlDeviceTest, GrowthKeepsContent) {
  for (bool gl33 : {false, true}) {
    auto dev = make_device({.emulate_gl33 = gl33, .parallel_for = {}});
    ASSERT_TRUE(dev);
    std::mt19937 rng(9);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 64, 32);
    pages.emplace_back(1, PixelFormat::kColor32, 32, 16);
    uint32_t recreated = 0;
    for (int f = 1; f <= 6; ++f) {
      for (SimPage& p : pages) {
        p.write(p.random_rect(rng, 16), rng);
        if (f > 1) p.grow(p.height * 2);
      }
      UploadStats st;
      ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
      recreated += st.textures_recreated;
      // Draw from the grown textures in the same frame: the copy must be in order.
      ASSERT_TRUE(dev->end_frame(uint64_t(f)).ok());
      for (const SimPage& p : pages) EXPECT_EQ(texture_mismatch(*dev, p), "") << "gl33=" << gl33;
    }
    EXPECT_EQ(recreated, 10u);
    EXPECT_EQ(dev->completed_frame() <= 6u, true);
    ASSERT_TRUE(dev->finish().ok());
  }
}

TEST_F(GlDeviceTest, DrawMatchesReferenceCompositor) {
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
  std::vector<CpuPage> cpu;
  for (const SimPage& p : pages) cpu.push_back(p.cpu());

  for (int round = 0; round < 5; ++round) {
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    for (int b = 0; b < 6; ++b) {
      const uint32_t page = uint32_t(rng() % 3);
      const SimPage& p = pages[page];
      DrawBatch batch{page, uint32_t(inst.size()), 0};
      const int n = 1 + int(rng() % 80);
      for (int i = 0; i < n; ++i) {
        GlyphInstance g;
        // Partly off-screen and occasionally reaching past the page edge.
        g.x = int16_t(int(rng() % 290) - 20);
        g.y = int16_t(int(rng() % 220) - 20);
        g.w = uint16_t(1 + rng() % 40);
        g.h = uint16_t(1 + rng() % 40);
        g.u = uint16_t(rng() % unsigned(p.width));
        g.v = uint16_t(rng() % unsigned(p.height));
        g.color = uint32_t(rng());
        if (i % 7 == 0) g.color |= 0xff;  // opaque
        inst.push_back(g);
      }
      batch.count = uint32_t(n);
      batches.push_back(batch);
    }
    gl_->clear(0.25f, 0.5f, 0.75f, round % 2 ? 1.f : 0.5f);
    std::vector<uint8_t> want, got;
    ASSERT_TRUE(gl_->read_pixels(&want).ok());
    composite(inst, batches, cpu, 256, 192, &want);
    ASSERT_TRUE(dev->draw(inst, batches, 256, 192).ok());
    ASSERT_TRUE(dev->end_frame(uint64_t(round + 1)).ok());
    ASSERT_TRUE(gl_->read_pixels(&got).ok());
    // Blending rounds differently per driver, and these quads overlap, so rounding accumulates:
    // llvmpipe is within 1 of the reference, the NVIDIA driver within 3 (measured on an H200).
    // A misplaced, missing or stale texel is off by far more.
    const testing::ImageDiff diff = testing::diff_images(got, want, 256, 192, 3);
    EXPECT_TRUE(diff.match()) << diff.report;
    EXPECT_LE(diff.max_channel_diff, 3);
    if (round == 0)
      std::printf("max channel difference to the reference: %d\n", diff.max_channel_diff);
  }
}

// Every InstanceKind at fractional positions (scaled glyphs on both page formats, rects and
// squiggles, a batch on no page) against the reference compositor's math.
TEST_F(GlDeviceTest, InstanceKindsMatchReferenceCompositor) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(17);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 32, 32, 4);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  std::vector<CpuPage> cpu;
  for (const SimPage& p : pages) cpu.push_back(p.cpu());
  int worst = 0;
  for (int round = 0; round < 4; ++round) {
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    random_kind_batches(rng, cpu, 256, 192, &inst, &batches);
    gl_->clear(0.25f, 0.5f, 0.75f, round % 2 ? 1.f : 0.5f);
    std::vector<uint8_t> want, got;
    ASSERT_TRUE(gl_->read_pixels(&want).ok());
    composite(inst, batches, cpu, 256, 192, &want);
    ASSERT_TRUE(dev->draw(inst, batches, 256, 192).ok());
    ASSERT_TRUE(dev->end_frame(uint64_t(round + 1)).ok());
    ASSERT_TRUE(gl_->read_pixels(&got).ok());
    // As above: overlapping quads accumulate the blender's rounding (within 3); the shaders'
    // float math (bilinear weights, coverage) differs from the CPU's by a few ulps only.
    const testing::ImageDiff diff = testing::diff_images(got, want, 256, 192, 3);
    EXPECT_TRUE(diff.match()) << "round " << round << ": " << diff.report;
    worst = std::max(worst, diff.max_channel_diff);
  }
  std::printf("instance kinds: max channel difference to the reference: %d\n", worst);
  // A kNoPage batch may hold only rect kinds.
  GlyphInstance glyph;
  glyph.w = glyph.h = 1;
  const DrawBatch no_page{kNoPage, 0, 1};
  EXPECT_EQ(dev->draw({&glyph, 1}, {&no_page, 1}, 256, 192).code(), ErrorCode::kInvalidArgument);
}

// Corrupted text after the atlas grows mid-frame: draw, grow (texture re-created), draw again,
// all in one frame; both draws must show the right pixels.
TEST_F(GlDeviceTest, GrowthMidFrameDrawsCorrectly) {
  for (bool gl33 : {false, true}) {
    auto dev = make_device({.emulate_gl33 = gl33, .parallel_for = {}});
    ASSERT_TRUE(dev);
    std::mt19937 rng(21);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 64, 32);
    pages[0].write({0, 0, 64, 32}, rng);
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
    gl_->clear(0, 0, 0, 1);
    std::vector<uint8_t> want, got;
    ASSERT_TRUE(gl_->read_pixels(&want).ok());
    GlyphInstance first;
    first.w = 64, first.h = 32, first.color = 0xff8040ff;
    const DrawBatch b0{0, 0, 1};
    ASSERT_TRUE(dev->draw({&first, 1}, {&b0, 1}, 256, 192).ok());
    std::vector<CpuPage> cpu = {pages[0].cpu()};
    composite({&first, 1}, {&b0, 1}, cpu, 256, 192, &want);

    pages[0].grow(128);
    pages[0].write({0, 32, 64, 96}, rng);
    UploadStats st;
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, &st).ok());
    EXPECT_EQ(st.textures_recreated, 1u);
    GlyphInstance second;
    second.x = 100, second.y = 10, second.w = 64, second.h = 128, second.color = 0x40c0ffc0;
    ASSERT_TRUE(dev->draw({&second, 1}, {&b0, 1}, 256, 192).ok());
    cpu = {pages[0].cpu()};
    composite({&second, 1}, {&b0, 1}, cpu, 256, 192, &want);
    ASSERT_TRUE(dev->end_frame(1).ok());
    ASSERT_TRUE(gl_->read_pixels(&got).ok());
    const testing::ImageDiff diff = testing::diff_images(got, want, 256, 192, 1);
    EXPECT_TRUE(diff.match()) << "gl33=" << gl33 << diff.report;
    ASSERT_TRUE(dev->finish().ok());
    EXPECT_EQ(dev->completed_frame(), 1u);
  }
}

// A page id reused with another format gets a new texture with the CPU page's whole content.
TEST_F(GlDeviceTest, FormatChangeReplacesTexture) {
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
}

// Calls in the wrong context fail cleanly instead of crashing or touching the other context.
TEST_F(GlDeviceTest, WrongContextIsAnError) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(41);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  pages[0].write({0, 0, 8, 8}, rng);
  {
    auto other = HeadlessGl::create({64, 64});
    ASSERT_TRUE(other.ok()) << other.status().to_string();
    ASSERT_TRUE(other.value()->make_current().ok());
    Status s = upload_pages(*dev, pages, UploadMode::kAsync, nullptr);
    EXPECT_EQ(s.code(), ErrorCode::kContextFailed) << s.to_string();
    EXPECT_EQ(dev->end_frame(1).code(), ErrorCode::kContextFailed);
    EXPECT_EQ(dev->completed_frame(), 0u);
    EGLDisplay d = eglGetCurrentDisplay();
    ASSERT_TRUE(eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT));
    pages[0].write({0, 0, 8, 8}, rng);
    EXPECT_EQ(upload_pages(*dev, pages, UploadMode::kSync, nullptr).code(),
              ErrorCode::kContextFailed);
    EXPECT_EQ(dev->finish().code(), ErrorCode::kContextFailed);
  }
  ASSERT_TRUE(gl_->make_current().ok());
  pages[0].write({0, 0, 8, 8}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
}

// The bandwidth probe runs only in the device's context: with none current it used to abort in
// libepoxy, and in another context it measured (and disturbed) that one.
TEST_F(GlDeviceTest, BandwidthProbeNeedsTheDevicesContext) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->backend_name(), "gl");
  auto own = dev->measure_upload_bandwidth(size_t(1) << 20);
  ASSERT_TRUE(own.ok()) << own.status().to_string();
  EXPECT_GT(own.value(), 0.0);
  {
    auto other = HeadlessGl::create({64, 64});
    ASSERT_TRUE(other.ok()) << other.status().to_string();
    ASSERT_TRUE(other.value()->make_current().ok());
    auto foreign = dev->measure_upload_bandwidth(size_t(1) << 20);
    EXPECT_EQ(foreign.status().code(), ErrorCode::kContextFailed) << foreign.status().to_string();
    EGLDisplay d = eglGetCurrentDisplay();
    ASSERT_TRUE(eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT));
    auto none = dev->measure_upload_bandwidth(size_t(1) << 20);
    EXPECT_EQ(none.status().code(), ErrorCode::kContextFailed) << none.status().to_string();
  }
  ASSERT_TRUE(gl_->make_current().ok());
  EXPECT_TRUE(dev->measure_upload_bandwidth(size_t(1) << 20).ok());
}

TEST_F(GlDeviceTest, RejectsBadInput) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(1);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  pages[0].dirty.push_back({30, 30, 4, 4});
  Status s = upload_pages(*dev, pages, UploadMode::kAsync, nullptr);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  GlyphInstance g;
  DrawBatch b{7, 0, 1};
  s = dev->draw({&g, 1}, {&b, 1}, 256, 192);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  b = {0, 0, 2};
  s = dev->draw({&g, 1}, {&b, 1}, 256, 192);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  std::vector<uint8_t> px;
  EXPECT_EQ(dev->read_texture(3, &px, nullptr, nullptr).code(), ErrorCode::kInvalidArgument);
  // An error the application left pending is not reported as ours.
  glBindTexture(GL_TEXTURE_2D, 0xdeadbeef);
  pages[0].dirty = {{0, 0, 4, 4}};
  s = upload_pages(*dev, pages, UploadMode::kSync, nullptr);
  EXPECT_TRUE(s.ok()) << s.to_string();
}

TEST_F(GlDeviceTest, TimerQueriesDeliverWithoutBlocking) {
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
    ASSERT_TRUE(dev->draw({&g, 1}, {&b, 1}, 256, 192).ok());
    ASSERT_TRUE(dev->end_frame(uint64_t(f)).ok());
    for (const GpuTimings& t : dev->take_timings()) timings.push_back(t);
  }
  ASSERT_TRUE(dev->finish().ok());
  for (const GpuTimings& t : dev->take_timings()) timings.push_back(t);
  if (!dev->timer_queries_available()) {
    EXPECT_TRUE(timings.empty());
    GTEST_SKIP() << "no timer queries on this driver";
  }
  ASSERT_EQ(timings.size(), 20u);
  for (size_t i = 0; i < timings.size(); ++i) EXPECT_EQ(timings[i].frame, i + 1);
}

// The application's state, set to unusual values, must come back unchanged.
struct AppState {
  GLint program, vao, array_buffer, unpack_buffer, pack_buffer, active_texture, tex_unit0,
      tex_unit3, sampler0, blend_src_rgb, blend_dst_rgb, blend_src_alpha, blend_dst_alpha,
      blend_eq_rgb, blend_eq_alpha, viewport[4], unpack_row_length, unpack_skip_pixels,
      unpack_skip_rows, unpack_alignment, pack_alignment, read_fb, draw_fb;
  GLboolean blend, depth, scissor, cull, stencil, mask[4];

  static AppState query() {
    AppState s{};
    auto i = [](GLenum e) {
      GLint v = 0;
      glGetIntegerv(e, &v);
      return v;
    };
    s.program = i(GL_CURRENT_PROGRAM);
    s.vao = i(GL_VERTEX_ARRAY_BINDING);
    s.array_buffer = i(GL_ARRAY_BUFFER_BINDING);
    s.unpack_buffer = i(GL_PIXEL_UNPACK_BUFFER_BINDING);
    s.pack_buffer = i(GL_PIXEL_PACK_BUFFER_BINDING);
    s.active_texture = i(GL_ACTIVE_TEXTURE);
    glActiveTexture(GL_TEXTURE0);
    s.tex_unit0 = i(GL_TEXTURE_BINDING_2D);
    s.sampler0 = i(GL_SAMPLER_BINDING);
    glActiveTexture(GL_TEXTURE3);
    s.tex_unit3 = i(GL_TEXTURE_BINDING_2D);
    glActiveTexture(GLenum(s.active_texture));
    s.blend_src_rgb = i(GL_BLEND_SRC_RGB);
    s.blend_dst_rgb = i(GL_BLEND_DST_RGB);
    s.blend_src_alpha = i(GL_BLEND_SRC_ALPHA);
    s.blend_dst_alpha = i(GL_BLEND_DST_ALPHA);
    s.blend_eq_rgb = i(GL_BLEND_EQUATION_RGB);
    s.blend_eq_alpha = i(GL_BLEND_EQUATION_ALPHA);
    glGetIntegerv(GL_VIEWPORT, s.viewport);
    s.unpack_row_length = i(GL_UNPACK_ROW_LENGTH);
    s.unpack_skip_pixels = i(GL_UNPACK_SKIP_PIXELS);
    s.unpack_skip_rows = i(GL_UNPACK_SKIP_ROWS);
    s.unpack_alignment = i(GL_UNPACK_ALIGNMENT);
    s.pack_alignment = i(GL_PACK_ALIGNMENT);
    s.read_fb = i(GL_READ_FRAMEBUFFER_BINDING);
    s.draw_fb = i(GL_DRAW_FRAMEBUFFER_BINDING);
    s.blend = glIsEnabled(GL_BLEND);
    s.depth = glIsEnabled(GL_DEPTH_TEST);
    s.scissor = glIsEnabled(GL_SCISSOR_TEST);
    s.cull = glIsEnabled(GL_CULL_FACE);
    s.stencil = glIsEnabled(GL_STENCIL_TEST);
    glGetBooleanv(GL_COLOR_WRITEMASK, s.mask);
    return s;
  }
  bool operator==(const AppState& o) const { return std::memcmp(this, &o, sizeof o) == 0; }
};

TEST_F(GlDeviceTest, LeavesApplicationStateAsFound) {
  for (bool gl33 : {false, true}) {
    // The application's objects and odd state.
    GLuint vs = glCreateShader(GL_VERTEX_SHADER);
    const char* src = "#version 330 core\nvoid main() { gl_Position = vec4(0.0); }\n";
    glShaderSource(vs, 1, &src, nullptr);
    glCompileShader(vs);
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glLinkProgram(prog);
    GLuint vao = 0, bufs[3] = {}, tex[2] = {}, sampler = 0;
    glGenVertexArrays(1, &vao);
    glGenBuffers(3, bufs);
    glGenTextures(2, tex);
    glGenSamplers(1, &sampler);
    glUseProgram(prog);
    glBindVertexArray(vao);
    glBindBuffer(GL_ARRAY_BUFFER, bufs[0]);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, bufs[1]);
    glBufferData(GL_PIXEL_UNPACK_BUFFER, 4096, nullptr, GL_STREAM_DRAW);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, bufs[2]);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, tex[0]);
    glBindSampler(0, sampler);
    glActiveTexture(GL_TEXTURE3);
    glBindTexture(GL_TEXTURE_2D, tex[1]);
    glEnable(GL_BLEND);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_DST_COLOR, GL_ZERO, GL_ONE_MINUS_DST_ALPHA);
    glBlendEquationSeparate(GL_MAX, GL_FUNC_SUBTRACT);
    glEnable(GL_DEPTH_TEST);
    glEnable(GL_SCISSOR_TEST);
    glEnable(GL_CULL_FACE);
    glEnable(GL_STENCIL_TEST);
    glViewport(3, 5, 17, 19);
    glColorMask(GL_TRUE, GL_FALSE, GL_TRUE, GL_FALSE);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 7);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, 2);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, 3);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 8);
    glPixelStorei(GL_PACK_ALIGNMENT, 2);
    ASSERT_EQ(glGetError(), GLenum(GL_NO_ERROR));
    const AppState before = AppState::query();

    {
      auto dev = make_device({.emulate_gl33 = gl33, .parallel_for = {}});
      ASSERT_TRUE(dev);
      EXPECT_TRUE(AppState::query() == before) << "create_gl_device";
      std::mt19937 rng(4);
      std::vector<SimPage> pages;
      pages.emplace_back(0, PixelFormat::kCoverage8, 64, 32);
      pages.emplace_back(1, PixelFormat::kColor32, 32, 32);
      int f = 0;
      for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
        for (SimPage& p : pages) {
          p.write(p.random_rect(rng, 16), rng);
          p.grow(p.height + 16);  // growth copies through GL too
        }
        ASSERT_TRUE(upload_pages(*dev, pages, mode, nullptr).ok());
        EXPECT_TRUE(AppState::query() == before) << "upload " << upload_mode_name(mode);
        GlyphInstance g[2];
        g[0].w = g[0].h = g[1].w = g[1].h = 10;
        g[0].color = g[1].color = 0xff0000ff;
        DrawBatch b[2] = {{0, 0, 1}, {1, 1, 1}};
        ASSERT_TRUE(dev->draw(g, b, 256, 192).ok());
        EXPECT_TRUE(AppState::query() == before) << "draw";
        std::vector<uint8_t> px;
        ASSERT_TRUE(dev->read_texture(1, &px, nullptr, nullptr).ok());
        EXPECT_TRUE(AppState::query() == before) << "read_texture";
        ASSERT_TRUE(dev->end_frame(uint64_t(++f)).ok());
        dev->completed_frame();
        dev->take_timings();
        EXPECT_TRUE(AppState::query() == before) << "end_frame";
      }
      ASSERT_TRUE(dev->finish().ok());
      // The application's own content got through the odd unpack state untouched.
      for (const SimPage& p : pages) EXPECT_EQ(texture_mismatch(*dev, p), "");
      EXPECT_TRUE(AppState::query() == before) << "finish";
    }
    EXPECT_TRUE(AppState::query() == before) << "device destructor";
    EXPECT_EQ(glGetError(), GLenum(GL_NO_ERROR));

    glUseProgram(0);
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glBindSampler(0, 0);
    glDeleteProgram(prog);
    glDeleteShader(vs);
    glDeleteVertexArrays(1, &vao);
    glDeleteBuffers(3, bufs);
    glDeleteTextures(2, tex);
    glDeleteSamplers(1, &sampler);
  }
}

}  // namespace
}  // namespace glyphstream::gpu
