// The whole pipeline on real OpenGL and real Vulkan (Mesa llvmpipe and lavapipe in CI, the
// NVIDIA driver on the GPU machine): render, read the framebuffer back, compare with the CPU
// reference. Every test runs on both backends; Vulkan with the validation layer and
// synchronization validation, failing on any message.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/text_system.h"
#include "headless_target.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 200;
const Color kBackground{1, 1, 1, 1};

struct DrawCall {
  float x, y;
  std::string text;
  TextStyle style;
};

TextStyle style_of(const std::string& font, uint32_t rgba = 0x202020ffu) {
  TextStyle s;
  s.font = font;
  s.color = Color::from_rgba8(rgba);
  return s;
}

class Pipeline : public ::testing::TestWithParam<GpuApi> {
 protected:
  void SetUp() override {
    auto target = tools::HeadlessTarget::create({GetParam(), kWidth, kHeight, /*validation=*/true});
    ASSERT_TRUE(target.ok()) << target.status().to_string();
    target_ = std::move(target).value();
    auto ref = testing::CpuReference::create();
    ASSERT_TRUE(ref.ok()) << ref.status().to_string();
    ref_ = std::move(ref).value();
  }

  // The text systems of a test are gone by now: their teardown is validated too.
  void TearDown() override {
    if (!target_) return;
    for (const std::string& m : target_->take_validation_messages()) ADD_FAILURE() << m;
  }

  std::unique_ptr<TextSystem> make_system(TextSystemDesc desc) {
    target_->configure(&desc);
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    return ts.ok() ? std::move(ts).value() : nullptr;
  }

  // Renders one frame on the GPU and on the CPU; returns the number of differing pixels.
  int render_and_compare(TextSystem* ts, const std::vector<DrawCall>& calls,
                         const std::string& what) {
    EXPECT_TRUE(target_->clear(kBackground).ok());
    EXPECT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    ref_->clear(kWidth, kHeight, kBackground);
    for (const DrawCall& c : calls) {
      const Status s = ts->draw_text(c.x, c.y, c.text, c.style);
      EXPECT_TRUE(s.ok()) << s.to_string();
      EXPECT_TRUE(ref_->draw_text(c.x, c.y, c.text, c.style).ok());
    }
    EXPECT_TRUE(ts->commit().ok());
    EXPECT_TRUE(ts->flush().ok());
    std::vector<uint8_t> gpu;
    EXPECT_TRUE(target_->read_pixels(&gpu).ok());
    const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << what << ": " << diff.report;
    // A blank frame would also "match" a blank reference: make sure text was drawn.
    EXPECT_GT(testing::count_ink(gpu, kWidth, 0, 0, kWidth, kHeight, kBackground, 40), 0) << what;
    last_image_ = gpu;
    return int(diff.differing_pixels);
  }

  std::unique_ptr<tools::HeadlessTarget> target_;
  std::unique_ptr<testing::CpuReference> ref_;
  std::vector<uint8_t> last_image_;
};

const UploadMode kModes[] = {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage};

TEST_P(Pipeline, KnownStringsMatchTheCpuReferenceInEveryMode) {
  for (UploadMode mode : kModes) {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = mode;
    auto ts = make_system(desc);
    ASSERT_NE(ts, nullptr);
    const std::vector<DrawCall> calls = {
        {10, 8, "Hello, glyphstream! Ça déjà vu?", style_of("Sans 20")},
        {10.25f, 40, "Съешь ещё Ξεσκεπάζω 你好世界", style_of("Sans 18", 0xb03030ffu)},
        {10.5f, 72, "नमस्ते दुनिया مرحبا שלום", style_of("Sans 18", 0x2060c0ffu)},
        {10.75f, 110, "Emoji 😀🚀 ok", style_of("Sans 24")},
        {300.4f, 150, "tiny 9px text", style_of("Sans 9", 0x000000ffu)},
    };
    render_and_compare(ts.get(), calls, std::string(upload_mode_name(mode)));
    // The same frame again comes from the cache and still matches.
    render_and_compare(ts.get(), calls, std::string(upload_mode_name(mode)) + " (cached)");
    EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, 0u);
    EXPECT_EQ(ts->last_frame_stats().bytes_uploaded, 0u);
  }
}

