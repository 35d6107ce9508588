// Linear-light blending (TextSystemDesc::linear_light, issue 24) through the whole pipeline on
// GL and on Vulkan (validation on, any message fails), sRGB targets, every upload mode: grey,
// LCD and colour (emoji) glyphs with decorations, dark on light and light on dark, equal to the
// CPU reference blending in linear light, and to each other; linear light heavier than plain
// blending where it should be; the option on a target that is not sRGB refused.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gpu/srgb.h"
#include "gpu_pixel_test.h"
#include "image_diff.h"
#include "png_io.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 480;
constexpr int kHeight = 150;
const char* const kText = "Hamburgefonstiv 0123 日本語";

using Call = testing::DrawCall;

// Grey, LCD and hinted lines, and markup with decorations, a colour span and an emoji.
std::vector<Call> lines(uint32_t rgba) {
  std::vector<Call> calls;
  calls.push_back({8.3f, 4, kText, testing::style_of("DejaVu Sans 13", rgba)});
  TextStyle lcd = testing::style_of("DejaVu Sans 13", rgba);
  lcd.rendering.antialias = Antialias::kSubpixel;
  calls.push_back({8.6f, 26, kText, lcd});
  TextStyle hinted = testing::style_of("Sans 12", (rgba & 0xffffff00u) | 0xa0u);
  hinted.rendering.hinting = HintStyle::kFull;
  calls.push_back({8.0f, 48, kText, hinted});
  TextStyle markup = testing::style_of("Sans 15", rgba, /*markup=*/true);
  calls.push_back({8.2f, 70,
                   "<u>Under</u> <span background='#c0e0ff'>back</span> "
                   "<span foreground='#c03020'>red</span> 😀 <s>struck</s> "
                   "<span underline='error'>squiggle</span>",
                   markup});
  TextStyle big = testing::style_of("Sans 24", rgba);
  calls.push_back({8.5f, 100, "Ink weight 😀", big});
  return calls;
}

struct Polarity {
  const char* name;
  Color background;
  uint32_t text;
};
const Polarity kPolarities[] = {{"dark on light", {0.96f, 0.95f, 0.92f, 1}, 0x202020ffu},
                                {"light on dark", {0.06f, 0.08f, 0.14f, 1}, 0xf0f0e0ffu}};

std::vector<uint8_t> frame(tools::HeadlessTarget& target, TextSystem& ts,
                           const std::vector<Call>& calls, Color bg) {
  EXPECT_TRUE(target.clear(bg).ok());
  EXPECT_TRUE(ts.begin_frame(kWidth, kHeight).ok());
  for (const Call& c : calls) {
    const Status s = ts.draw_text(c.x, c.y, c.text, c.style);
    EXPECT_TRUE(s.ok()) << s.to_string();
  }
  EXPECT_TRUE(ts.flush().ok());
  std::vector<uint8_t> rgba;
  EXPECT_TRUE(target.read_pixels(&rgba).ok());
  return rgba;
}

// Ink as light: the sum over pixels and colour channels of |decode(pixel) - decode(bg)| /
// |decode(text) - decode(bg)|, the coverage the pixels show in linear light (the light a
// surface of that coverage emits). Blended in linear light, it is the glyphs' coverage for
// either polarity; blended plainly, it is not.
double ink(const std::vector<uint8_t>& rgba, Color bg, uint32_t text) {
  const float b[3] = {bg.r, bg.g, bg.b};
  double sum = 0;
  for (int c = 0; c < 3; ++c) {
    const float bl = gpu::srgb_to_linear(float(int(b[c] * 255 + 0.5f)) / 255.f);
    const float tl = gpu::srgb_to_linear(float((text >> (24 - 8 * c)) & 255u) / 255.f);
    for (size_t i = size_t(c); i < rgba.size(); i += 4) {
      sum += std::abs(gpu::srgb_to_linear(float(rgba[i]) / 255.f) - bl) / std::abs(tl - bl);
    }
  }
  return sum;
}

class LinearLight : public testing::GpuPixelTest {
 protected:
  LinearLight() : GpuPixelTest(kWidth, kHeight, /*srgb=*/true) {}

  std::vector<uint8_t> reference(const std::vector<Call>& calls, Color bg, bool linear) {
    ref_->set_linear_light(linear);
    ref_->clear(kWidth, kHeight, bg);
    for (const Call& c : calls) EXPECT_TRUE(ref_->draw_text(c.x, c.y, c.text, c.style).ok());
    return ref_->image();
  }
};

