// Runs the main job's command (glyphstream-render with the built-in sample) and checks the PNG.
// Standard input is /dev/null where the sample is wanted: a pipe or a file is read as the text.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/types.h"
#include "image_diff.h"
#include "png_io.h"
#include "tool_command.h"

namespace glyphstream {
namespace {

// The command runner and the hostile cases (tool_command.h).
using namespace testing;  // NOLINT(google-build-using-namespace)

std::string tool() {
  return std::string(GLYPHSTREAM_BINARY_DIR) + "/tools/render/glyphstream-render";
}

// The tool on each backend; Vulkan under the validation layer (the tool fails on a message).
class RenderTool : public ::testing::TestWithParam<GpuApi> {
 protected:
  std::string backend() const { return std::string(gpu_api_name(GetParam())); }
  std::string backend_tool() const {
    return "GLYPHSTREAM_VK_VALIDATION=1 " + tool() + " --backend " + backend();
  }
  // Per backend: ctest may run both instances at once.
  std::string backend_path(const std::string& name) const {
    return temp_path(backend() + "-" + name);
  }
};

TEST_P(RenderTool, MainJobRendersTheSampleWithTextWhereExpected) {
  const std::string png = backend_path("sample.png");
  const std::string stats = backend_path("sample.jsonl");
  const std::string atlas_dir = backend_path("atlas");
  std::filesystem::remove_all(atlas_dir);
  // The same command scripts/run-sample.sh runs, plus an atlas dump.
  const CommandRun r = run(backend_tool() + " --out " + png + " --stats-json " + stats +
                           " --dump-atlas " + atlas_dir + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("glyphstream profile"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rasterized"), std::string::npos);

  auto image = tools::read_png(png);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  const auto& im = image.value();
  EXPECT_GE(im.width, 600);
  EXPECT_GE(im.height, 300);
  const Color white{1, 1, 1, 1};
  // Ink in every band of lines: the sample has 14 lines; check the image in 8 horizontal bands
  // (margins excluded) and require text in each.
  const int top = 16, bottom = im.height - 16;
  for (int band = 0; band < 8; ++band) {
    const int y0 = top + (bottom - top) * band / 8, y1 = top + (bottom - top) * (band + 1) / 8;
    EXPECT_GT(testing::count_ink(im.rgba, im.width, 0, y0, im.width, y1, white, 60), 50)
        << "no text in rows " << y0 << ".." << y1;
  }
  // Margins stay empty.
  EXPECT_EQ(testing::count_ink(im.rgba, im.width, 0, 0, im.width, 4, white, 60), 0);
  // Colour: emoji and coloured spans give saturated pixels.
  int saturated = 0;
  for (size_t i = 0; i < im.rgba.size(); i += 4) {
    const int mx = std::max({im.rgba[i], im.rgba[i + 1], im.rgba[i + 2]});
    const int mn = std::min({im.rgba[i], im.rgba[i + 1], im.rgba[i + 2]});
    if (mx - mn > 100) ++saturated;
  }
  EXPECT_GT(saturated, 1000);

  std::ifstream in(stats);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_NE(line.find("\"glyphs_drawn\""), std::string::npos);
  EXPECT_NE(line.find("\"upload_mode\":\"async\""), std::string::npos);
  EXPECT_NE(line.find("\"backend\":\"" + std::string(gpu_api_name(GetParam())) + "\""),
            std::string::npos)
      << line;
  EXPECT_TRUE(std::filesystem::exists(atlas_dir + "/page-0.png"));
}

// A bare fontconfig configuration (a font folder and nothing else, as in a minimal container)
// lacks the distribution rule that scales bitmap-only colour fonts: Noto Color Emoji would be
// laid out at its 109 ppem strike size. The text layer adds that rule when it is missing, so an
// emoji at 20 px stays about 20 px tall.
TEST_P(RenderTool, EmojiKeepTheirSizeWithABareFontconfigConfiguration) {
  // Two fonts, as in a minimal bundle: the emoji can only come from Noto Color Emoji.
  const std::filesystem::path dir = backend_path("bare-fonts");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::create_symlink("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  dir / "DejaVuSans.ttf");
  std::filesystem::create_symlink("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
                                  dir / "NotoColorEmoji.ttf");
  const std::string conf = (dir / "fonts.conf").string();
  {
    std::ofstream out(conf);
    out << "<?xml version=\"1.0\"?>\n<fontconfig><dir>" << dir.string() << "</dir><cachedir>"
        << (dir / "cache").string() << "</cachedir></fontconfig>\n";
  }
  const std::string png = backend_path("bare-emoji.png");
  const CommandRun r = run("FONTCONFIG_FILE=" + conf + " " + backend_tool() +
                           " --text 'a\xF0\x9F\x8E\xA8' --font 'Sans 20' --out " + png);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Noto Color Emoji"), std::string::npos) << r.output;
  auto image = tools::read_png(png);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  // At strike size the line alone would be over 100 px tall.
  EXPECT_LE(image.value().height, 60) << r.output;
}

TEST_P(RenderTool, FailsWithAClearMessage) {
  const std::string png = backend_path("bad.png");
  CommandRun r = run(backend_tool() + " --out " + png + " --text \"$(printf 'bad \\377 utf8')\"");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("invalid_utf8"), std::string::npos) << r.output;
  r = run(backend_tool() + " --out " + png + " --text hello --font 'Sans 0'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("invalid_argument"), std::string::npos) << r.output;
  r = run(backend_tool() + " --out /nonexistent-dir/x.png --text hello");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("io_error"), std::string::npos) << r.output;
  r = run(backend_tool() + " --file /nonexistent-file.txt");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  r = run(backend_tool() + " --upload-mode turbo --text x");
  EXPECT_NE(r.exit_code, 0) << r.output;
}

TEST_P(RenderTool, SyncUploadsFlagIsPixelIdenticalToAsync) {
  const std::string a = backend_path("async.png"), s = backend_path("sync.png"),
                    w = backend_path("whole.png");
  ASSERT_EQ(run(backend_tool() + " --quiet --out " + a + " </dev/null").exit_code, 0);
  ASSERT_EQ(run(backend_tool() + " --quiet --sync-uploads --out " + s + " </dev/null").exit_code,
            0);
  ASSERT_EQ(
      run("GLYPHSTREAM_SYNC_UPLOADS=1 " + backend_tool() + " --quiet --out " + w + " </dev/null")
          .exit_code,
      0);
  auto ia = tools::read_png(a), is = tools::read_png(s), iw = tools::read_png(w);
  ASSERT_TRUE(ia.ok() && is.ok() && iw.ok());
  EXPECT_EQ(ia.value().rgba, is.value().rgba);
  EXPECT_EQ(ia.value().rgba, iw.value().rgba);
}

INSTANTIATE_TEST_SUITE_P(Backends, RenderTool, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });

// The sample drawn by both backends gives the same PNG, byte for byte.
TEST(RenderToolBackends, VulkanPngEqualsGlPng) {
  const std::string gl = temp_path("backends-gl.png"), vk = temp_path("backends-vk.png");
  CommandRun r = run(tool() + " --quiet --backend gl --out " + gl + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run("GLYPHSTREAM_VK_VALIDATION=1 " + tool() + " --quiet --backend vulkan --out " + vk +
          " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto igl = tools::read_png(gl), ivk = tools::read_png(vk);
  ASSERT_TRUE(igl.ok() && ivk.ok());
  ASSERT_EQ(igl.value().width, ivk.value().width);
  ASSERT_EQ(igl.value().height, ivk.value().height);
  // Glyphs and solid rectangles are exact on both; the error squiggle's coverage is evaluated in
  // float by each driver's shader compiler, so its edge pixels may round 1 level apart (2 of
  // the sample's 570,000 pixels on llvmpipe against lavapipe).
  const testing::ImageDiff diff = testing::diff_images(igl.value().rgba, ivk.value().rgba,
                                                       igl.value().width, igl.value().height, 1);
  EXPECT_TRUE(diff.match()) << diff.report;
}

TEST(RenderToolInput, HostileInputCasesGiveTheirDocumentedExitAndMessage) {
  const std::string tmp = temp_path("hostile");
  std::filesystem::create_directories(tmp);
  const auto files = case_files("render");
  ASSERT_GE(files.size(), 10u);
  for (const auto& file : files) {
    const HostileCase c = read_case(file, tmp);
    std::string command = (c.env.empty() ? "" : "env " + c.env + " ") + tool() + " " + c.args;
    // Standard output elsewhere, standard error still captured.
    if (!c.stdout_path.empty()) command = "(" + command + " 3>&1 1>" + c.stdout_path + " 2>&3)";
    command = (c.stdin_command.empty() ? "" : c.stdin_command + " | ") + command;
    if (c.stdin_command.empty()) command += " </dev/null";
    const CommandRun r = run(command);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.name << ": " << command << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos)
        << c.name << ": expected \"" << c.expect << "\" in:\n"
        << r.output;
  }
}

// Issue 23: "--text ''" and empty standard input rendered the built-in sample. Now an empty
// text is an image of the empty layout's size, all background; the sample only comes when no
// input is given at all (standard input a terminal or /dev/null).
TEST(RenderToolInput, EmptyTextIsAnEmptyImageAndOnlyNoInputGivesTheSample) {
  const std::string empty = temp_path("empty-text.png"), piped = temp_path("empty-stdin.png"),
                    sample = temp_path("no-input.png");
  CommandRun r = run(tool() + " --quiet --text '' --out " + empty + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run("printf '' | " + tool() + " --quiet --out " + piped);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run(tool() + " --quiet --out " + sample + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto e = tools::read_png(empty), p = tools::read_png(piped), s = tools::read_png(sample);
  ASSERT_TRUE(e.ok() && p.ok() && s.ok());
  const Color white{1, 1, 1, 1};
  const auto& im = e.value();
  EXPECT_EQ(im.width, 1100 + 2 * 16);
  EXPECT_LT(im.height, 100);  // margins and at most one empty line
  EXPECT_EQ(testing::count_ink(im.rgba, im.width, 0, 0, im.width, im.height, white, 1), 0);
  EXPECT_EQ(p.value().width, im.width);
  EXPECT_EQ(p.value().height, im.height);
  EXPECT_EQ(p.value().rgba, im.rgba);
  EXPECT_GE(s.value().height, 300);  // the sample's 14 lines
}

// Whitespace-only text failed: "none of the 1 glyphs could be drawn" (spaces were counted as
// glyphs to draw). Now it succeeds and draws what it has: here a span's background.
TEST(RenderToolInput, WhitespaceOnlyTextDrawsItsBackground) {
  const std::string png = temp_path("whitespace-background.png");
  const CommandRun r = run(tool() + " --quiet --markup --text '<span background=\"#ffd080\">   " +
                           "</span>' --out " + png + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto image = tools::read_png(png);
  ASSERT_TRUE(image.ok());
  const auto& im = image.value();
  int background = 0;
  for (size_t i = 0; i + 3 < im.rgba.size(); i += 4) {
    background += std::abs(im.rgba[i] - 0xff) <= 2 && std::abs(im.rgba[i + 1] - 0xd0) <= 2 &&
                  std::abs(im.rgba[i + 2] - 0x80) <= 2;
  }
  EXPECT_GT(background, 50) << r.output;
}

// --out equal to --file replaced the user's text, exit 0. Compared by filesystem identity
// (another spelling, a hard link, a symbolic link) and refused before anything is written.
TEST(RenderToolInput, OutputsNeverReplaceTheInput) {
  const std::filesystem::path dir = temp_path("same-file-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path text = dir / "in.txt";
  std::ofstream(text) << "precious";
  std::filesystem::create_hard_link(text, dir / "hard.txt");
  std::filesystem::create_symlink(text, dir / "soft.txt");
  for (const std::string& out : {text.string(), (dir / "." / "in.txt").string(),
                                 (dir / "hard.txt").string(), (dir / "soft.txt").string()}) {
    const CommandRun r = run(tool() + " --file " + text.string() + " --out " + out + " </dev/null");
    EXPECT_EQ(r.exit_code, 1) << out << ": " << r.output;
    EXPECT_NE(r.output.find("writing it would destroy the input"), std::string::npos) << r.output;
  }
  std::ifstream in(text);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "precious");
  // Nothing is written when two outputs collide either.
  const std::string png = (dir / "out.png").string();
  const CommandRun r = run(tool() + " --text Hi --out " + png + " --stats-json " + png);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_FALSE(std::filesystem::exists(png));
  std::filesystem::remove_all(dir);
}

// GLYPHSTREAM_BACKEND=metal was warned about twice (the tool, then the library).
TEST(RenderToolInput, EachEnvironmentWarningIsPrintedOnce) {
  const CommandRun r = run("GLYPHSTREAM_BACKEND=metal " + tool() + " --quiet --text Hi --out " +
                           temp_path("backend-once.png") + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string warning = "GLYPHSTREAM_BACKEND='metal' is not understood";
  const size_t first = r.output.find(warning);
  ASSERT_NE(first, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(warning, first + 1), std::string::npos) << r.output;
}

// The paragraph flags reach the layout: --align moves the ink within --width, --ellipsize
// keeps a long paragraph on one line, --single-par joins the lines.
TEST(RenderToolParagraph, FlagsChangeTheLayoutAsPangoViewsDo) {
  struct Ink {
    int width = 0, height = 0, left = -1, right = -1;
  };
  auto render = [](const std::string& flags) {
    const std::string png = temp_path("paragraph.png");
    const CommandRun r =
        run(tool() + " --quiet --out " + png + " --font 'DejaVu Sans 16' " + flags);
    EXPECT_EQ(r.exit_code, 0) << flags << "\n" << r.output;
    Ink ink;
    auto image = tools::read_png(png);
    if (!image.ok()) return ink;
    ink.width = image->width, ink.height = image->height;
    for (int y = 0; y < image->height; ++y) {
      for (int x = 0; x < image->width; ++x) {
        if (image->rgba[(size_t(y) * size_t(image->width) + size_t(x)) * 4 + 1] > 128) continue;
        if (ink.left < 0 || x < ink.left) ink.left = x;
        ink.right = std::max(ink.right, x);
      }
    }
    return ink;
  };
  const std::string short_text = " --width 400 --text 'Hi there'";
  const Ink left = render(short_text), right = render(short_text + " --align right"),
            centre = render(short_text + " --align center"),
            rtl_right = render(short_text + " --rtl --align right"),
            hebrew = render(" --width 400 --rtl --text 'שלום עולם'");
  EXPECT_LT(left.left, 20);
  EXPECT_GT(right.left, 300);
  EXPECT_NEAR(right.right, 16 + 400, 3);
  EXPECT_NEAR((centre.left + centre.right) / 2.0, 16 + 200, 3);
  // As pango-view draws them: Latin with --rtl --align right on the right; a right-to-left
  // paragraph under --rtl (align left, the default) starts at the right edge.
  EXPECT_NEAR(rtl_right.left, right.left, 1);
  EXPECT_NEAR(hebrew.right, 16 + 400, 3);
  const std::string long_text =
      " --width 200 --text 'A paragraph far too long for one line at this width of the image'";
  const Ink wrapped = render(long_text), ellipsized = render(long_text + " --ellipsize end");
  EXPECT_GT(wrapped.height, ellipsized.height + 30);
  const Ink joined = render(" --width 400 --text \"$(printf 'one\\ntwo')\" --single-par");
  const Ink split = render(" --width 400 --text \"$(printf 'one\\ntwo')\"");
  EXPECT_LT(joined.height, split.height);
  // --rotate: the image is the turned layout's box, as pango-view's (its size for these flags,
  // measured with pango-view 1.50 --pixels --margin 16: 562 x 349 and 71 x 332); a quarter turn
  // swaps the upright image's sides, and the ink stands upright.
  const std::string para =
      " --text 'A paragraph that wraps over several lines, centred, then "
      "turned. 縦書き'";
  const Ink turned = render(para + " --width 600 --rotate 30");
  EXPECT_EQ(turned.width, 562);
  EXPECT_EQ(turned.height, 349);
  const Ink quarter = render(para + " --width 300 --align center --rotate 90");
  EXPECT_EQ(quarter.width, 71);
  EXPECT_EQ(quarter.height, 332);
  const Ink upright = render(para + " --width 300 --align center");
  // (the upright image's height is the layout's, rounded up; pango-view's box rounds the
  // pixel extents: they may differ by 1)
  EXPECT_NEAR(quarter.width, upright.height, 1);
  EXPECT_EQ(quarter.height, upright.width);
  EXPECT_LT(quarter.right - quarter.left, 50);  // the lines run up the image
}

TEST(RenderToolRendering, PangoViewsQualityFlagsWithTheirSpellingsAndBounds) {
  const std::string base =
      tool() + " --quiet --font 'DejaVu Sans 14' --width 300 --text 'Hamburg 123'";
  auto render = [&](const std::string& name, const std::string& flags) {
    const std::string png = temp_path("quality-" + name + ".png");
    const CommandRun r = run(base + " --out " + png + " " + flags);
    EXPECT_EQ(r.exit_code, 0) << flags << "\n" << r.output;
    auto image = tools::read_png(png);
    return image.ok() ? image->rgba : std::vector<uint8_t>{};
  };
  // pango-view's command line for glyphstream's defaults draws what no flags draw.
  const std::vector<uint8_t> plain = render("plain", "");
  EXPECT_EQ(render("explicit",
                   "--pixels --margin 16 --hinting none --hint-metrics on --subpixel-positions "
                   "--antialias gray --subpixel-order rgb"),
            plain);
  EXPECT_NE(render("full", "--hinting full"), plain);
  EXPECT_NE(render("whole", "--no-subpixel-positions"), plain);
  const std::vector<uint8_t> mono = render("mono", "--antialias none --hinting auto");
  std::set<int> greens;
  for (size_t i = 1; i < mono.size(); i += 4) greens.insert(mono[i]);
  EXPECT_EQ(greens, (std::set<int>{0x20, 0xff})) << "monochrome: text colour or background";
  // LCD text: colour fringes (red and blue apart), and the order changes them.
  const std::vector<uint8_t> rgb = render("lcd-rgb", "--antialias subpixel");
  size_t fringes = 0;
  for (size_t i = 0; i + 2 < rgb.size(); i += 4) fringes += std::abs(rgb[i] - rgb[i + 2]) > 40;
  EXPECT_GT(fringes, 30u);
  EXPECT_NE(render("lcd-bgr", "--antialias subpixel --subpixel-order bgr"), rgb);
  // Unknown spellings: an argument error naming the flag.
  for (const char* flags :
       {"--antialias grey", "--hinting strong", "--hint-metrics yes", "--subpixel-order rbg"}) {
    const CommandRun r = run(base + " --out " + temp_path("quality-bad.png") + " " + flags);
    EXPECT_EQ(r.exit_code, 1) << flags << "\n" << r.output;
    const std::string flag = std::string(flags).substr(0, std::string(flags).find(' '));
    EXPECT_NE(r.output.find(flag), std::string::npos) << r.output;
  }
}

// --hint-metrics as pango-view 1.50 draws it (its flag reaches cairo inverted): three lines of
// DejaVu Sans 17 with --margin 16 are 92 px tall with `pango-view --hint-metrics on` (the
// default's unrounded line height, 20.26 px) and 95 px with `--hint-metrics off` or no flag
// (whole-pixel ascent 17 + descent 4 = 21 px a line), measured with pango-view 1.50.12; the
// oracle's hint_metrics_on_* cases hold every line to pango-cairo's.
TEST(RenderToolRendering, HintMetricsDrawWhatPangoViewDraws) {
  const std::string base =
      tool() +
      " --quiet --pixels --margin 16 --font 'DejaVu Sans 17' --hinting none "
      "--subpixel-positions --antialias gray --text $'Line one\\nLine two\\nLine "
      "three'";
  auto height = [&](const std::string& name, const std::string& flags) {
    const std::string png = temp_path("hint-metrics-" + name + ".png");
    const CommandRun r = run("bash -c \"" + base + " --out " + png + " " + flags + "\"");
    EXPECT_EQ(r.exit_code, 0) << flags << "\n" << r.output;
    auto image = tools::read_png(png);
    return image.ok() ? image->height : -1;
  };
  EXPECT_EQ(height("default", ""), 92);
  EXPECT_EQ(height("on", "--hint-metrics on"), 92);
  EXPECT_EQ(height("off", "--hint-metrics off"), 95);
}

}  // namespace
}  // namespace glyphstream
