// The common side of GpuDevice without a GPU: a small recording Backend keeps page images in
// memory and logs every call, so these tests check the staging layout (offsets, alignment,
// bands), the upload-mode dispatch, stall accounting and validation. The GL integration tests
// (gl/gl_device_test.cpp) check the same paths on a real driver.
#include "gpu/gpu_device.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include "glyphstream/vulkan.h"

namespace glyphstream::gpu {
namespace {

struct Image {
  PageDesc desc;
  std::vector<uint8_t> pixels;  // tight rows
};

class RecordingBackend final : public Backend {
 public:
  explicit RecordingBackend(int slots) : slots_(size_t(slots)), busy_(size_t(slots), false) {}

  std::vector<std::string> log;
  std::vector<StagingCopy> staged;
  std::vector<ClientCopy> client;
  size_t last_map_bytes = 0;
  bool parallel_writes = true;
  bool fail_map = false;
  std::map<uint32_t, Image> pages;

  Status begin_upload(UploadMode mode) override {
    log.push_back("begin " + std::string(upload_mode_name(mode)));
    return {};
  }
  Status ensure_page(const PageDesc& d, bool* whole, UploadStats* stats) override {
    log.push_back("ensure " + std::to_string(d.page));
    *whole = false;
    Image& img = pages[d.page];
    const size_t bpp = size_t(texel_bytes(d.format));
    if (!img.pixels.empty() && img.desc.format == d.format && img.desc.width == d.width &&
        img.desc.height == d.height) {
      return {};
    }
    std::vector<uint8_t> fresh(size_t(d.width) * size_t(d.height) * bpp, 0);
    if (!img.pixels.empty()) {
      ++stats->textures_recreated;
      *whole = img.desc.format != d.format;
      if (!*whole) {
        const size_t old_row = size_t(img.desc.width) * bpp;
        for (int y = 0; y < std::min(img.desc.height, d.height); ++y) {
          std::memcpy(fresh.data() + size_t(y) * size_t(d.width) * bpp,
                      img.pixels.data() + size_t(y) * old_row,
                      std::min(old_row, size_t(d.width) * bpp));
        }
        ++stats->copy_commands;
      }
    }
    img = {d, std::move(fresh)};
    return {};
  }
  int staging_slot_count() const override { return int(slots_.size()); }
  bool staging_slot_idle(int slot) override {
    log.push_back("idle " + std::to_string(slot));
    return !busy_[size_t(slot)];
  }
  Status wait_staging_slot(int slot) override {
    log.push_back("wait " + std::to_string(slot));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the GPU finishing the copies
    busy_[size_t(slot)] = false;
    return {};
  }
  Result<uint8_t*> map_staging_slot(int slot, size_t bytes) override {
    log.push_back("map " + std::to_string(slot));
    if (fail_map) return Status(ErrorCode::kGpuError, "map failed (test)");
    if (slots_[size_t(slot)].size() < bytes) slots_[size_t(slot)].resize(bytes);
    last_map_bytes = bytes;
    return slots_[size_t(slot)].data();
  }
  bool parallel_staging_writes() const override { return parallel_writes; }
  Status copy_from_staging(int slot, std::span<const StagingCopy> copies) override {
    log.push_back("staging " + std::to_string(slot));
    const std::vector<uint8_t>& mem = slots_[size_t(slot)];
    for (const StagingCopy& c : copies) {
      const size_t row = size_t(c.rect.w) * size_t(texel_bytes(c.format));
      EXPECT_LE(c.offset + row * size_t(c.rect.h), last_map_bytes);
      write_rect(c.page, c.rect, mem.data() + c.offset, row);
      staged.push_back(c);
    }
    busy_[size_t(slot)] = true;  // until the test's "GPU" is waited for
    return {};
  }
  Status copy_from_client(std::span<const ClientCopy> copies) override {
    log.push_back("client " + std::to_string(copies.size()));
    for (const ClientCopy& c : copies) {
      const size_t bpp = size_t(texel_bytes(c.format));
      EXPECT_TRUE(c.stride % bpp == 0 || c.rect.h == 1) << "the ClientCopy stride contract";
      write_rect(c.page, c.rect, c.pixels, c.stride);
      client.push_back(c);
    }
    return {};
  }
  Status end_upload() override {
    log.push_back("end");
    return {};
  }
  Status draw(const DrawList& list) override {
    log.push_back("draw " + std::to_string(list.batches.size()));
    return {};
  }
  Status end_frame(FrameToken frame) override {
    completed_ = frame;
    return {};
  }
  FrameToken completed_frame() override { return completed_; }
  Status wait_frame(FrameToken) override { return {}; }
  Status finish() override { return {}; }
  bool timer_queries_available() const override { return false; }
  std::vector<GpuTimings> take_timings() override { return {}; }
  Result<double> measure_upload_bandwidth(size_t) override { return 1.0; }
  GpuApi api() const override { return GpuApi::kGl; }
  std::string name() const override { return "recording"; }
  std::string async_path() const override { return "memory"; }
  std::string renderer() const override { return "test"; }
  int max_texture_size() const override { return 512; }
  Status read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* w, int* h) override {
    const Image& img = pages.at(page);
    *pixels = img.pixels;
    if (w) *w = img.desc.width;
    if (h) *h = img.desc.height;
    return {};
  }