TEST_P(LinearLight, MatchesTheCpuReferenceInEveryUploadModeDarkOnLightAndLightOnDark) {
  for (const Polarity& p : kPolarities) {
    const std::vector<Call> calls = lines(p.text);
    const std::vector<uint8_t> want = reference(calls, p.background, true);
    const std::vector<uint8_t> plain = reference(calls, p.background, false);
    for (UploadMode mode : testing::kAllUploadModes) {
      auto ts = create_system(desc_in(mode));
      ASSERT_NE(ts, nullptr);
      const std::vector<uint8_t> gpu = frame(*target_, *ts, calls, p.background);
      const testing::ImageDiff diff =
          testing::diff_images_linear_light(gpu, want, kWidth, kHeight, 2);
      EXPECT_TRUE(diff.match()) << p.name << ", " << upload_mode_name(mode) << ": " << diff.report;
      const FrameStats& st = ts->last_frame_stats();
      EXPECT_TRUE(st.lcd_text);
      EXPECT_EQ(st.raster_errors, 0u) << frame_stats_to_json(st);
      // Not plain blending: the edges are blended differently.
      EXPECT_GT(testing::diff_images(gpu, plain, kWidth, kHeight, 8).differing_pixels, 300u)
          << p.name;
      // A steady second frame (memoized layouts) draws the same.
      const std::vector<uint8_t> again = frame(*target_, *ts, calls, p.background);
      EXPECT_TRUE(testing::diff_images(again, gpu, kWidth, kHeight, 0).match());
    }
  }
}

// What linear light is for: the same text, dark on light and light on dark, shows the same
// ink as light (its coverage) in linear light; blended plainly, light text on dark shows less
// (it looks thinner). Plain text lines only (no colour spans, backgrounds or emoji).
TEST_P(LinearLight, GivesBothPolaritiesTheSameInkAsLight) {
  double ratio[2] = {0, 0};  // dark-on-light ink / light-on-dark ink: plain, linear
  for (bool linear : {false, true}) {
    double ink_of[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
      const Polarity& p = kPolarities[i];
      std::vector<Call> calls = lines(p.text);
      calls.erase(calls.begin() + 3, calls.end());
      std::vector<uint8_t> image;
      if (linear) {
        auto ts = create_system({});
        ASSERT_NE(ts, nullptr);
        image = frame(*target_, *ts, calls, p.background);  // the GPU's
      } else {
        image = reference(calls, p.background, false);  // plain blending, as on RGBA8
      }
      ink_of[i] = ink(image, p.background, p.text);
    }
    ratio[linear] = ink_of[0] / ink_of[1];
  }
  std::printf("dark-on-light / light-on-dark ink as light: plain %.3f, linear light %.3f\n",
              ratio[0], ratio[1]);
  EXPECT_NEAR(ratio[1], 1.0, 0.03);
  EXPECT_GT(std::abs(ratio[0] - 1.0), 0.2);
}

// The option needs an sRGB target: on a plain one, TextSystem::create refuses, naming it.
TEST_P(LinearLight, OnAPlainTargetIsRefused) {
  auto plain = tools::HeadlessTarget::create({GetParam(), 64, 64, /*validation=*/true});
  ASSERT_TRUE(plain.ok()) << plain.status().to_string();
  TextSystemDesc desc;
  (*plain)->configure(&desc);
  EXPECT_FALSE(desc.linear_light);
  desc.linear_light = true;
  auto ts = TextSystem::create(desc);
  ASSERT_FALSE(ts.ok());
  EXPECT_EQ(ts.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(ts.status().message().find("linear_light"), std::string::npos)
      << ts.status().to_string();
  for (const std::string& m : (*plain)->take_validation_messages()) ADD_FAILURE() << m;
}

INSTANTIATE_TEST_SUITE_P(Backends, LinearLight, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const auto& info) { return std::string(gpu_api_name(info.param)); });

