// The stager keeps the upload contract (stager.h): on a real atlas and a real GL device
// (HeadlessGl, llvmpipe here), glyphs staged and uploaded are on the GPU exactly as the CPU page
// images hold them, in every mode; only dirty pixels move except in whole-page mode; a failed
// upload loses nothing (its pages go whole at the next one); the upload statistics are merged
// in one place; the kill switch picks the mode.
#include "pipeline/stager.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <memory>
#include <vector>

#include "glyphstream/headless_gl.h"
#include "text/layout.h"
#include "text/rasterizer.h"

namespace glyphstream::pipeline {
namespace {

constexpr int kPageWidth = 128;

class StagerTest : public ::testing::TestWithParam<UploadMode> {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({64, 64});
    if (!gl.ok()) GTEST_SKIP() << "no GL: " << gl.status().to_string();
    gl_ = std::move(gl).value();
    ASSERT_TRUE(gl_->make_current().ok());
    auto dev = gpu::create_gl_device();
    ASSERT_TRUE(dev.ok()) << dev.status().to_string();
    device_ = std::move(dev).value();
    sink_ = std::make_unique<ImmediateSink>(device_.get());
    atlas::AtlasConfig config;
    config.page_width = kPageWidth;
    config.page_initial_height = 64;
    config.page_max_height = 128;
    atlas_ = std::make_unique<atlas::Atlas>(config);
    atlas_->begin_frame(1);
    stager_ = std::make_unique<Stager>(atlas_.get(), sink_.get(), &pool_, GetParam());
  }

  // Allocates a w x h coverage glyph with a pattern of its own and stages it.
  atlas::Allocation place(int w, int h, uint8_t seed) {
    text::GlyphBitmap& b = bitmaps_.emplace_back();
    b.width = w, b.height = h;
    b.pixels.resize(size_t(w) * size_t(h));
    for (size_t i = 0; i < b.pixels.size(); ++i) b.pixels[i] = uint8_t(seed + i * 7);
    const atlas::AllocResult r = atlas_->allocate(PixelFormat::kCoverage8, w, h);
    EXPECT_NE(r.status, atlas::AllocStatus::kFull);
    stager_->stage(r.alloc.handle, &b);
    return r.alloc;
  }

  // The page's texture equals its CPU image, row by row.
  void expect_texture_equals_page(size_t page) {
    std::vector<uint8_t> tex;
    int w = 0, h = 0;
    ASSERT_TRUE(device_->read_texture(uint32_t(page), &tex, &w, &h).ok());
    const atlas::PageInfo info = atlas_->page_info(page);
    ASSERT_EQ(w, info.width);
    ASSERT_EQ(h, info.height);
    const uint8_t* cpu = atlas_->page_pixels(page);
    const size_t row = size_t(w) * size_t(bytes_per_pixel(info.format));
    size_t rows_differing = 0;
    for (int y = 0; y < h; ++y) {
      const uint8_t* a = tex.data() + size_t(y) * row;
      const uint8_t* b = cpu + size_t(y) * atlas_->page_stride(page);
      rows_differing += !std::equal(a, a + row, b);
    }
    EXPECT_EQ(rows_differing, 0u) << "page " << page << " on the GPU differs from its CPU image";
  }

  size_t page_bytes(size_t page) const {
    const atlas::PageInfo info = atlas_->page_info(page);
    return size_t(info.width) * size_t(info.height);
  }

