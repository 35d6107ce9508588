// Text quality options (TextStyle::rendering) through the whole pipeline, on GL and on Vulkan
// (validation on, any message fails): every antialias mode and hint style, whole-pixel and
// quarter-pixel positions, drawn in one frame, equal to the CPU reference (which lays out,
// rasterizes and composites on its own); monochrome glyphs hold only full or no coverage; the
// options are part of the layout and glyph cache keys; values outside their enums are refused
// by every entry point that takes a style. (pango-cairo
// agreement: tests/oracle/cases/quality_*.txt; LCD text: lcd_test.cpp.)
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/text_system.h"
#include "headless_target.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 260;
const Color kBackground{1, 1, 1, 1};
const char* const kText = "Hamburgefonstiv 0123 日本語 مرحبا";

TextStyle style_with(Antialias aa, HintStyle hint, bool whole_pixel, const char* font) {
  TextStyle s;
  s.font = font;
  s.color = Color::from_rgba8(0x202020ffu);
  s.rendering.antialias = aa;
  s.rendering.hinting = hint;
  s.rendering.whole_pixel_positions = whole_pixel;
  return s;
}

struct Call {
  float x, y;
  TextStyle style;
};

// Every mode x hint style, each on its own line, at a fractional origin.
std::vector<Call> every_mode() {
  std::vector<Call> calls;
  float y = 4;
  for (Antialias aa : {Antialias::kGray, Antialias::kNone}) {
    for (HintStyle hint : {HintStyle::kNone, HintStyle::kAuto, HintStyle::kSlight,
                           HintStyle::kMedium, HintStyle::kFull}) {
      calls.push_back({10.3f, y, style_with(aa, hint, false, "DejaVu Sans 12")});
      y += 17;
    }
  }
  calls.push_back({10.6f, y, style_with(Antialias::kGray, HintStyle::kNone, true, "Sans 14")});
  calls.push_back({330.6f, y, style_with(Antialias::kGray, HintStyle::kNone, false, "Sans 14")});
  return calls;
}

class Rendering : public ::testing::TestWithParam<GpuApi> {
 protected:
  void SetUp() override {
    auto target = tools::HeadlessTarget::create({GetParam(), kWidth, kHeight, /*validation=*/true});
    ASSERT_TRUE(target.ok()) << target.status().to_string();
    target_ = std::move(target).value();
    TextSystemDesc desc;
    target_->configure(&desc);
    auto ts = TextSystem::create(desc);
    ASSERT_TRUE(ts.ok()) << ts.status().to_string();
    ts_ = std::move(ts).value();
    auto ref = testing::CpuReference::create();
    ASSERT_TRUE(ref.ok()) << ref.status().to_string();
    ref_ = std::move(ref).value();
  }
  void TearDown() override {
    ts_.reset();
    if (!target_) return;
    for (const std::string& m : target_->take_validation_messages()) ADD_FAILURE() << m;
  }

  std::vector<uint8_t> draw(const std::vector<Call>& calls) {
    EXPECT_TRUE(target_->clear(kBackground).ok());
    EXPECT_TRUE(ts_->begin_frame(kWidth, kHeight).ok());
    for (const Call& c : calls) {
      const Status s = ts_->draw_text(c.x, c.y, kText, c.style);
      EXPECT_TRUE(s.ok()) << s.to_string();
    }
    EXPECT_TRUE(ts_->flush().ok());
    std::vector<uint8_t> rgba;
    EXPECT_TRUE(target_->read_pixels(&rgba).ok());
    return rgba;
  }

  std::unique_ptr<tools::HeadlessTarget> target_;
  std::unique_ptr<TextSystem> ts_;
  std::unique_ptr<testing::CpuReference> ref_;
};

TEST_P(Rendering, EveryModeInOneFrameMatchesTheCpuReferenceInEveryUploadMode) {
  const std::vector<Call> calls = every_mode();
  ref_->clear(kWidth, kHeight, kBackground);
  for (const Call& c : calls) ASSERT_TRUE(ref_->draw_text(c.x, c.y, kText, c.style).ok());
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    ASSERT_TRUE(ts_->set_upload_mode(mode).ok());
    const std::vector<uint8_t> gpu = draw(calls);
    const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << upload_mode_name(mode) << ": " << diff.report;
    EXPECT_GT(testing::count_ink(gpu, kWidth, 0, 0, kWidth, kHeight, kBackground, 40), 1000);
  }
  // The second and third frames came from the caches: nothing new to rasterize.
  EXPECT_EQ(ts_->last_frame_stats().glyphs_rasterized, 0u);
}