// GL and Vulkan draw the same frame in linear light (both within 2 of the CPU reference; here
// within 2 of each other, dark on light and light on dark). One backend after the other, each
// target and system gone before the next is made: on NVIDIA, creating Vulkan objects while a GL
// context is current can leave none current (sessions 10-12 saw linear_light_test abort in
// libepoxy there), which is the application's context to manage, not this comparison's.
TEST(LinearLightBackends, GlAndVulkanAgree) {
  std::vector<std::vector<uint8_t>> frames[2];
  for (int i = 0; i < 2; ++i) {
    const GpuApi api = i == 0 ? GpuApi::kGl : GpuApi::kVulkan;
    auto target = tools::HeadlessTarget::create({api, kWidth, kHeight, true, /*srgb=*/true});
    ASSERT_TRUE(target.ok()) << target.status().to_string();
    TextSystemDesc desc;
    (*target)->configure(&desc);
    EXPECT_TRUE(desc.linear_light);
    auto ts = TextSystem::create(desc);
    ASSERT_TRUE(ts.ok()) << ts.status().to_string();
    for (const Polarity& p : kPolarities) {
      frames[i].push_back(frame(**target, **ts, lines(p.text), p.background));
    }
    ts->reset();
    for (const std::string& m : (*target)->take_validation_messages()) ADD_FAILURE() << m;
  }
  for (size_t k = 0; k < std::size(kPolarities); ++k) {
    const testing::ImageDiff diff =
        testing::diff_images_linear_light(frames[0][k], frames[1][k], kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << kPolarities[k].name << ": " << diff.report;
  }
}

// An sRGB GL target without linear light blends the stored values as a plain target does:
// byte for byte the frame of an RGBA8 target.
TEST(LinearLightBackends, GlSrgbTargetWithoutLinearLightIsByteIdenticalToPlain) {
  std::vector<uint8_t> frames[2];
  for (int i = 0; i < 2; ++i) {
    auto t = tools::HeadlessTarget::create({GpuApi::kGl, kWidth, kHeight, false, i == 1});
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    TextSystemDesc desc;
    (*t)->configure(&desc);
    desc.linear_light = false;
    auto ts = TextSystem::create(desc);
    ASSERT_TRUE(ts.ok()) << ts.status().to_string();
    frames[i] = frame(**t, **ts, lines(0x202020ffu), {0.96f, 0.95f, 0.92f, 1});
  }
  EXPECT_TRUE(testing::diff_images(frames[0], frames[1], kWidth, kHeight, 0).match());
}

// glyphstream-render --linear-light (exit 0 on both backends, Vulkan under validation): the
// same PNG from GL and Vulkan (within 2), unlike the plain PNG, and the CPU reference's linear
// light (within 2), light on dark.
TEST(LinearLightTool, RendersTheCpuReferenceOnBothBackends) {
  const std::string tool = std::string(GLYPHSTREAM_BINARY_DIR) + "/tools/render/glyphstream-render";
  if (!std::filesystem::exists(tool)) GTEST_SKIP() << "glyphstream-render not built";
  const std::string args =
      " --quiet --font 'DejaVu Sans 14' --width 300 --fg '#f0f0e0' --bg '#101418'"
      " --text 'Hamburgefonstiv 0123'";
  auto render = [&](const std::string& name, const std::string& flags) {
    const std::string png =
        (std::filesystem::temp_directory_path() / ("glyphstream-test-ll-" + name + ".png"))
            .string();
    const int status = std::system(("GLYPHSTREAM_VK_VALIDATION=1 " + tool + args + " " + flags +
                                    " --out " + png + " >/dev/null 2>&1")
                                       .c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << flags;
    auto image = tools::read_png(png);
    EXPECT_TRUE(image.ok()) << flags;
    return image.ok() ? std::move(image).value() : tools::Image{};
  };
  const tools::Image gl = render("gl", "--backend gl --linear-light");
  const tools::Image vk = render("vulkan", "--backend vulkan --linear-light");
  const tools::Image plain = render("plain", "--backend gl");
  ASSERT_GT(gl.width, 0);
  ASSERT_EQ(gl.width, vk.width);
  ASSERT_EQ(gl.height, vk.height);
  EXPECT_TRUE(testing::diff_images_linear_light(gl.rgba, vk.rgba, gl.width, gl.height, 2).match());
  EXPECT_GT(testing::diff_images(gl.rgba, plain.rgba, gl.width, gl.height, 8).differing_pixels,
            50u);
  auto ref = testing::CpuReference::create();
  ASSERT_TRUE(ref.ok()) << ref.status().to_string();
  (*ref)->set_linear_light(true);
  (*ref)->clear(gl.width, gl.height, Color::from_rgba8(0x101418ffu));
  TextStyle style = testing::style_of("DejaVu Sans 14", 0xf0f0e0ffu);
  style.wrap_width = 300;
  ASSERT_TRUE((*ref)->draw_text(16, 16, "Hamburgefonstiv 0123", style).ok());
  const testing::ImageDiff d =
      testing::diff_images_linear_light(gl.rgba, (*ref)->image(), gl.width, gl.height, 2);
  EXPECT_TRUE(d.match()) << d.report;
}

}  // namespace
}  // namespace glyphstream
