// The draw batcher on a real atlas, glyph cache, stager and GL device (HeadlessGl): one draw
// call per page however many clips, a coverage page and a colour page in one batch, a batch per
// coverage page, more only where pages overlap out of page order (and then the pixels keep draw
// order), unresolved glyphs kept for the next draw of a mid-frame flush, decorations alone on
// no page.
#include "pipeline/draw_batcher.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <vector>

#include "glyphstream/headless_gl.h"
#include "pipeline/stager.h"

namespace glyphstream::pipeline {
namespace {

constexpr int kWidth = 160, kHeight = 80;
constexpr uint32_t kRed = 0xff0000ff, kGreen = 0x00ff00ff, kBlue = 0x0000ffff;

class DrawBatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({kWidth, kHeight});
    if (!gl.ok()) GTEST_SKIP() << "no GL: " << gl.status().to_string();
    gl_ = std::move(gl).value();
    ASSERT_TRUE(gl_->make_current().ok());
    auto dev = gpu::create_gl_device();
    ASSERT_TRUE(dev.ok()) << dev.status().to_string();
    device_ = std::move(dev).value();
    sink_ = std::make_unique<ImmediateSink>(device_.get());
    atlas::AtlasConfig config;  // 64 x 64 pages: a 62 x 62 glyph fills one
    config.page_width = 64;
    config.page_initial_height = 64;
    config.page_max_height = 64;
    atlas_ = std::make_unique<atlas::Atlas>(config);
    atlas_->begin_frame(1);
    stager_ = std::make_unique<Stager>(atlas_.get(), sink_.get(), &pool_, UploadMode::kSync);
    // Page 0: three small coverage glyphs; page 1: a big one; page 2: a colour glyph.
    for (uint32_t id = 1; id <= 3; ++id) add_glyph(id, PixelFormat::kCoverage8, 8, 8);
    add_glyph(4, PixelFormat::kCoverage8, 62, 62);
    add_glyph(5, PixelFormat::kColor32, 8, 8);
    ASSERT_EQ(glyph(1)->page, 0u);
    ASSERT_EQ(glyph(3)->page, 0u);
    ASSERT_EQ(glyph(4)->page, 1u);
    ASSERT_EQ(glyph(5)->page, 2u);
    upload();
  }

  static atlas::GlyphKey key(uint32_t id) { return {1, id, 16 * 64, 0, 0}; }
  const atlas::CachedGlyph* glyph(uint32_t id) const { return cache_.find(key(id)); }

  // A fully covered (or opaque white) w x h glyph in the cache under key(id), staged.
  void add_glyph(uint32_t id, PixelFormat format, int w, int h) {
    text::GlyphBitmap& b = bitmaps_.emplace_back();
    b.width = w, b.height = h, b.format = format;
    b.pixels.assign(size_t(w) * size_t(h) * size_t(bytes_per_pixel(format)), 255);
    const atlas::AllocResult r = atlas_->allocate(format, w, h);
    ASSERT_NE(r.status, atlas::AllocStatus::kFull);
    stager_->stage(r.alloc.handle, &b);
    atlas::CachedGlyph g;
    g.handle = r.alloc.handle;
    g.page = r.alloc.page;
    g.format = format;
    g.rect = r.alloc.rect;
    g.bearing_y = int16_t(h);  // the bitmap's top edge is h above the baseline
    cache_.insert(key(id), g);
  }
  void upload() {
    FrameStats stats;
    stager_->write_pending(stats);
    ASSERT_TRUE(stager_->upload(stats).ok());
  }

  // Queues glyph `id` with its top-left corner at (x, y); resolved now unless `later`.
  void queue(uint32_t id, int x, int y, uint32_t color, gpu::InstanceClip clip = {},
             bool later = false) {
    QueuedGlyph& q = batcher_.push();
    q.key = key(id);
    q.glyph = later ? nullptr : glyph(id);
    q.pen_x = x;
    q.pen_y = y + (later ? 8 : glyph(id)->rect.h);
    q.color = color;
    q.clip = clip;
  }
  FrameStats draw(bool keep_unresolved = false) {
    FrameStats stats;
    EXPECT_TRUE(batcher_.draw(cache_, keep_unresolved, *sink_, kWidth, kHeight, stats).ok());
    return stats;
  }
  // Premultiplied RGBA8 of the framebuffer at (x, y), y down.
  std::vector<uint8_t> pixel(int x, int y) {
    std::vector<uint8_t> rgba;
    EXPECT_TRUE(gl_->read_pixels(&rgba).ok());
    const size_t i = (size_t(y) * kWidth + size_t(x)) * 4;
    return {rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]};
  }

  ThreadPool pool_{1};
  std::unique_ptr<HeadlessGl> gl_;
  std::unique_ptr<gpu::GpuDevice> device_;
  std::unique_ptr<FrameSink> sink_;
  std::unique_ptr<atlas::Atlas> atlas_;
  std::unique_ptr<Stager> stager_;
  atlas::GlyphCache cache_;
  std::deque<text::GlyphBitmap> bitmaps_;
  DrawBatcher batcher_;
};