 private:
  void write_rect(uint32_t page, const Rect& r, const uint8_t* src, size_t src_stride) {
    Image& img = pages.at(page);
    const size_t bpp = size_t(texel_bytes(img.desc.format));
    const size_t row = size_t(img.desc.width) * bpp;
    for (int y = 0; y < r.h; ++y) {
      std::memcpy(img.pixels.data() + size_t(r.y + y) * row + size_t(r.x) * bpp,
                  src + size_t(y) * src_stride, size_t(r.w) * bpp);
    }
  }

  std::vector<std::vector<uint8_t>> slots_;
  std::vector<bool> busy_;
  FrameToken completed_ = 0;
};

// A CPU page filled with random bytes, every pixel of which the device may be asked to move.
struct CpuImage {
  uint32_t id;
  PixelFormat format;
  int width, height;
  size_t stride;
  std::vector<uint8_t> pixels;
  std::vector<Rect> dirty;

  CpuImage(uint32_t id_, PixelFormat f, int w, int h, size_t pad, uint32_t seed)
      : id(id_), format(f), width(w), height(h) {
    stride = size_t(w) * size_t(bytes_per_pixel(f)) + pad;
    pixels.resize(stride * size_t(h));
    std::mt19937 rng(seed);
    for (uint8_t& b : pixels) b = uint8_t(rng());
  }
  PageUpload upload() const {
    return {id, format, width, height, pixels.data(), stride, dirty, {}};
  }
  // The bytes of `r`, tight.
  std::vector<uint8_t> rect_bytes(const Rect& r) const {
    const size_t bpp = size_t(bytes_per_pixel(format));
    std::vector<uint8_t> out;
    for (int y = r.y; y < r.bottom(); ++y) {
      const uint8_t* row = pixels.data() + size_t(y) * stride + size_t(r.x) * bpp;
      out.insert(out.end(), row, row + size_t(r.w) * bpp);
    }
    return out;
  }
};

std::vector<uint8_t> texture_rect(GpuDevice& dev, const CpuImage& img, const Rect& r) {
  std::vector<uint8_t> tex;
  int w = 0, h = 0;
  EXPECT_TRUE(dev.read_texture(img.id, &tex, &w, &h).ok());
  const size_t bpp = size_t(bytes_per_pixel(img.format));
  std::vector<uint8_t> out;
  for (int y = r.y; y < r.bottom(); ++y) {
    const uint8_t* row = tex.data() + (size_t(y) * size_t(w) + size_t(r.x)) * bpp;
    out.insert(out.end(), row, row + size_t(r.w) * bpp);
  }
  return out;
}

struct Fixture {
  RecordingBackend* backend;
  std::unique_ptr<GpuDevice> device;
};

Fixture make_device(int slots, GpuDeviceDesc desc = {}) {
  auto backend = std::make_unique<RecordingBackend>(slots);
  RecordingBackend* raw = backend.get();
  return {raw, std::make_unique<GpuDevice>(std::move(backend), desc)};
}

Status upload(GpuDevice& dev, std::vector<CpuImage>& images, UploadMode mode, UploadStats* st) {
  std::vector<PageUpload> ups;
  for (const CpuImage& i : images) ups.push_back(i.upload());
  return dev.upload(ups, mode, st);
}

TEST(GpuDeviceStaging, RectsArePackedAlignedInOrder) {
  auto [backend, dev] = make_device(3);
  std::vector<CpuImage> images;
  images.emplace_back(0, PixelFormat::kCoverage8, 100, 60, /*pad=*/3, 1);
  images.emplace_back(1, PixelFormat::kColor32, 40, 30, /*pad=*/8, 2);
  images.emplace_back(2, PixelFormat::kLcd24, 30, 20, /*pad=*/1, 5);
  images[0].dirty = {{0, 0, 7, 3}, {10, 5, 0, 4}, {50, 20, 33, 17}, {99, 59, 1, 1}};
  images[1].dirty = {{1, 2, 3, 5}, {0, 0, 40, 30}};
  images[2].dirty = {{3, 1, 5, 2}, {29, 19, 1, 1}};
  UploadStats st;
  ASSERT_TRUE(upload(*dev, images, UploadMode::kAsync, &st).ok());

  // One copy per non-empty rect, in page and rect order; each starts on a kStagingAlign
  // boundary right after the previous rect's tight rows (less than kStagingAlign of padding).
  // The backend sees texels: an LCD page's rect three times as wide.
  ASSERT_EQ(backend->staged.size(), 7u);
  size_t end = 0;
  uint64_t pixel_bytes = 0;
  size_t k = 0;
  for (const CpuImage& img : images) {
    for (const Rect& r : img.dirty) {
      if (r.empty()) continue;
      const StagingCopy& c = backend->staged[k++];
      EXPECT_EQ(c.page, img.id);
      EXPECT_EQ(c.rect, texel_rect(img.format, r));
      EXPECT_EQ(c.offset % kStagingAlign, 0u);
      EXPECT_GE(c.offset, end);
      EXPECT_LT(c.offset - end, kStagingAlign);
      const size_t bytes = size_t(r.w) * size_t(r.h) * size_t(bytes_per_pixel(img.format));
      end = c.offset + bytes;
      pixel_bytes += bytes;
      EXPECT_EQ(texture_rect(*dev, img, r), img.rect_bytes(r)) << "page " << img.id;
    }
  }
  EXPECT_GE(backend->last_map_bytes, end);
  EXPECT_LT(backend->last_map_bytes - end, kStagingAlign);
  EXPECT_EQ(st.bytes, pixel_bytes);
  EXPECT_EQ(st.copy_commands, 7u);
  EXPECT_EQ(st.stalls, 0u);
  EXPECT_EQ(backend->pages.at(2).desc.width, 90) << "an LCD page: three texels a pixel";
  const std::vector<std::string> want = {"begin async", "ensure 0", "ensure 1",  "ensure 2",
                                         "idle 0",      "map 0",    "staging 0", "end"};
  EXPECT_EQ(backend->log, want);
}

TEST(GpuDeviceStaging, LargeRectsAreSplitIntoBandsForTheLentThreads) {
  std::vector<size_t> calls;
  GpuDeviceDesc desc;
  desc.parallel_for = [&](size_t n, const std::function<void(size_t)>& fn) {
    calls.push_back(n);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) threads.emplace_back(fn, i);
    for (std::thread& t : threads) t.join();
  };
  auto [backend, dev] = make_device(2, desc);
  std::vector<CpuImage> images;
  images.emplace_back(0, PixelFormat::kCoverage8, 512, 512, 0, 3);
  images.emplace_back(1, PixelFormat::kColor32, 300, 300, 4, 4);
  images[0].dirty = {{0, 0, 512, 512}};  // 512-byte rows: 128 rows a band, 4 bands
  images[1].dirty = {{0, 0, 300, 300}};  // 1,200-byte rows: 54 rows a band, 6 bands
  UploadStats st;
  ASSERT_TRUE(upload(*dev, images, UploadMode::kAsync, &st).ok());
  size_t bands = 0;
  for (const CpuImage& img : images) {
    const size_t row = size_t(img.width) * size_t(bytes_per_pixel(img.format));
    const size_t band_rows = std::max<size_t>(1, 64 * 1024 / row);
    bands += (size_t(img.height) + band_rows - 1) / band_rows;
    EXPECT_EQ(texture_rect(*dev, img, img.dirty[0]), img.rect_bytes(img.dirty[0]));
  }
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], bands);
  EXPECT_EQ(bands, 10u);

  // A backend whose staging memory one thread must write, and a small upload, stay serial.
  backend->parallel_writes = false;
  images[0].dirty = {{0, 0, 512, 512}};
  ASSERT_TRUE(upload(*dev, images, UploadMode::kAsync, &st).ok());
  backend->parallel_writes = true;
  images[0].dirty = {{0, 0, 512, 8}};
  images[1].dirty = {{0, 0, 300, 8}};
  ASSERT_TRUE(upload(*dev, images, UploadMode::kAsync, &st).ok());
  EXPECT_EQ(calls.size(), 1u);
  for (const CpuImage& img : images) {
    EXPECT_EQ(texture_rect(*dev, img, {0, 0, img.width, img.height}),
              img.rect_bytes({0, 0, img.width, img.height}));
  }
}

