// The fixture of the public API's robustness tests (integration/bad_input_test.cpp,
// integration/api_misuse_test.cpp): a headless GL target, a TextSystem, and "the good text",
// queued before each bad call, which must still be drawn exactly afterwards (read back and
// compared with the CPU reference).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"

namespace glyphstream::testing {

class GoodTextTest : public ::testing::Test {
 public:
  static constexpr Color kBackground{1, 1, 1, 1};
  static constexpr float kGoodX = 8, kGoodY = 8;
  static constexpr int kGoodBoxW = 200, kGoodBoxH = 40;  // from (0, 0): the good text's ink
  static constexpr const char* kGoodText = "Good text";

  // Dark grey text in the font; the good text is in "Sans 24px".
  static TextStyle style_of(const std::string& font);
  static TextStyle good_style() { return style_of("Sans 24px"); }

 protected:
  GoodTextTest(int width, int height) : width_(width), height_(height) {}
  void SetUp() override;  // the GL target, current on this thread
  // ts_ from desc (2 rasterizer threads unless desc says).
  void make_system(TextSystemDesc desc = {});
  // Clears the target, begins a frame and queues the good text.
  void begin_with_good_text();
  // Ends the frame (flush must succeed), reads it back into pixels_ and returns the ink inside
  // the good text's box.
  int flush_and_count_good_ink();
  // pixels_ against the good text alone, drawn by the CPU reference: inside its box, or over the
  // whole frame (then nothing else may have been drawn).
  void expect_good_text_exact(bool whole_frame = false);

  const int width_, height_;
  std::unique_ptr<HeadlessGl> gl_;
  std::unique_ptr<TextSystem> ts_;
  std::vector<uint8_t> pixels_;
};

}  // namespace glyphstream::testing
