// The pango-cairo oracle: every case in tests/oracle/cases is laid out and drawn by the whole
// GPU pipeline (HeadlessGl: Mesa llvmpipe here) and by Pango + cairo on the CPU, and the two
// images are compared per text line.
//
// Tolerances (why not pixel equality): glyphstream places glyphs at quarter pixels, cairo's
// image backend at whole pixels, so every glyph may sit up to 0.5 px apart and its edge pixels
// differ; the amount of ink, where it is and how far it reaches do not change with that:
// - the image size (from the layout height) is equal;
// - per line, the ink sum agrees within 3% (antialiased coverage is conserved under a shift;
//   what differs is rounding of edge pixels and the few overlapping glyph pairs);
// - per line, the ink-weighted centre agrees within 0.3 px in x and y (an ink centre moves
//   with the average placement error: uniform over -0.5..0.5 px per glyph it averages out;
//   a dropped colour-glyph fraction or a 1 px offset exceeds it);
// - per line, the bounding box of pixels with at least half ink agrees within 1 px per edge (a
//   half-pixel shift can move a half-covered pixel over the threshold, never two);
//   a missing hyphen or a different break moves the line's right edge by several pixels.
// Decorations (backgrounds, lines, error squiggles) take the same tolerances: both sides place
// them at the same unrounded positions and cover edge pixels by their fractional overlap (the
// squiggle: see Squiggle.ShaderMathMatchesTheErrorUnderlinePath), so they move the ink sum,
// centre and box less than the glyphs' quarter-pixel placement does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>

#include "cairo_oracle.h"
#include "decoration_painter.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "ink.h"
#include "oracle_case.h"
#include "oracle_style.h"
#include "png_io.h"
#include "reference_compositor.h"

