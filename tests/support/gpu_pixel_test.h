// The fixture of the pixel tests that run on GL and on Vulkan (clip, rotation, layout memo): a
// headless target of the test's size under the validation layer (any message it reports fails
// the test) and the CPU reference that frames are compared with.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cpu_reference.h"
#include "glyphstream/text_system.h"
#include "headless_target.h"

namespace glyphstream::testing {

// Every upload mode, for the tests that run in each.
inline constexpr UploadMode kAllUploadModes[] = {UploadMode::kAsync, UploadMode::kSync,
                                                 UploadMode::kWholePage};

// `count` CJK ideographs from `first` (new glyphs for every new range).
inline std::string cjk(char32_t first, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    const char32_t c = first + char32_t(i);
    s += char(0xe0 | (c >> 12)), s += char(0x80 | ((c >> 6) & 0x3f)), s += char(0x80 | (c & 0x3f));
  }
  return s;
}

// A style of `font` in `rgba` (dark grey by default), markup optional.
inline TextStyle style_of(const std::string& font, uint32_t rgba = 0x202020ffu,
                          bool markup = false) {
  TextStyle s;
  s.font = font;
  s.color = Color::from_rgba8(rgba);
  s.markup = markup;
  return s;
}

class GpuPixelTest : public ::testing::TestWithParam<GpuApi> {
 protected:
  // `srgb`: the target is sRGB and systems made by create_system() blend in linear light.
  GpuPixelTest(int width, int height, bool srgb = false)
      : width_(width), height_(height), srgb_(srgb) {}

  void SetUp() override {
    auto target = tools::HeadlessTarget::create(
        {GetParam(), width_, height_, /*validation=*/true, /*srgb=*/srgb_});
    ASSERT_TRUE(target.ok()) << target.status().to_string();
    target_ = std::move(target).value();
    auto ref = CpuReference::create();
    ASSERT_TRUE(ref.ok()) << ref.status().to_string();
    ref_ = std::move(ref).value();
  }
  void TearDown() override {
    if (!target_) return;
    for (const std::string& m : target_->take_validation_messages()) ADD_FAILURE() << m;
  }

  // A description in `mode` (everything else default).
  static TextSystemDesc desc_in(UploadMode mode) {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = mode;
    return desc;
  }
  // A system drawing into target_: `desc` with the target's device fields filled in.
  std::unique_ptr<TextSystem> create_system(TextSystemDesc desc) {
    target_->configure(&desc);
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    return ts.ok() ? std::move(ts).value() : nullptr;
  }

  const int width_, height_;
  const bool srgb_;
  std::unique_ptr<tools::HeadlessTarget> target_;
  std::unique_ptr<CpuReference> ref_;
};

// One draw of a test scene: where, what, how, an optional clip, and a scale (!= 1:
// draw_text_scaled). Shared by the pixel tests instead of one struct each.
struct DrawCall {
  float x = 0, y = 0;
  std::string text;
  TextStyle style;
  std::optional<RectF> clip = std::nullopt;
  float scale = 1;
};

}  // namespace glyphstream::testing
