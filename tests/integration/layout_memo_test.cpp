// The layout memo (src/pipeline/layout_memo.h: a layout drawn again copies the instances it
// built before) on real OpenGL and real Vulkan, in every upload mode: a memoized frame equals the
// frame drawn glyph by glyph, and a glyph evicted (its atlas space reused by other glyphs) or on
// a page that grew is never drawn from stale coordinates. Pixels are read back and compared with
// the CPU reference and with the cold frame.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/text_system.h"
#include "gpu_pixel_test.h"
#include "headless_target.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 320;
constexpr int kHeight = 160;
const Color kBackground{1, 1, 1, 1};

using testing::cjk;
using testing::kAllUploadModes;
using testing::style_of;

using Call = testing::DrawCall;

class LayoutMemo : public testing::GpuPixelTest {
 protected:
  LayoutMemo() : GpuPixelTest(kWidth, kHeight) {}

  std::unique_ptr<TextSystem> make_system(TextSystemDesc desc) { return create_system(desc); }

  // One frame of `calls`; the pixels read back.
  std::vector<uint8_t> frame(TextSystem* ts, const std::vector<Call>& calls) {
    EXPECT_TRUE(target_->clear(kBackground).ok());
    EXPECT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    for (const Call& c : calls) {
      DrawParams params;
      params.clip = c.clip;
      const Status s = ts->draw_text(c.x, c.y, c.text, c.style, params);
      EXPECT_TRUE(s.ok()) << s.to_string();
    }
    EXPECT_TRUE(ts->commit().ok());
    EXPECT_TRUE(ts->flush().ok());
    std::vector<uint8_t> pixels;
    EXPECT_TRUE(target_->read_pixels(&pixels).ok());
    return pixels;
  }

  // The frame must match the CPU reference (unclipped calls only).
  void expect_reference(const std::vector<uint8_t>& gpu, const std::vector<Call>& calls,
                        const std::string& what) {
    ref_->clear(kWidth, kHeight, kBackground);
    for (const Call& c : calls) EXPECT_TRUE(ref_->draw_text(c.x, c.y, c.text, c.style).ok());
    const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << what << ": " << diff.report;
  }
};

// The cold frame is drawn glyph by glyph (every glyph is a miss); the same calls again come from
// the memo (a layout keeps one fractional position: each layout here is drawn at one), with clips
// that cut through glyphs, text at the viewport's edges and beyond, one layout in two colours and
// at two positions, markup colours, and text with emoji (a coverage and a colour page in one
// batch): byte for byte the cold frame, with the same counters.
TEST_P(LayoutMemo, MemoizedFramesEqualTheColdFrame) {
  const std::string line = "Memo test: Ça déjà 你好 😀🚀 end";
  const std::vector<Call> calls = {
      {4, 4, line, style_of("Sans 16"), std::nullopt},
      {-6, 30, line, style_of("Sans 16", 0xb03030ffu), std::nullopt},  // same layout, other colour
      {150.5f, 30, line, style_of("Sans 15"), std::nullopt},  // a fraction; past the right edge
      {4, 56, line, style_of("Sans 16"), RectF{20.5f, 60, 100, 9}},  // cuts glyphs in half
      {4, 80, "<span foreground='#2060c0'>blue</span> and <b>bold</b> 🚀",
       style_of("Sans 18", 0x202020ffu, true), RectF{0, 0, 200, 200}},
      {4, 150, line, style_of("Sans 16"), std::nullopt},       // below the bottom edge: part culled
      {4, 400, line, style_of("Sans 16"), std::nullopt},       // wholly culled
      {4, 110, line, style_of("Sans 16"), RectF{0, 0, 0, 0}},  // empty clip
  };
  for (UploadMode mode : kAllUploadModes) {
    const std::string what(upload_mode_name(mode));
    auto ts = make_system(desc_in(mode));
    ASSERT_NE(ts, nullptr);
    const std::vector<uint8_t> cold = frame(ts.get(), calls);
    const FrameStats cold_stats = ts->last_frame_stats();
    ASSERT_GT(cold_stats.glyphs_rasterized, 0u) << what;
    EXPECT_EQ(cold_stats.glyphs_memoized, 0u) << what;
    for (int again = 0; again < 2; ++again) {
      const std::vector<uint8_t> memo = frame(ts.get(), calls);
      const FrameStats& st = ts->last_frame_stats();
      EXPECT_EQ(memo, cold) << what << " frame " << again + 1;
      EXPECT_EQ(st.glyphs_rasterized, 0u) << what;
      EXPECT_EQ(st.glyphs_culled, cold_stats.glyphs_culled) << what;
      EXPECT_EQ(st.glyphs_drawn, cold_stats.glyphs_drawn) << what;
      EXPECT_EQ(st.glyph_hits, st.glyphs_requested - st.glyphs_culled) << what;
      // The second frame builds each memo at a layout's first draw (the cold frame had misses)
      // and copies it at the next; the third copies every layout.
      if (again == 0) {
        EXPECT_GT(st.glyphs_memoized, 0u) << what;
      } else {
        EXPECT_EQ(st.glyphs_memoized, st.glyph_hits) << what << ": every layout from its memo";
      }
      EXPECT_EQ(st.draw_calls, cold_stats.draw_calls) << what;
    }
  }
}