TEST(GpuDeviceStaging, SlotsRotateAndABusySlotIsAStall) {
  auto [backend, dev] = make_device(2);
  std::vector<CpuImage> images;
  images.emplace_back(0, PixelFormat::kCoverage8, 64, 64, 0, 5);
  UploadStats total;
  for (int i = 0; i < 4; ++i) {
    images[0].dirty = {{i, i, 8, 8}};
    UploadStats st;
    ASSERT_TRUE(upload(*dev, images, UploadMode::kAsync, &st).ok());
    // Slots 0, 1, 0, 1: the third and fourth uploads find their slot still busy.
    EXPECT_EQ(st.stalls, i >= 2 ? 1u : 0u) << i;
    EXPECT_EQ(st.stall_ns > 0, st.stalls > 0) << i;
    total.stalls += st.stalls;
    total.copy_commands += st.copy_commands;
  }
  std::vector<std::string> slots_used;
  for (const std::string& line : backend->log) {
    if (line.rfind("map ", 0) == 0 || line.rfind("wait ", 0) == 0) slots_used.push_back(line);
  }
  const std::vector<std::string> want = {"map 0", "map 1", "wait 0", "map 0", "wait 1", "map 1"};
  EXPECT_EQ(slots_used, want);
  EXPECT_EQ(total.stalls, 2u);
  EXPECT_EQ(total.copy_commands, 4u);
}