TEST_P(Pipeline, AsyncAndSyncArePixelIdentical) {
  std::vector<std::vector<uint8_t>> images;
  for (UploadMode mode : kModes) {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = mode;
    auto ts = make_system(desc);
    ASSERT_NE(ts, nullptr);
    render_and_compare(ts.get(), {{4, 4, "The quick brown fox 流式字形 😀", style_of("Sans 28")}},
                       "identity");
    images.push_back(last_image_);
  }
  EXPECT_EQ(images[0], images[1]);
  EXPECT_EQ(images[0], images[2]);
}

// The reference design lost glyphs written one frame earlier after a staging swap: a glyph
// written in frame N must still be right in frames N+1, N+2, ...
TEST_P(Pipeline, GlyphsWrittenEarlierStayCorrectInLaterFrames) {
  for (int ring : {1, 2, 3}) {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = UploadMode::kAsync;
    desc.staging_ring_depth = ring;
    auto ts = make_system(desc);
    ASSERT_NE(ts, nullptr);
    const std::string words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
    std::vector<DrawCall> calls;
    for (int frame = 0; frame < 6; ++frame) {
      // Every earlier word stays on screen; one new word (with new glyphs) per frame.
      calls.push_back({8, 8 + 30.f * float(frame), words[frame], style_of("Sans 22")});
      render_and_compare(ts.get(), calls,
                         "ring " + std::to_string(ring) + " frame " + std::to_string(frame));
    }
  }
}

// A small atlas forces eviction and reuse of atlas space: every frame must still match, so a
// stale glyph (old pixels under a new glyph's coordinates) fails.
TEST_P(Pipeline, EvictionNeverShowsStaleGlyphs) {
  for (UploadMode mode : kModes) {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = mode;
    desc.page_width = 128;
    desc.page_max_height = 128;
    desc.atlas_budget_bytes = 2 * 128 * 128;
    desc.frames_in_flight = 2;
    auto ts = make_system(desc);
    ASSERT_NE(ts, nullptr);
    uint64_t evictions = 0;
    const char32_t base = 0x4e00;  // CJK: every frame brings new glyphs
    for (int frame = 0; frame < 24; ++frame) {
      std::u32string chars;
      for (int i = 0; i < 12; ++i) chars += char32_t(base + frame * 12 + i);
      std::string utf8;
      for (char32_t c : chars) {
        utf8 += char(0xe0 | (c >> 12));
        utf8 += char(0x80 | ((c >> 6) & 0x3f));
        utf8 += char(0x80 | (c & 0x3f));
      }
      render_and_compare(ts.get(), {{6, 10, utf8, style_of("Sans 20")}},
                         std::string(upload_mode_name(mode)) + " frame " + std::to_string(frame));
      evictions += ts->last_frame_stats().evictions;
    }
    EXPECT_GT(evictions, 0u) << "the test must exercise eviction";
  }
}

TEST_P(Pipeline, FullAtlasWithEverythingPinnedDrawsEarlyAndLosesNothing) {
  TextSystemDesc desc;
  desc.page_width = 128;
  desc.page_max_height = 128;
  desc.atlas_budget_bytes = 128 * 128;  // one R8 page: far too small for this frame
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  std::vector<DrawCall> calls;
  const std::string lines[] = {"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz",
                               "0123456789 !?@#$%&*()[]{}", "ÀÉÎÕÜàéîõü ÇçÑñ ßŁł"};
  for (int i = 0; i < 4; ++i)
    calls.push_back({6, 6 + 44.f * float(i), lines[i], style_of("Sans 34")});
  render_and_compare(ts.get(), calls, "pinned-full");
  const FrameStats& st = ts->last_frame_stats();
  EXPECT_GT(st.mid_frame_flushes, 0u);
  EXPECT_EQ(st.raster_errors, 0u) << frame_stats_to_json(st);
}