TEST_F(DrawBatcherTest, AnyNumberOfClipsShareOneDrawCallPerPage) {
  queue(1, 0, 0, kRed, gpu::InstanceClip{0, 0, 4, 80});
  queue(2, 20, 0, kRed, gpu::InstanceClip{20, 0, 160, 3});
  queue(3, 40, 0, kRed);
  const FrameStats stats = draw();
  EXPECT_EQ(stats.draw_calls, 1u);
  EXPECT_EQ(stats.glyphs_drawn, 3u);
  EXPECT_EQ(pixel(2, 2)[3], 255u);
  EXPECT_EQ(pixel(6, 2)[3], 0u) << "outside its clip";
  EXPECT_EQ(pixel(22, 2)[3], 255u);
  EXPECT_EQ(pixel(22, 5)[3], 0u) << "outside its clip";
}

TEST_F(DrawBatcherTest, TextAndColourGlyphsOverlappingShareOneBatch) {
  queue(1, 0, 0, kRed);
  queue(5, 4, 4, 0xffffffff);  // the colour glyph over the text
  const FrameStats stats = draw();
  EXPECT_EQ(stats.draw_calls, 1u);
  EXPECT_EQ(pixel(6, 6), (std::vector<uint8_t>{255, 255, 255, 255})) << "the emoji is on top";
  EXPECT_EQ(pixel(2, 2), (std::vector<uint8_t>{255, 0, 0, 255}));
}

TEST_F(DrawBatcherTest, EachCoveragePageIsABatchWhereTheyDoNotOverlap) {
  queue(1, 0, 0, kRed);
  queue(4, 70, 0, kGreen);  // page 1, beside
  queue(2, 0, 40, kRed);    // page 0 again: joins the first batch
  const FrameStats stats = draw();
  EXPECT_EQ(stats.draw_calls, 2u);
  EXPECT_EQ(stats.glyphs_drawn, 3u);
}

// Page 0, page 1 over it, page 0 over that: three batches, and the pixels keep draw order.
TEST_F(DrawBatcherTest, PagesOverlappingOutOfPageOrderSplitBatchesAndKeepDrawOrder) {
  queue(1, 0, 0, kRed);
  queue(4, 2, 2, kGreen);
  queue(2, 10, 10, kBlue);
  const FrameStats stats = draw();
  EXPECT_EQ(stats.draw_calls, 3u);
  EXPECT_EQ(pixel(1, 1), (std::vector<uint8_t>{255, 0, 0, 255}));
  EXPECT_EQ(pixel(5, 5), (std::vector<uint8_t>{0, 255, 0, 255})) << "green over red";
  EXPECT_EQ(pixel(12, 12), (std::vector<uint8_t>{0, 0, 255, 255})) << "blue over green";
  EXPECT_EQ(pixel(40, 40), (std::vector<uint8_t>{0, 255, 0, 255}));
}

// A mid-frame flush draws what is resident and keeps the rest queued for the next draw.
TEST_F(DrawBatcherTest, UnresolvedGlyphsWaitForTheNextDrawOfAMidFrameFlush) {
  queue(1, 0, 0, kRed);
  queue(6, 20, 0, kBlue, {}, /*later=*/true);  // not in the cache yet
  FrameStats first = draw(/*keep_unresolved=*/true);
  EXPECT_EQ(first.glyphs_drawn, 1u);
  add_glyph(6, PixelFormat::kCoverage8, 8, 8);
  upload();
  FrameStats second = draw();
  EXPECT_EQ(second.glyphs_drawn, 1u) << "the kept glyph, now resident";
  EXPECT_EQ(pixel(22, 2), (std::vector<uint8_t>{0, 0, 255, 255}));
  EXPECT_EQ(draw().draw_calls, 0u) << "the queue was emptied";
}

TEST_F(DrawBatcherTest, DecorationsAloneAreOneBatchOnNoPageAndThoseOutsideTheClipAreDropped) {
  text::Decoration underline;
  underline.kind = text::DecorationKind::kSolidLine;
  underline.x = 0, underline.y = 30, underline.w = 50, underline.h = 2;
  batcher_.push_decorations({&underline, 1}, 10, 0, kGreen, gpu::InstanceClip{});
  FrameStats stats = draw();
  EXPECT_EQ(stats.draw_calls, 1u);
  EXPECT_EQ(stats.glyphs_drawn, 0u);
  EXPECT_EQ(pixel(30, 30), (std::vector<uint8_t>{0, 255, 0, 255}));
  batcher_.push_decorations({&underline, 1}, 10, 0, kGreen, gpu::InstanceClip{0, 0, 160, 20});
  EXPECT_EQ(draw().draw_calls, 0u) << "wholly outside its clip";
}

}  // namespace
}  // namespace glyphstream::pipeline