TEST(GpuDeviceDispatch, SyncWholePageAndFormatChangeUseClientCopies) {
  auto [backend, dev] = make_device(1);
  std::vector<CpuImage> images;
  images.emplace_back(0, PixelFormat::kColor32, 20, 10, /*pad=*/2, 6);  // stride not whole pixels
  images.emplace_back(1, PixelFormat::kCoverage8, 30, 30, 0, 7);
  images.emplace_back(2, PixelFormat::kLcd24, 15, 10, /*pad=*/1, 9);  // whole texels (R8)
  images[0].dirty = {{2, 3, 4, 5}};
  images[1].dirty = {{0, 0, 5, 5}, {10, 10, 3, 3}};
  images[2].dirty = {{1, 2, 4, 3}};
  UploadStats st;
  ASSERT_TRUE(upload(*dev, images, UploadMode::kSync, &st).ok());
  // Page 0's rect goes row by row (5 copies), page 1's two rects whole, page 2's rect whole
  // (its texels are bytes) and three times as wide; nothing is staged.
  EXPECT_EQ(backend->client.size(), 8u);
  EXPECT_TRUE(backend->staged.empty());
  EXPECT_EQ(st.copy_commands, 8u);
  EXPECT_EQ(st.bytes, uint64_t(4 * 5 * 4 + 25 + 9 + 4 * 3 * 3));
  EXPECT_EQ(backend->client.back().rect, (Rect{3, 2, 12, 3}));
  for (const CpuImage& img : images) {
    for (const Rect& r : img.dirty) EXPECT_EQ(texture_rect(*dev, img, r), img.rect_bytes(r));
  }

  // Whole-page mode: each dirty page entirely, a clean page not at all.
  backend->client.clear();
  images[0].dirty.clear();
  images[2].dirty.clear();
  images[1].dirty = {{1, 1, 1, 1}};
  st = {};
  ASSERT_TRUE(upload(*dev, images, UploadMode::kWholePage, &st).ok());
  ASSERT_EQ(backend->client.size(), 1u);
  EXPECT_EQ(backend->client[0].rect, (Rect{0, 0, 30, 30}));
  EXPECT_EQ(st.bytes, 900u);

  // A page id reused with another format comes whole even in async mode, the rest staged.
  backend->client.clear();
  images[1] = CpuImage(1, PixelFormat::kColor32, 30, 30, 0, 8);
  images[1].dirty = {{0, 0, 2, 2}};
  images[0].dirty = {{0, 0, 3, 3}};
  st = {};
  ASSERT_TRUE(upload(*dev, images, UploadMode::kAsync, &st).ok());
  ASSERT_EQ(backend->client.size(), 1u);
  EXPECT_EQ(backend->client[0].page, 1u);
  EXPECT_EQ(backend->staged.size(), 1u);
  EXPECT_EQ(st.textures_recreated, 1u);
  EXPECT_EQ(texture_rect(*dev, images[1], {0, 0, 30, 30}), images[1].rect_bytes({0, 0, 30, 30}));
}

