#include "good_text_fixture.h"

#include <cstdlib>

#include "cpu_reference.h"

namespace glyphstream::testing {

TextStyle GoodTextTest::style_of(const std::string& font) {
  TextStyle s;
  s.font = font;
  s.color = Color::from_rgba8(0x101010ffu);
  return s;
}

void GoodTextTest::SetUp() {
  auto gl = HeadlessGl::create({width_, height_});
  ASSERT_TRUE(gl.ok()) << gl.status().to_string();
  gl_ = std::move(gl).value();
}

void GoodTextTest::make_system(TextSystemDesc desc) {
  if (desc.threads == 0) desc.threads = 2;
  auto ts = TextSystem::create(desc);
  ASSERT_TRUE(ts.ok()) << ts.status().to_string();
  ts_ = std::move(ts).value();
}

void GoodTextTest::begin_with_good_text() {
  gl_->clear(kBackground.r, kBackground.g, kBackground.b, kBackground.a);
  ASSERT_TRUE(ts_->begin_frame(width_, height_).ok());
  const Status s = ts_->draw_text(kGoodX, kGoodY, kGoodText, good_style());
  ASSERT_TRUE(s.ok()) << s.to_string();
}

int GoodTextTest::flush_and_count_good_ink() {
  const Status s = ts_->flush();
  EXPECT_TRUE(s.ok()) << s.to_string();
  EXPECT_TRUE(gl_->read_pixels(&pixels_).ok());
  return count_ink(pixels_, width_, 0, 0, kGoodBoxW, kGoodBoxH, kBackground, 60);
}

void GoodTextTest::expect_good_text_exact(bool whole_frame) {
  auto ref = CpuReference::create();
  ASSERT_TRUE(ref.ok()) << ref.status().to_string();
  (*ref)->clear(width_, height_, kBackground);
  ASSERT_TRUE((*ref)->draw_text(kGoodX, kGoodY, kGoodText, good_style()).ok());
  const std::vector<uint8_t>& want = (*ref)->image();
  ASSERT_EQ(pixels_.size(), want.size());
  const int w = whole_frame ? width_ : kGoodBoxW;
  const int h = whole_frame ? height_ : kGoodBoxH;
  int bad = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < 4; ++c) {
        const size_t i = (size_t(y) * size_t(width_) + size_t(x)) * 4 + size_t(c);
        if (std::abs(int(pixels_[i]) - int(want[i])) > 2) ++bad;
      }
    }
  }
  EXPECT_EQ(bad, 0) << (whole_frame ? "the frame differs from the good text alone"
                                    : "the good text differs from the CPU reference");
}

}  // namespace glyphstream::testing