// The same with decorations: a mid-frame flush draws the backgrounds with the glyphs that are
// resident and keeps the lines until the last glyphs are drawn, so lines stay over every glyph.
TEST_P(Pipeline, FullAtlasKeepsDecorationsInPangosOrder) {
  TextSystemDesc desc;
  desc.page_width = 128;
  desc.page_max_height = 128;
  desc.atlas_budget_bytes = 128 * 128;
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  TextStyle style = style_of("Sans 30");
  style.markup = true;
  std::vector<DrawCall> calls;
  // Every line struck through in red: whichever glyphs a mid-frame flush leaves for later, a
  // strike drawn before them would end up under them.
  const std::string lines[] = {
      "<span background='#ffe680'>ABCDEFGHIJKLMNOPQRSTUVWXYZ</span>",
      "<u>abcdefghijklmnopqrstuvwxyz</u>",
      "<span underline='error' background='#c0e0ff'>0123456789 !?@#$%&amp;*</span>",
      "<span overline='single' underline='double'>ÀÉÎÕÜàéîõü ÇçÑñ ßŁł</span>"};
  // 48 px apart: no line's background reaches another line's glyphs.
  for (int i = 0; i < 4; ++i) {
    calls.push_back(
        {6.5f, 6 + 48.f * float(i),
         "<span strikethrough='true' strikethrough_color='#ff0000'>" + lines[i] + "</span>",
         style});
  }
  render_and_compare(ts.get(), calls, "pinned-full with decorations");
  const FrameStats& st = ts->last_frame_stats();
  EXPECT_GT(st.mid_frame_flushes, 0u);
  EXPECT_EQ(st.raster_errors, 0u) << frame_stats_to_json(st);
}

TEST_P(Pipeline, RasterizerThreadCountDoesNotChangePixels) {
  std::vector<std::vector<uint8_t>> images;
  std::vector<std::vector<std::vector<uint8_t>>> atlases;
  // {threads, workers render into the pages (GLYPHSTREAM_RENDER_INTO_PAGES=1, issue 26)}
  for (auto [threads, into_pages] :
       {std::pair{1, false}, {2, false}, {8, false}, {2, true}, {8, true}}) {
    if (into_pages) ::setenv("GLYPHSTREAM_RENDER_INTO_PAGES", "1", 1);
    TextSystemDesc desc;
    desc.threads = threads;
    auto ts = make_system(desc);
    ::unsetenv("GLYPHSTREAM_RENDER_INTO_PAGES");
    ASSERT_NE(ts, nullptr);
    EXPECT_EQ(ts->threads(), threads);
    const std::string what =
        "threads " + std::to_string(threads) + (into_pages ? ", into pages" : "");
    render_and_compare(
        ts.get(),
        {{4, 4, "Determinism: 一二三四五六七八九十 αβγδε абвгд", style_of("Sans 20")},
         {4, 60, "The quick brown fox jumps over the lazy dog \xF0\x9F\x98\x80",
          style_of("Sans 16")}},
        what);
    images.push_back(last_image_);
    // The atlas too: same pages, same places, same pixels (its debug picture shows all three).
    // One thread renders every outline straight into its page (FramePipeline::pack_direct), and
    // the emoji through a bitmap; 2 and 8 threads copy the workers' bitmaps, or with
    // into_pages the workers render the outlines the caller placed (issue 26).
    std::vector<std::pair<int, int>> sizes;
    atlases.push_back(ts->debug_atlas_images(&sizes));
    EXPECT_FALSE(atlases.back().empty());
    EXPECT_EQ(images.back(), images[0]) << what;
    EXPECT_EQ(atlases.back(), atlases[0]) << what;
  }
}

TEST_P(Pipeline, BadTextIsRefusedAndLosesNothingQueuedBefore) {
  auto ts = make_system({});
  ASSERT_NE(ts, nullptr);
  ASSERT_TRUE(target_->clear(kBackground).ok());
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  ASSERT_TRUE(ts->draw_text(10, 10, "kept", style_of("Sans 24")).ok());
  const Status bad = ts->draw_text(10, 60, "bad \xc0\xaf utf8", style_of("Sans 24"));
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidUtf8);
  const Status zero = ts->draw_text(10, 60, "zero", style_of("Sans 0"));
  EXPECT_EQ(zero.code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(ts->flush().ok());
  std::vector<uint8_t> gpu;
  ASSERT_TRUE(target_->read_pixels(&gpu).ok());
  ref_->clear(kWidth, kHeight, kBackground);
  ASSERT_TRUE(ref_->draw_text(10, 10, "kept", style_of("Sans 24")).ok());
  const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
}