  ThreadPool pool_{2};
  std::unique_ptr<HeadlessGl> gl_;
  std::unique_ptr<gpu::GpuDevice> device_;
  std::unique_ptr<FrameSink> sink_;
  std::unique_ptr<atlas::Atlas> atlas_;
  std::unique_ptr<Stager> stager_;
  std::deque<text::GlyphBitmap> bitmaps_;  // alive until written
};

// Clauses 1-3 and 6: pixels are copied into the page image before the dirty rects are taken,
// and after upload() the texture is the page image; only the dirty rects move (whole pages in
// kWholePage); a second commit adds to the page without losing the first.
TEST_P(StagerTest, UploadedPagesEqualTheirCpuImagesAndOnlyDirtyPixelsMove) {
  const atlas::Allocation a = place(10, 12, 3);
  place(7, 9, 40);
  place(20, 5, 90);
  EXPECT_TRUE(stager_->has_work());
  FrameStats stats;
  stager_->write_pending(stats);
  // Clause 2: the page image holds the glyph before anything is uploaded.
  const uint8_t* row = atlas_->page_pixels(a.page) + size_t(a.rect.y) * atlas_->page_stride(a.page);
  EXPECT_EQ(row[a.rect.x], bitmaps_[0].pixels[0]);
  EXPECT_EQ(row[a.rect.x + 9], bitmaps_[0].pixels[9]);

  ASSERT_TRUE(stager_->upload(stats).ok());
  EXPECT_FALSE(stager_->has_work()) << "the upload took every dirty rect";
  ASSERT_EQ(atlas_->page_count(), 1u);
  expect_texture_equals_page(0);
  if (GetParam() == UploadMode::kWholePage) {
    EXPECT_EQ(stats.bytes_uploaded, page_bytes(0));
  } else {
    EXPECT_GT(stats.bytes_uploaded, 0u);
    EXPECT_LT(stats.bytes_uploaded, page_bytes(0)) << "clause 3: only dirty pixels move";
  }
  EXPECT_GE(stats.copy_commands, 1u);

  // The next commit: one more glyph; everything uploaded before is still there.
  FrameStats second;
  place(6, 6, 200);
  stager_->write_pending(second);
  ASSERT_TRUE(stager_->upload(second).ok());
  expect_texture_equals_page(0);
  if (GetParam() != UploadMode::kWholePage) {
    EXPECT_LT(second.bytes_uploaded, stats.bytes_uploaded) << "the second commit moved more";
  }
}

// Clause 2: an upload that fails (another GL context is current) has taken its dirty rects
// already; the stager sends those pages whole at the next upload, and nothing is lost.
TEST_P(StagerTest, AFailedUploadResendsItsPagesWholeAndLosesNothing) {
  place(10, 10, 1);
  FrameStats stats;
  stager_->write_pending(stats);
  auto other = HeadlessGl::create({16, 16});
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  ASSERT_TRUE(other.value()->make_current().ok());
  EXPECT_FALSE(stager_->upload(stats).ok()) << "an upload in another GL context";
  EXPECT_TRUE(stager_->resend_pending());
  EXPECT_TRUE(stager_->has_work());

  ASSERT_TRUE(gl_->make_current().ok());
  place(5, 5, 77);
  FrameStats retry;
  stager_->write_pending(retry);
  ASSERT_TRUE(stager_->upload(retry).ok());
  EXPECT_FALSE(stager_->resend_pending());
  EXPECT_GE(retry.bytes_uploaded, page_bytes(0)) << "the page went whole";
  expect_texture_equals_page(0);
}

// An LCD glyph (issue 24), rasterized in FreeType's LCD mode and placed, staged and uploaded as
// the pipeline does: its page is an R8 texture three texels wide per pixel; the glyph's box is
// 3w x h texels, and texel 3x + c of a row is the rasterizer's channel c of pixel x.
TEST_P(StagerTest, AnLcdGlyphIsThreeR8TexelsAPixelHoldingTheRasterizersChannels) {
  text::FontRegistry registry;
  auto layouter = text::Layouter::create(&registry);
  ASSERT_TRUE(layouter.ok()) << layouter.status().to_string();
  text::LayoutParams params;
  params.font = "DejaVu Sans 16";
  params.rendering.antialias = Antialias::kSubpixel;
  auto laid = layouter.value()->layout("g", params);
  ASSERT_TRUE(laid.ok() && laid->glyphs.size() == 1u);
  const text::ShapedGlyph& g = laid->glyphs[0];
  text::Rasterizer rasterizer(&registry);
  auto raster = rasterizer.rasterize({g.face, g.glyph_id, g.size_26_6, 1, 0, g.render});
  ASSERT_TRUE(raster.ok()) << raster.status().to_string();
  const text::GlyphBitmap& b = bitmaps_.emplace_back(std::move(raster).value());
  ASSERT_EQ(b.format, PixelFormat::kLcd24);
  ASSERT_GT(b.width, 2);
  ASSERT_EQ(b.pixels.size(), size_t(b.width) * size_t(b.height) * 3u) << "3 bytes a pixel";
  const atlas::AllocResult r = atlas_->allocate(PixelFormat::kLcd24, b.width, b.height);
  ASSERT_EQ(r.status, atlas::AllocStatus::kOk);
  stager_->stage(r.alloc.handle, &b);
  FrameStats stats;
  stager_->write_pending(stats);
  ASSERT_TRUE(stager_->upload(stats).ok());

  // The texture's rows (GpuDevice::read_texture: tight, 3 * width R8 texels each).
  std::vector<uint8_t> texels;
  int pw = 0, th = 0;
  ASSERT_TRUE(device_->read_texture(r.alloc.page, &texels, &pw, &th).ok());
  EXPECT_EQ(pw, kPageWidth);
  const int tw = 3 * pw;
  ASSERT_EQ(texels.size(), size_t(tw) * size_t(th)) << "three R8 texels a pixel";
  const Rect box{3 * r.alloc.rect.x, r.alloc.rect.y, 3 * b.width, b.height};
  size_t wrong = 0, ink = 0;
  for (int y = box.y; y < box.bottom(); ++y) {
    for (int x = box.x; x < box.right(); ++x) {
      const int gx = (x - box.x) / 3, gy = y - box.y, c = (x - box.x) % 3;
      const uint8_t want = b.pixels[(size_t(gy) * size_t(b.width) + size_t(gx)) * 3 + size_t(c)];
      wrong += texels[size_t(y) * size_t(tw) + size_t(x)] != want;
      ink += want != 0;
    }
  }
  EXPECT_EQ(wrong, 0u) << "texels of the glyph's " << box.w << " x " << box.h << " box";
  EXPECT_GT(ink, size_t(b.width) * 3u) << "the glyph has ink";
  expect_texture_equals_page(r.alloc.page);
}

INSTANTIATE_TEST_SUITE_P(Modes, StagerTest,
                         ::testing::Values(UploadMode::kAsync, UploadMode::kSync,
                                           UploadMode::kWholePage),
                         [](const ::testing::TestParamInfo<UploadMode>& info) {
                           return info.param == UploadMode::kAsync  ? "Async"
                                  : info.param == UploadMode::kSync ? "Sync"
                                                                    : "WholePage";
                         });

// Clause 4's counters reach the frame through merge_upload_stats, the one merge of upload
// statistics (commits and mid-frame flushes alike): every counter adds up.
TEST(StagerStats, MergeUploadStatsAddsEveryCounter) {
  gpu::UploadStats upload;
  upload.bytes = 1000;
  upload.copy_commands = 3;
  upload.stall_ns = 250;
  upload.stalls = 1;
  FrameStats frame;
  frame.bytes_uploaded = 5;
  merge_upload_stats(frame, upload);
  merge_upload_stats(frame, upload);
  EXPECT_EQ(frame.bytes_uploaded, 2005u);
  EXPECT_EQ(frame.copy_commands, 6u);
  EXPECT_EQ(frame.stall_ns, 500u);
  EXPECT_EQ(frame.stalls, 2u);
}

// Clause 5: the description's mode when set, else GLYPHSTREAM_SYNC_UPLOADS=1 selects sync.
TEST(StagerMode, TheKillSwitchPicksTheInitialMode) {
  const char* saved = std::getenv("GLYPHSTREAM_SYNC_UPLOADS");
  const std::string old = saved ? saved : "";
  TextSystemDesc desc;
  unsetenv("GLYPHSTREAM_SYNC_UPLOADS");
  EXPECT_EQ(Stager::initial_mode(desc), UploadMode::kAsync);
  setenv("GLYPHSTREAM_SYNC_UPLOADS", "1", 1);
  EXPECT_EQ(Stager::initial_mode(desc), UploadMode::kSync);
  desc.upload_mode_set = true;
  desc.upload_mode = UploadMode::kWholePage;
  EXPECT_EQ(Stager::initial_mode(desc), UploadMode::kWholePage) << "the desc wins";
  desc.upload_mode = UploadMode::kAsync;
  EXPECT_EQ(Stager::initial_mode(desc), UploadMode::kAsync);
  if (saved) {
    setenv("GLYPHSTREAM_SYNC_UPLOADS", old.c_str(), 1);
  } else {
    unsetenv("GLYPHSTREAM_SYNC_UPLOADS");
  }
}

}  // namespace
}  // namespace glyphstream::pipeline