TEST_P(Rendering, MonochromeTextHasOnlyFullOrNoCoverageAndHintingChangesPixels) {
  const auto lines = [&](Antialias aa, HintStyle hint) {
    return draw({{10.3f, 10, style_with(aa, hint, false, "DejaVu Sans 13")}});
  };
  const std::vector<uint8_t> mono = lines(Antialias::kNone, HintStyle::kFull);
  std::set<int> greens;
  for (size_t i = 1; i < mono.size(); i += 4) greens.insert(mono[i]);
  // Text colour 0x20 over white, nothing in between (decorations aside, there are none).
  EXPECT_EQ(greens, (std::set<int>{0x20, 0xff}));
  const std::vector<uint8_t> gray_none = lines(Antialias::kGray, HintStyle::kNone);
  const std::vector<uint8_t> gray_full = lines(Antialias::kGray, HintStyle::kFull);
  EXPECT_GT(testing::diff_images(gray_none, gray_full, kWidth, kHeight, 2).differing_pixels, 50u);
  std::set<int> gray_greens;
  for (size_t i = 1; i < gray_none.size(); i += 4) gray_greens.insert(gray_none[i]);
  EXPECT_GT(gray_greens.size(), 20u) << "grey antialiasing has intermediate coverage";
}

TEST_P(Rendering, WholePixelPositionsIgnoreTheFractionOfTheOrigin) {
  // Whole-pixel glyphs land on the pixel nearest their position: an origin 0.2 px to the right
  // draws the same pixels; quarter-pixel glyphs move.
  for (bool whole : {true, false}) {
    const TextStyle s = style_with(Antialias::kGray, HintStyle::kNone, whole, "DejaVu Sans 15");
    const std::vector<uint8_t> a = draw({{20.0f, 20, s}});
    const std::vector<uint8_t> b = draw({{20.2f, 20, s}});
    const size_t differing = testing::diff_images(a, b, kWidth, kHeight, 0).differing_pixels;
    if (whole) {
      EXPECT_EQ(differing, 0u);
    } else {
      EXPECT_GT(differing, 0u);
    }
  }
}

TEST_P(Rendering, ValuesOutsideTheirEnumsAreRefusedByEveryEntryPoint) {
  ASSERT_TRUE(ts_->begin_frame(kWidth, kHeight).ok());
  struct Bad {
    const char* field;
    TextStyle style;
  };
  std::vector<Bad> bad(6, {"", style_with(Antialias::kGray, HintStyle::kNone, false, "Sans 12")});
  bad[0].field = "antialias", bad[0].style.rendering.antialias = static_cast<Antialias>(3);
  bad[1].field = "subpixel_order";
  bad[1].style.rendering.subpixel_order = static_cast<SubpixelOrder>(4);
  bad[2].field = "hinting", bad[2].style.rendering.hinting = static_cast<HintStyle>(200);
  bad[3].field = "hint_metrics";
  bad[3].style.rendering.hint_metrics = static_cast<HintMetrics>(2);
  bad[4].field = "coverage_gamma", bad[4].style.rendering.coverage_gamma = std::nanf("");
  bad[5].field = "coverage_contrast", bad[5].style.rendering.coverage_contrast = -1;
  for (const Bad& b : bad) {
    const Status statuses[] = {ts_->draw_text(1, 1, "x", b.style),
                               ts_->draw_text_scaled(1, 1, 2, "x", b.style),
                               ts_->measure("x", b.style).status(),
                               ts_->layout("x", b.style).status(), ts_->prefetch("x", b.style)};
    for (const Status& s : statuses) {
      EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << b.field << ": " << s.to_string();
      EXPECT_NE(s.message().find(b.field), std::string::npos) << s.to_string();
    }
  }
  // Nothing was queued by the refusals; the frame still draws.
  EXPECT_TRUE(ts_->flush().ok());
  EXPECT_EQ(ts_->last_frame_stats().glyphs_drawn, 0u);
}