namespace glyphstream::oracle {
namespace {

constexpr double kInkSumTolerance = 0.03;
constexpr double kCentreTolerancePx = 0.3;
constexpr int kBoxTolerancePx = 1;

const std::string kCaseDir = std::string(GLYPHSTREAM_SOURCE_DIR) + "/tests/oracle/cases";

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

void premultiplied(uint32_t rgba, uint8_t out[4]) {
  const unsigned a = rgba & 0xff;
  for (int c = 0; c < 3; ++c) out[c] = uint8_t(((rgba >> (24 - 8 * c)) & 0xff) * a / 255);
  out[3] = uint8_t(a);
}

// A GL context and a text system, made before the oracle's font map: the text system makes
// sure colour bitmap fonts scale in the process's fontconfig configuration, which the oracle's
// font map shares (pango-view finds Debian's own rule for that).
struct Gpu {
  std::unique_ptr<HeadlessGl> gl;
  std::unique_ptr<TextSystem> ts;
};

Result<Gpu> make_gpu() {
  Gpu gpu;
  GS_ASSIGN_OR_RETURN(gpu.gl, HeadlessGl::create({64, 64}));
  GS_ASSIGN_OR_RETURN(gpu.ts, TextSystem::create({}));
  return gpu;
}

// Draws the case through TextSystem's public API into a framebuffer of the oracle's size.
std::vector<uint8_t> render_on_gpu(Gpu& gpu, const OracleCase& c, int width, int height) {
  const TextStyle style = text_style(c);
  auto metrics = gpu.ts->measure(c.text, style);
  EXPECT_TRUE(metrics.ok()) << metrics.status().to_string();
  if (!metrics.ok()) return {};
  const int size_tolerance = int(std::floor(c.tolerance_px));
  EXPECT_NEAR(int(std::ceil(metrics->height)) + 2 * c.margin, height, size_tolerance)
      << "layout height differs";
  if (c.width <= 0 || c.paragraph.rotate != 0) {  // rotated: pango-view's box, both ways
    EXPECT_NEAR(int(std::ceil(metrics->width)) + 2 * c.margin, width, size_tolerance)
        << "layout width differs";
  }
  EXPECT_TRUE(gpu.gl->resize(width, height).ok());
  EXPECT_TRUE(gpu.gl->make_current().ok());
  const Color bg = Color::from_rgba8(c.bg);
  gpu.gl->clear(bg.r, bg.g, bg.b, bg.a);
  EXPECT_TRUE(gpu.ts->begin_frame(width, height).ok());
  const Status drawn = gpu.ts->draw_text(float(c.margin), float(c.margin), c.text, style);
  EXPECT_TRUE(drawn.ok()) << drawn.to_string();
  EXPECT_TRUE(gpu.ts->commit().ok());
  EXPECT_TRUE(gpu.ts->flush().ok());
  EXPECT_EQ(gpu.ts->last_frame_stats().raster_errors, 0u);
  std::vector<uint8_t> rgba;
  EXPECT_TRUE(gpu.gl->read_pixels(&rgba).ok());
  return rgba;
}

void compare_lines(const OracleImage& oracle, const std::vector<uint8_t>& gpu, uint32_t bg,
                   float tolerance_px) {
  const double centre_tolerance = std::max<double>(kCentreTolerancePx, tolerance_px);
  const double box_tolerance = std::max<double>(kBoxTolerancePx, tolerance_px);
  uint8_t background[4];
  premultiplied(bg, background);
  double worst_ink = 0, worst_centre = 0;  // printed: how close each case runs to its bounds
  for (size_t i = 0; i < oracle.lines.size(); ++i) {
    const LineBand& band = oracle.lines[i];
    const Ink want = measure_ink(oracle.rgba, oracle.width, band.y0, band.y1, background);
    const Ink got = measure_ink(gpu, oracle.width, band.y0, band.y1, background);
    SCOPED_TRACE("line " + std::to_string(i) + " (rows " + std::to_string(band.y0) + ".." +
                 std::to_string(band.y1) + ")");
    EXPECT_NEAR(got.sum, want.sum, kInkSumTolerance * want.sum + 1.0) << "ink";
    if (want.sum == 0) continue;
    worst_ink = std::max(worst_ink, std::fabs(got.sum - want.sum) / want.sum);
    worst_centre =
        std::max({worst_centre, std::fabs(got.cx - want.cx), std::fabs(got.cy - want.cy)});
    EXPECT_NEAR(got.cx, want.cx, centre_tolerance) << "ink centre x";
    EXPECT_NEAR(got.cy, want.cy, centre_tolerance) << "ink centre y";
    ASSERT_EQ(got.empty(), want.empty());
    EXPECT_NEAR(got.x0, want.x0, box_tolerance) << "ink box left";
    EXPECT_NEAR(got.x1, want.x1, box_tolerance) << "ink box right";
    EXPECT_NEAR(got.y0, want.y0, box_tolerance) << "ink box top";
    EXPECT_NEAR(got.y1, want.y1, box_tolerance) << "ink box bottom";
  }
  std::printf("worst line: ink %.2f%%, centre %.3f px\n", 100 * worst_ink, worst_centre);
}

// LCD text (antialias subpixel): each colour channel carries its own coverage, so the lines are
// compared per channel with the same bounds (instead of by the largest channel difference, whose
// centre follows the stripe a pixel's edge lands on: at 9 px it moved 0.36 px between whole- and
// quarter-pixel placement while every channel's centre agreed within 0.02 px), and the colour
// fringe must be on the oracle's side.
// The fringe of a line is how far its red ink's centre lies from its blue ink's, along the
// stripes (x for rgb / bgr, y for vrgb / vbgr): a channel samples its own stripe of each pixel,
// so for rgb a stem's red ink sits right of its blue (dark text on white: the left edge shows
// red, "red leads"), for bgr left of it. Both renderers sample the same stripes, so the offset
// agrees within kFringeTolerancePx whatever each glyph's placement (0.05 px at most over the LCD
// cases; the 0.13-0.16 px once seen on joined Arabic was cairo's clip of the run cutting the
// filter's spill on one side); the oracle's must exceed kMinFringePx (cairo did draw subpixel
// text) and ours must have its sign.
// The LCD oracle is pango-view's drawing without that clip (RunClip::kNone, run_clip.h): cairo
// bounds each run's cairo_show_glyphs call by its glyphs' ink boxes at whole pixels, which cuts
// the LCD filter's spill at the run's outer edge; glyphstream keeps it. run_clip_test.cpp shows
// that the variant differs from pango-view's image only outside those boxes.
constexpr double kFringeTolerancePx = 0.15;
constexpr double kMinFringePx = 0.05;

void compare_channels(const OracleImage& oracle, const std::vector<uint8_t>& gpu,
                      const OracleCase& c, float tolerance_px) {
  const double centre_tolerance = std::max<double>(kCentreTolerancePx, tolerance_px);
  const double box_tolerance = std::max<double>(kBoxTolerancePx, tolerance_px);
  const SubpixelOrder order = c.rendering.subpixel_order;
  const bool vertical = order == SubpixelOrder::kVrgb || order == SubpixelOrder::kVbgr;
  uint8_t background[4];
  premultiplied(c.bg, background);
  double worst_fringe = 0, worst_ink = 0, worst_centre = 0;
  for (size_t i = 0; i < oracle.lines.size(); ++i) {
    const LineBand& band = oracle.lines[i];
    SCOPED_TRACE("line " + std::to_string(i));
    Ink want[3], got[3];
    for (int ch = 0; ch < 3; ++ch) {
      SCOPED_TRACE("channel " + std::to_string(ch));
      want[ch] = measure_channel_ink(oracle.rgba, oracle.width, band.y0, band.y1, background, ch);
      got[ch] = measure_channel_ink(gpu, oracle.width, band.y0, band.y1, background, ch);
      EXPECT_NEAR(got[ch].sum, want[ch].sum, kInkSumTolerance * want[ch].sum + 1.0) << "ink";
      if (want[ch].sum == 0) continue;
      worst_ink = std::max(worst_ink, std::fabs(got[ch].sum - want[ch].sum) / want[ch].sum);
      worst_centre = std::max(
          {worst_centre, std::fabs(got[ch].cx - want[ch].cx), std::fabs(got[ch].cy - want[ch].cy)});
      EXPECT_NEAR(got[ch].cx, want[ch].cx, centre_tolerance) << "ink centre x";
      EXPECT_NEAR(got[ch].cy, want[ch].cy, centre_tolerance) << "ink centre y";
      ASSERT_EQ(got[ch].empty(), want[ch].empty());
      EXPECT_NEAR(got[ch].x0, want[ch].x0, box_tolerance) << "ink box left";
      EXPECT_NEAR(got[ch].x1, want[ch].x1, box_tolerance) << "ink box right";
    }
    if (want[0].sum == 0 || want[2].sum == 0) continue;
    const double want_fringe = vertical ? want[0].cy - want[2].cy : want[0].cx - want[2].cx;
    const double got_fringe = vertical ? got[0].cy - got[2].cy : got[0].cx - got[2].cx;
    EXPECT_GT(std::fabs(want_fringe), kMinFringePx) << "the oracle drew no colour fringe";
    EXPECT_GT(got_fringe * want_fringe, 0) << "fringe on the other side: " << got_fringe
                                           << " px, the oracle's " << want_fringe << " px";
    EXPECT_NEAR(got_fringe, want_fringe, kFringeTolerancePx) << "fringe";
    worst_fringe = std::max(worst_fringe, std::fabs(got_fringe - want_fringe));
  }
  std::printf("per channel: worst ink %.2f%%, centre %.3f px, fringe difference %.3f px\n",
              100 * worst_ink, worst_centre, worst_fringe);
}

// The PNGs both write: cairo's writer un-premultiplies, and so must ours. Where both pixels
// are at least a quarter opaque, the straight colour is the text colour whatever the coverage,
// so it agrees within the rounding that un-premultiplying at alpha >= 64 amplifies (<= 4x).
void compare_straight_pngs(const OracleCase& c, const std::vector<uint8_t>& gpu,
                           const OracleImage& oracle, RunClip run_clip) {
  const std::string dir = ::testing::TempDir();
  const std::string ours = dir + "/oracle_" + c.name + "_gpu.png";
  const std::string theirs = dir + "/oracle_" + c.name + "_cairo.png";
  ASSERT_TRUE(tools::write_premultiplied_png(ours, gpu.data(), oracle.width, oracle.height).ok());
  ASSERT_TRUE(render_with_pango_cairo(c, theirs, run_clip).ok());
  auto a = tools::read_png(ours);
  auto b = tools::read_png(theirs);
  ASSERT_TRUE(a.ok() && b.ok());
  int compared = 0, worst = 0;
  for (size_t i = 0; i + 3 < a->rgba.size(); i += 4) {
    if (a->rgba[i + 3] < 64 || b->rgba[i + 3] < 64) continue;
    ++compared;
    for (int ch = 0; ch < 3; ++ch)
      worst = std::max(worst, std::abs(a->rgba[i + ch] - b->rgba[i + ch]));
  }
  EXPECT_GT(compared, 0) << "no translucent ink to compare";
  EXPECT_LE(worst, 8) << "straight colours differ";
}

class Oracle : public ::testing::TestWithParam<std::string> {};

TEST_P(Oracle, MatchesPangoCairo) {
  auto loaded = load_case(GetParam());
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  const OracleCase& c = *loaded;
  if (c.expect != "pass") GTEST_SKIP() << c.name << ": " << c.expect << " (" << c.about << ")";
  auto gpu_system = make_gpu();
  ASSERT_TRUE(gpu_system.ok()) << gpu_system.status().to_string();
  // LCD: pango-view's drawing without cairo's clip of each run, which cuts the LCD filter's spill
  // at a run's outer edge (run_clip.h; run_clip_test holds it to pango-view's image).
  const RunClip run_clip =
      c.rendering.antialias == Antialias::kSubpixel ? RunClip::kNone : RunClip::kPangoView;
  auto oracle = render_with_pango_cairo(c, "", run_clip);
  ASSERT_TRUE(oracle.ok()) << oracle.status().to_string();
  const std::vector<uint8_t> gpu = render_on_gpu(*gpu_system, c, oracle->width, oracle->height);
  ASSERT_EQ(gpu.size(), oracle->rgba.size());
  if (c.rendering.antialias == Antialias::kSubpixel) {
    EXPECT_TRUE(gpu_system->ts->last_frame_stats().lcd_text);
    compare_channels(*oracle, gpu, c, c.tolerance_px);
  } else {
    compare_lines(*oracle, gpu, c.bg, c.tolerance_px);
  }
  if (c.has_check("straight-alpha-png")) compare_straight_pngs(c, gpu, *oracle, run_clip);
}

INSTANTIATE_TEST_SUITE_P(Cases, Oracle, ::testing::ValuesIn(case_files(kCaseDir)), case_name);

// The squiggle's shader math (the reference compositor's kErrorSquiggle, which the GPU tests
// hold the GL and Vulkan shaders to) against an independent fill of pango-cairo's error
// underline path (decoration_painter.cpp: the polygon, non-zero winding, 8 x 8 samples per
// pixel), over many sizes and sub-pixel positions. Per pixel they may differ by what 64
// samples cannot resolve of an edge crossing a pixel diagonally (the shader is exact in y and
// samples 8 columns): at most 1/8 of coverage, 32/255; the ink of a squiggle agrees within 2%.
TEST(Squiggle, ShaderMathMatchesTheErrorUnderlinePath) {
  constexpr int kW = 96, kH = 24;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> frac(0.f, 1.f);
  int worst = 0;
  for (int i = 0; i < 60; ++i) {
    text::Decoration d;
    d.kind = text::DecorationKind::kErrorSquiggle;
    d.x = 4.f + frac(rng), d.y = 4.f + frac(rng);
    d.w = 2.f + frac(rng) * 80.f, d.h = 1.f + frac(rng) * 6.f;
    const std::vector<uint8_t> none(size_t(kW) * kH * 4, 0);
    const std::vector<uint8_t> path =
        paint_with_decorations(none, kW, kH, 0x00000000u, 0x000000ffu, {d}, 0.f, 0.f);
    gpu::GlyphInstance q;
    q.x = d.x, q.y = d.y, q.w = d.w, q.h = d.h, q.color = 0x000000ffu;
    q.kind = uint32_t(gpu::InstanceKind::kErrorSquiggle);
    const gpu::DrawBatch batch{gpu::kNoPage, 0, 1};
    std::vector<uint8_t> shader;
    gpu::composite({&q, 1}, {&batch, 1}, {}, kW, kH, &shader);
    double ink_path = 0, ink_shader = 0;
    for (size_t p = 3; p < path.size(); p += 4) {
      ink_path += path[p], ink_shader += shader[p];
      worst = std::max(worst, std::abs(int(path[p]) - int(shader[p])));
    }
    EXPECT_NEAR(ink_shader, ink_path, 0.02 * ink_path + 255.0)
        << "squiggle " << d.x << "," << d.y << " " << d.w << "x" << d.h;
  }
  EXPECT_LE(worst, 32);
  std::printf("squiggle: largest per-pixel alpha difference to the path fill: %d\n", worst);
}

// Every case file parses, so that a broken header fails instead of skipping silently.
TEST(OracleCases, AllParse) {
  const auto files = case_files(kCaseDir);
  EXPECT_GE(files.size(), 8u);
  for (const std::string& f : files) {
    auto c = load_case(f);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    if (c.ok()) {
      EXPECT_FALSE(c->expect.empty()) << f;
      EXPECT_FALSE(c->text.empty()) << f;
    }
  }
}

// Hint metrics: a case that does not name them runs with glyphstream's default (cairo's off, as
// `pango-view --hint-metrics on` draws: oracle_case.h), and every hint_metrics_on_<case> is
// <case> with hint metrics on and nothing else changed, so that the two settings are held to
// pango-cairo over the same texts and options.
TEST(OracleCases, HintMetricsOnCasesAreCopiesOfTheirCase) {
  auto plain = load_case(kCaseDir + "/plain_latin.txt");
  ASSERT_TRUE(plain.ok()) << plain.status().to_string();
  EXPECT_EQ(plain->rendering.hint_metrics, HintMetrics::kOff);
  EXPECT_EQ(plain->rendering.hint_metrics, RenderingStyle{}.hint_metrics);
  const std::string prefix = "hint_metrics_on_";
  int copies = 0;
  for (const std::string& f : case_files(kCaseDir)) {
    const std::string stem = std::filesystem::path(f).stem().string();
    if (stem.rfind(prefix, 0) != 0) continue;
    ++copies;
    auto on = load_case(f);
    auto off = load_case(kCaseDir + "/" + stem.substr(prefix.size()) + ".txt");
    ASSERT_TRUE(on.ok() && off.ok()) << f;
    EXPECT_EQ(on->rendering.hint_metrics, HintMetrics::kOn) << f;
    EXPECT_EQ(off->rendering.hint_metrics, HintMetrics::kOff) << f;
    RenderingStyle r = on->rendering;
    r.hint_metrics = HintMetrics::kOff;
    EXPECT_EQ(r, off->rendering) << f;
    EXPECT_EQ(on->paragraph, off->paragraph) << f;
    EXPECT_EQ(on->text, off->text) << f;
    EXPECT_EQ(on->font, off->font) << f;
    EXPECT_EQ(on->width, off->width) << f;
    EXPECT_EQ(on->markup, off->markup) << f;
    EXPECT_EQ(on->fg, off->fg) << f;
    EXPECT_EQ(on->bg, off->bg) << f;
    EXPECT_EQ(on->tolerance_px, off->tolerance_px) << f;
    EXPECT_NE(on->about.find(off->about), std::string::npos) << f;
  }
  EXPECT_GE(copies, 12);
}

}  // namespace
}  // namespace glyphstream::oracle