TEST_P(Pipeline, CountersAddUpOnKnownWorkloads) {
  TextSystemDesc desc;
  desc.upload_mode_set = true;
  desc.upload_mode = UploadMode::kSync;
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  // "abcabc": 3 letters; sub-pixel advances may put a repeated letter in another bin, so
  // 3 to 6 distinct glyph keys, each rasterized exactly once.
  render_and_compare(ts.get(), {{0, 0, "abcabc", style_of("Monospace 20")}}, "first");
  const FrameStats first = ts->last_frame_stats();
  EXPECT_EQ(first.glyphs_requested, 6u);
  EXPECT_EQ(first.glyph_hits, 0u);
  EXPECT_GE(first.glyphs_rasterized, 3u);
  EXPECT_LE(first.glyphs_rasterized, 6u);
  EXPECT_GT(first.glyph_bytes, 0u);
  // The uploaded rects cover every new glyph rect.
  EXPECT_GE(first.bytes_uploaded, first.glyph_bytes);
  EXPECT_GE(first.copy_commands, 1u);
  render_and_compare(ts.get(), {{0, 0, "abcabc", style_of("Monospace 20")}}, "steady");
  const FrameStats steady = ts->last_frame_stats();
  EXPECT_EQ(steady.glyphs_rasterized, 0u);
  EXPECT_EQ(steady.glyph_hits, 6u);
  EXPECT_EQ(steady.bytes_uploaded, 0u);
  EXPECT_EQ(steady.copy_commands, 0u);
  EXPECT_EQ(steady.glyphs_drawn, 6u);
}

TextStyle markup_style(const std::string& font) {
  TextStyle s = style_of(font, 0x204060ffu);
  s.markup = true;
  return s;
}

// Decorations of every kind, at fractional positions, in Pango's order (backgrounds under the
// glyphs, lines over them), with no draw call more than the same glyphs without markup; a
// frame of only decorations is one draw call; cached layouts keep their decorations.
TEST_P(Pipeline, DecorationsAreDrawnInPangosOrderAtNoExtraDrawCall) {
  auto ts = make_system({});
  ASSERT_NE(ts, nullptr);
  const std::string plain = "under struck squiggle highlighted over 流式";
  const std::string marked =
      "<u>under</u> <s>struck</s> <span underline='error'>squiggle</span> "
      "<span background='#ffd040' underline='double' underline_color='#e02020'>highlighted"
      "</span> <span overline='single' strikethrough='true' strikethrough_color='#2080ff'>over"
      "</span> <span bgcolor='#204080' foreground='#ffffff'>流式</span>";
  render_and_compare(ts.get(), {{10.25f, 20.5f, plain, style_of("Sans 20", 0x204060ffu)}}, "plain");
  const FrameStats without = ts->last_frame_stats();
  for (const char* what : {"decorated", "decorated (cached)"}) {
    render_and_compare(ts.get(), {{10.25f, 20.5f, marked, markup_style("Sans 20")}}, what);
    EXPECT_EQ(ts->last_frame_stats().draw_calls, without.draw_calls) << what;
    EXPECT_EQ(ts->last_frame_stats().glyphs_drawn, without.glyphs_drawn) << what;
  }
  EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, 0u);
  // Spaces only: no glyph has ink, the background and the underline are the whole frame.
  render_and_compare(
      ts.get(),
      {{30, 60, "<span background='#3060c0'><u>      </u></span>", markup_style("Sans 30")}},
      "decorations only");
  EXPECT_EQ(ts->last_frame_stats().draw_calls, 1u);
  EXPECT_EQ(ts->last_frame_stats().glyphs_drawn, 0u);
}

// Overlapping glyphs blend in draw order whichever atlas page holds them: "B" is rasterized
// first (page 0), then "A" (page 1; each fills a 128 px page), and the frame draws A under B.
// Drawn a batch per page, B would go first and A over it. A second A that overlaps nothing
// joins the first A's draw call: two draw calls, not three.
TEST_P(Pipeline, OverlappingGlyphsOnTwoPagesBlendInDrawOrder) {
  TextSystemDesc desc;
  desc.page_width = 128;
  desc.page_max_height = 128;
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  const TextStyle red = style_of("Sans 120", 0xd02020c0u), blue = style_of("Sans 120", 0x2040e0c0u);
  render_and_compare(ts.get(), {{50, 10, "B", blue}}, "B alone");
  ASSERT_EQ(ts->atlas_page_count(), 1u);
  render_and_compare(ts.get(), {{10, 10, "A", red}, {50, 10, "B", blue}, {400, 10, "A", red}},
                     "A under B");
  ASSERT_EQ(ts->atlas_page_count(), 2u);
  EXPECT_EQ(ts->last_frame_stats().draw_calls, 2u);
}