// HintMetrics::kOn: pango-cairo's line metrics with cairo's hint metrics on (the oracle's
// hint_metrics_on_* cases hold whole texts to pango-cairo): every line's ascent and descent
// rounded up to whole pixels, an empty line's too. DejaVu Sans 17 (HarfBuzz's hhea metrics):
// ascent 15.78 and descent 4.01 px, so 20.26 px a line off and 16 + 5 = 21 px on. Both in one
// frame, each equal to the CPU reference (which lays out on its own).
TEST_P(Rendering, HintMetricsOnRoundsEveryLineToWholePixels) {
  const TextStyle off = style_with(Antialias::kGray, HintStyle::kNone, false, "DejaVu Sans 17");
  TextStyle on = off;
  on.rendering.hint_metrics = HintMetrics::kOn;
  const char* const text = "Line one\n\nLine three";
  auto laid_off = ts_->layout(text, off);
  auto laid_on = ts_->layout(text, on);
  ASSERT_TRUE(laid_off.ok() && laid_on.ok());
  const std::vector<LayoutLine> a = laid_off->lines(), b = laid_on->lines();
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("line " + std::to_string(i));
    EXPECT_NEAR(a[i].logical.h, 20264 / 1024.f, 1e-3f);
    EXPECT_EQ(b[i].logical.h, 21.f);
    EXPECT_EQ(b[i].logical.y, 21.f * float(i));
    EXPECT_EQ(b[i].baseline, 21.f * float(i) + 16.f);
  }
  EXPECT_EQ(laid_on->metrics().height, 63.f);
  EXPECT_NEAR(laid_off->metrics().height, 3 * 20264 / 1024.f, 1e-3f);

  const std::vector<Call> calls = {{10.3f, 10, off}, {330.3f, 10, on}};
  ref_->clear(kWidth, kHeight, kBackground);
  for (const Call& c : calls) ASSERT_TRUE(ref_->draw_text(c.x, c.y, kText, c.style).ok());
  const std::vector<uint8_t> gpu = draw(calls);
  const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
}

// The coverage curve (RenderingStyle::coverage_gamma, coverage_contrast): applied when glyphs
// are rasterized, so styles with different curves are different glyph keys and one frame may
// mix them; each equal to the CPU reference, which computes the curve on its own per pixel from
// the style's numbers. Thicker with gamma > 1, thinner with < 1; mono glyphs keep 0/255.
TEST_P(Rendering, CoverageCurvesMixInOneFrameAndMatchTheCpuReference) {
  TextStyle plain = style_with(Antialias::kGray, HintStyle::kNone, false, "DejaVu Sans 14");
  TextStyle thick = plain, thin = plain, mono = plain;
  thick.rendering.coverage_gamma = 2.2f;
  thick.rendering.coverage_contrast = 0.4f;
  thin.rendering.coverage_gamma = 0.6f;
  mono = style_with(Antialias::kNone, HintStyle::kFull, false, "DejaVu Sans 14");
  mono.rendering.coverage_gamma = 2.2f;
  const std::vector<Call> calls = {
      {10.3f, 10, plain}, {10.3f, 50, thick}, {10.3f, 90, thin}, {10.3f, 130, mono}};
  ref_->clear(kWidth, kHeight, kBackground);
  for (const Call& c : calls) ASSERT_TRUE(ref_->draw_text(c.x, c.y, kText, c.style).ok());
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kWholePage}) {
    ASSERT_TRUE(ts_->set_upload_mode(mode).ok());
    const std::vector<uint8_t> gpu = draw(calls);
    const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << upload_mode_name(mode) << ": " << diff.report;
  }
  const auto ink = [&](const TextStyle& s) {
    const std::vector<uint8_t> img = draw({{10.3f, 10, s}});
    double sum = 0;
    for (size_t i = 1; i < img.size(); i += 4) sum += 255 - img[i];
    return sum;
  };
  const double base = ink(plain);
  EXPECT_GT(ink(thick), base * 1.1);
  EXPECT_LT(ink(thin), base * 0.95);
}

INSTANTIATE_TEST_SUITE_P(Backends, Rendering, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const auto& info) { return std::string(gpu_api_name(info.param)); });

}  // namespace
}  // namespace glyphstream