TEST(GpuDeviceValidation, BadInputNeverReachesTheBackend) {
  auto [backend, dev] = make_device(1);
  std::vector<uint8_t> px(64 * 64 * 4, 0);
  const Rect outside[] = {{60, 0, 8, 1}};
  const Rect inside[] = {{0, 0, 1, 1}};
  const RectSource null_source[] = {{nullptr, 1}};
  const RectSource two[] = {{px.data(), 64}, {px.data(), 64}};
  const RectSource short_row[] = {{px.data(), 0}};
  struct Case {
    const char* what;
    PageUpload page;
    UploadMode mode;
  };
  const Case cases[] = {
      {"rect outside", {0, PixelFormat::kCoverage8, 64, 64, px.data(), 64, outside, {}}, {}},
      {"too wide", {0, PixelFormat::kCoverage8, 513, 4, px.data(), 513, inside, {}}, {}},
      // An LCD page's texture is three texels a pixel: 171 px are 513 texels.
      {"LCD too wide", {0, PixelFormat::kLcd24, 171, 4, px.data(), 513, inside, {}}, {}},
      {"zero height", {0, PixelFormat::kCoverage8, 64, 0, px.data(), 64, inside, {}}, {}},
      {"no pixels", {0, PixelFormat::kCoverage8, 64, 64, nullptr, 64, inside, {}}, {}},
      {"short stride", {0, PixelFormat::kColor32, 64, 64, px.data(), 255, inside, {}}, {}},
      {"bad format", {0, PixelFormat(9), 64, 64, px.data(), 256, inside, {}}, {}},
      {"bad mode", {0, PixelFormat::kCoverage8, 64, 64, px.data(), 64, inside, {}}, UploadMode(7)},
      // A frame packet's rects (PageUpload::sources): one per rect, each with its pixels.
      {"null rect source",
       {0, PixelFormat::kCoverage8, 64, 64, nullptr, 0, inside, null_source},
       {}},
      {"rect sources != rects",
       {0, PixelFormat::kCoverage8, 64, 64, px.data(), 64, inside, two},
       {}},
      {"short source stride",
       {0, PixelFormat::kCoverage8, 64, 64, nullptr, 0, inside, short_row},
       {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(dev->upload({&c.page, 1}, c.mode, nullptr).code(), ErrorCode::kInvalidArgument)
        << c.what;
  }
  EXPECT_TRUE(backend->log.empty());

  GlyphInstance g;
  DrawBatch never_uploaded{3, 0, 1}, past_end{0, 0, 2};
  EXPECT_EQ(dev->draw({&g, 1}, {&never_uploaded, 1}, 8, 8).code(), ErrorCode::kInvalidArgument);
  const PageUpload ok{0, PixelFormat::kCoverage8, 64, 64, px.data(), 64, inside, {}};
  ASSERT_TRUE(dev->upload({&ok, 1}, UploadMode::kSync, nullptr).ok());
  EXPECT_EQ(dev->draw({&g, 1}, {&past_end, 1}, 8, 8).code(), ErrorCode::kInvalidArgument);
  const DrawBatch good{0, 0, 1};
  EXPECT_EQ(dev->draw({&g, 1}, {&good, 1}, 0, 8).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(dev->draw({&g, 1}, {&good, 1}, 8, 8).ok());
  EXPECT_EQ(backend->log.back(), "draw 1");
  std::vector<uint8_t> out;
  EXPECT_EQ(dev->read_texture(5, &out, nullptr, nullptr).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(dev->read_texture(0, nullptr, nullptr, nullptr).code(), ErrorCode::kInvalidArgument);
}

// A backend without dual-source blending (the recording one) never sees a batch on an LCD page:
// the pipeline draws LCD text greyscale on such a device, and the device refuses it anyway.
TEST(GpuDeviceValidation, AnLcdPageBatchNeedsDualSourceBlending) {
  auto [backend, dev] = make_device(1);
  EXPECT_FALSE(dev->dual_source_blend());
  std::vector<uint8_t> px(16 * 16 * 3, 0);
  const Rect all[] = {{0, 0, 16, 16}};
  const PageUpload lcd{0, PixelFormat::kLcd24, 16, 16, px.data(), 48, all, {}};
  ASSERT_TRUE(dev->upload({&lcd, 1}, UploadMode::kSync, nullptr).ok()) << "uploads are fine";
  backend->log.clear();
  GlyphInstance g;
  g.w = g.h = 4;
  const DrawBatch batch{0, 0, 1};
  const Status s = dev->draw({&g, 1}, {&batch, 1}, 8, 8);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("dual-source"), std::string::npos) << s.to_string();
  EXPECT_TRUE(backend->log.empty());
}

TEST(GpuDeviceDispatch, AFailedStepStillEndsThePass) {
  auto [backend, dev] = make_device(1);
  std::vector<CpuImage> images;
  images.emplace_back(0, PixelFormat::kCoverage8, 16, 16, 0, 9);
  images[0].dirty = {{0, 0, 4, 4}};
  backend->fail_map = true;
  EXPECT_EQ(upload(*dev, images, UploadMode::kAsync, nullptr).code(), ErrorCode::kGpuError);
  EXPECT_EQ(backend->log.back(), "end");
  EXPECT_EQ(dev->backend_name(), "recording");
}

}  // namespace
// What only one API has goes through the device, and a backend without it refuses: the
// pipeline never names a backend class.
TEST(GpuDeviceDispatch, ApiSpecificCallsReachTheBackendThroughTheDevice) {
  auto [backend, dev] = make_device(1);
  EXPECT_EQ(dev->api(), GpuApi::kGl);
  EXPECT_FALSE(dev->uses_transfer_queue());
  EXPECT_EQ(dev->set_vulkan_frame_target(VulkanFrameTarget{}).code(), ErrorCode::kUnsupported);
  EXPECT_EQ(dev->vulkan_frame_sync(false).status().code(), ErrorCode::kUnsupported);
  EXPECT_TRUE(backend->log.empty()) << "nothing else reached the backend";
}

}  // namespace glyphstream::gpu