// Text (a coverage page) and emoji (a colour page) overlapping in alternation, lines 3 px apart
// as in the bench's W4: one draw call (the emoji flagged to sample the batch's colour page),
// blended in draw order like the reference.
TEST_P(Pipeline, TextAndEmojiOverlappingInAlternationAreOneDrawCall) {
  auto ts = make_system({});
  ASSERT_NE(ts, nullptr);
  std::vector<DrawCall> calls;
  for (int i = 0; i < 10; ++i) {
    calls.push_back({4.0f + float(i % 3), 4.0f + 3.0f * float(i),
                     i % 2 ? "😀 over text 🚀 and" : "text 😀 over 🚀 emoji",
                     style_of("Sans 22", i % 2 ? 0x2040e0c0u : 0xd02020ffu)});
  }
  for (const char* what : {"cold", "cached"}) {
    render_and_compare(ts.get(), calls, what);
    EXPECT_EQ(ts->last_frame_stats().draw_calls, 1u) << what;
  }
  EXPECT_EQ(ts->atlas_page_count(), 2u);
}

}  // namespace
}  // namespace glyphstream

namespace glyphstream {
namespace {

// prefetch() rasterizes in the background; a later commit() makes the glyphs resident, so the
// frame that finally draws the text finds every glyph cached and still draws it exactly.
TEST_P(Pipeline, PrefetchedGlyphsAreResidentAfterTheNextCommit) {
  for (int threads : {1, 4}) {
    TextSystemDesc desc;
    desc.threads = threads;
    auto ts = make_system(desc);
    ASSERT_NE(ts, nullptr);
    const TextStyle style = style_of("Sans 20");
    const std::string next_page = "次のページ: prefetched ahead 流式字形图集";
    ASSERT_TRUE(ts->prefetch(next_page, style).ok());
    ASSERT_TRUE(ts->finish().ok());  // the background work is done: no timing in this test
    // A frame that draws something else: its commit() makes the prefetched glyphs resident.
    render_and_compare(ts.get(), {{4, 4, "current page", style}}, "prefetch frame");
    EXPECT_GT(ts->last_frame_stats().glyphs_rasterized, 12u) << "threads " << threads;
    // The next page now comes from the cache (the pen fraction is the one prefetch assumed).
    render_and_compare(ts.get(), {{4, 40, next_page, style}}, "prefetched page");
    const FrameStats& st = ts->last_frame_stats();
    EXPECT_EQ(st.glyphs_rasterized, 0u) << "threads " << threads;
    EXPECT_EQ(st.glyph_hits, st.glyphs_requested);
  }
}

// prefetch_layout() lays paragraphs out on the workers; the frame that draws them matches the
// CPU reference (its own layout on this thread), and a bad text's error comes from the draw.
TEST_P(Pipeline, PrefetchedLayoutsDrawExactlyAndTheDrawReportsTheirErrors) {
  for (int threads : {1, 4}) {
    TextSystemDesc desc;
    desc.threads = threads;
    auto ts = make_system(desc);
    ASSERT_NE(ts, nullptr);
    const std::vector<DrawCall> calls = {
        {4, 4, "Prefetched: 流式字形图集 and Привет, мир", style_of("Sans 20")},
        {4, 40, "A second paragraph, wrapped on the workers while this one waits",
         style_of("Serif 16")},
        {4, 80, "שלום עולם 123 مرحبا", style_of("Sans 24")}};
    for (const DrawCall& c : calls) ASSERT_TRUE(ts->prefetch_layout(c.text, c.style).ok());
    ASSERT_TRUE(ts->prefetch_layout("bad \xff", style_of("Sans 20")).ok());  // checked when drawn
    std::thread other([&] {
      EXPECT_EQ(ts->prefetch_layout("x", style_of("Sans 20")).code(), ErrorCode::kWrongThread);
    });
    other.join();
    // No finish(): the draws wait for (or take over) the jobs still queued or running.
    EXPECT_EQ(render_and_compare(ts.get(), calls, "prefetched layouts"), 0) << threads;
    ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    EXPECT_EQ(ts->draw_text(4, 4, "bad \xff", style_of("Sans 20")).code(), ErrorCode::kInvalidUtf8);
    ASSERT_TRUE(ts->flush().ok());
  }
}

// The rasterizer queue of a frame is closed by finish() in the middle of it (its workers leave),
// and later draw_text() calls of the same frame open another: commit() collects both, in miss
// order, and the frame matches the reference. Each call has enough new glyphs to be queued.
TEST_P(Pipeline, FinishInTheMiddleOfAFrameKeepsEveryQueuedGlyph) {
  TextSystemDesc desc;
  desc.threads = 4;
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  const TextStyle style = style_of("Sans 18");
  const std::string first = "Queued first: ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";
  const std::string second = "Then second: 一二三四五六七八九十百千万 абвгдежзийкл";
  ASSERT_TRUE(target_->clear(kBackground).ok());
  ref_->clear(kWidth, kHeight, kBackground);
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  ASSERT_TRUE(ts->draw_text(4, 4, first, style).ok());
  ASSERT_TRUE(ts->finish().ok());  // closes the open queue; must not wait for a commit
  ASSERT_TRUE(ts->draw_text(4, 40, second, style).ok());
  ASSERT_TRUE(ts->flush().ok());
  ASSERT_TRUE(ref_->draw_text(4, 4, first, style).ok());
  ASSERT_TRUE(ref_->draw_text(4, 40, second, style).ok());
  std::vector<uint8_t> gpu;
  ASSERT_TRUE(target_->read_pixels(&gpu).ok());
  const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
  const FrameStats& st = ts->last_frame_stats();
  EXPECT_EQ(st.raster_errors, 0u);
  EXPECT_GT(st.glyphs_rasterized, 60u);
}

// A text system destroyed with glyphs queued and no commit: its workers are told that nothing
// more comes, finish what they took, and the destructor returns.
TEST_P(Pipeline, DestroyingWithQueuedGlyphsAndNoCommitReturns) {
  for (int round = 0; round < 5; ++round) {
    TextSystemDesc desc;
    desc.threads = 4;
    auto ts = make_system(desc);
    ASSERT_NE(ts, nullptr);
    ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    ASSERT_TRUE(ts->draw_text(4, 4, "Never committed: 春夏秋冬東西南北 ABCDEFGHIJKLMNOP",
                              style_of("Sans 24"))
                    .ok());
    ts.reset();
  }
}

// Both backends draw the same quads from the same atlas with the same blending: their frames
// are equal byte for byte (not only within the CPU reference's tolerance), in every mode.
TEST(PipelineBackends, VulkanFramesEqualGlFramesPixelForPixel) {
  const std::vector<DrawCall> calls = {
      {4.25f, 4, "Same pixels: 流式字形 Ξεσκεπάζω 😀🚀", style_of("Sans 26", 0x2060c0ffu)},
      {10.5f, 60, "नमस्ते مرحبا tiny", style_of("Sans 11")},
  };
  for (UploadMode mode : kModes) {
    std::vector<std::vector<uint8_t>> frames;
    for (GpuApi api : {GpuApi::kGl, GpuApi::kVulkan}) {
      auto target = tools::HeadlessTarget::create({api, kWidth, kHeight, /*validation=*/true});
      ASSERT_TRUE(target.ok()) << target.status().to_string();
      TextSystemDesc desc;
      desc.upload_mode_set = true;
      desc.upload_mode = mode;
      (*target)->configure(&desc);
      auto ts = TextSystem::create(desc);
      ASSERT_TRUE(ts.ok()) << ts.status().to_string();
      ASSERT_TRUE((*target)->clear(kBackground).ok());
      ASSERT_TRUE((*ts)->begin_frame(kWidth, kHeight).ok());
      for (const DrawCall& c : calls) ASSERT_TRUE((*ts)->draw_text(c.x, c.y, c.text, c.style).ok());
      ASSERT_TRUE((*ts)->flush().ok());
      frames.emplace_back();
      ASSERT_TRUE((*target)->read_pixels(&frames.back()).ok());
      ts->reset();
      for (const std::string& m : (*target)->take_validation_messages()) ADD_FAILURE() << m;
    }
    const testing::ImageDiff diff = testing::diff_images(frames[0], frames[1], kWidth, kHeight, 0);
    EXPECT_TRUE(diff.match()) << upload_mode_name(mode) << ": " << diff.report;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Pipeline, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });

}  // namespace
}  // namespace glyphstream