// A static text is memoized, then left out while new glyphs evict its shelves and reuse their
// atlas space, then drawn again: the memo must not draw the old coordinates (they hold other
// glyphs now). Pages start small and grow on the way in the second run (`grow`), so that the
// memo is drawn across page growth too. Every frame is compared with the CPU reference.
TEST_P(LayoutMemo, EvictedOrGrownGlyphsAreNeverDrawnFromAStaleMemo) {
  for (UploadMode mode : kAllUploadModes) {
    for (const bool grow : {false, true}) {
      const std::string what = std::string(upload_mode_name(mode)) + (grow ? " growing" : "");
      TextSystemDesc desc = desc_in(mode);
      desc.page_width = 128;
      desc.page_initial_height = grow ? 32 : 128;
      desc.page_max_height = 128;
      desc.atlas_budget_bytes = 2 * 128 * 128;
      desc.frames_in_flight = 2;
      auto ts = make_system(desc);
      ASSERT_NE(ts, nullptr);
      const Call steady{6, 8, "Steady text 123", style_of("Sans 20"), std::nullopt};
      uint64_t memoized = 0, growths = 0, evictions = 0, rasterized_again = 0;
      char32_t next = 0x4e00;
      for (int f = 0; f < 24; ++f) {
        std::vector<Call> calls;
        // Drawn in frames 0-3 (memoized from frame 1), left out in 4-15 while the churn evicts
        // it, then drawn again (its glyphs rasterized again, a fresh memo).
        if (f < 4 || f >= 16) calls.push_back(steady);
        if (f >= 2) {
          calls.push_back({6, 60, cjk(next, 12), style_of("Sans 20"), std::nullopt});
          next += 12;
        }
        const std::vector<uint8_t> gpu = frame(ts.get(), calls);
        expect_reference(gpu, calls, what + " frame " + std::to_string(f));
        const FrameStats& st = ts->last_frame_stats();
        memoized += st.glyphs_memoized;
        growths += st.growths;
        evictions += st.evictions;
        if (f == 16) rasterized_again = st.glyphs_rasterized;
      }
      EXPECT_GT(memoized, 0u) << what << ": the memo must be in use before the eviction";
      EXPECT_EQ(growths > 0, grow) << what;
      EXPECT_GT(evictions, 0u) << what << ": the test must evict";
      // Frame 16 brings 12 new ideographs; more than that were rasterized, so the steady text's
      // glyphs were evicted (a memo ignoring that would have drawn other glyphs' texels).
      EXPECT_GT(rasterized_again, 12u) << what;
    }
  }
}

// Frames that repeat the previous one and frames that change one thing in it (a layout's
// colour, clip or position, the order of the layouts, a frame of emoji alone, whose quads the
// batcher unflags) equal a cold text system's frame of the same calls, byte for byte.
TEST_P(LayoutMemo, ChangedFramesEqualColdFrames) {
  const TextStyle text = style_of("Sans 16");
  const Call a{4, 4, "Static line one 你好", text, std::nullopt};
  const Call b{4, 30, "Static line two 😀", text, std::nullopt};
  const Call emoji{4, 60, "😀🚀", text, std::nullopt};
  Call recoloured = b;
  recoloured.style.color = Color::from_rgba8(0xb03030ffu);
  Call clipped = b;
  clipped.clip = RectF{0, 30, 60, 40};
  Call moved = b;
  moved.y = 34;
  const std::vector<std::vector<Call>> frames = {
      {a, b},     {a, b},     {a, b},     {a, recoloured}, {a, b},  {a, clipped},
      {a, b},     {a, moved}, {moved, a}, {a, b},          {emoji}, {emoji},
      {emoji, a}, {emoji, a}, {b, a},     {a, b},          {a, b},
  };
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync}) {
    const std::string what(upload_mode_name(mode));
    auto ts = make_system(desc_in(mode));
    ASSERT_NE(ts, nullptr);
    for (size_t f = 0; f < frames.size(); ++f) {
      const std::vector<uint8_t> warm = frame(ts.get(), frames[f]);
      auto cold_system = make_system(desc_in(mode));
      ASSERT_NE(cold_system, nullptr);
      const std::vector<uint8_t> cold = frame(cold_system.get(), frames[f]);
      EXPECT_EQ(warm, cold) << what << " frame " << f;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LayoutMemo, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });

}  // namespace
}  // namespace glyphstream
