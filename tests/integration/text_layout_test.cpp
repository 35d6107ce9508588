// Layout objects (issue 22): TextSystem::layout() and draw_layout() on real OpenGL, pixels read
// back.
//  - draw_layout() of a layout draws exactly the pixels draw_text() of the same text and style
//    draws, in every upload mode;
//  - a layout is the object the layout cache holds (drawing and querying share one layout);
//  - it stays usable after its TextSystem is gone, and may be asked from another thread while
//    the owner draws it (built for TSan);
//  - misuse: outside a frame, another system's layout, the wrong thread, bad text.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "pipeline/text_layout.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 480;
constexpr int kHeight = 200;

const char* const kText =
    "Layouts: the quick brown fox \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D jumps, 縮放 テキスト "
    "👋🏽\n"
    "e\xCC\x81 second paragraph, wrapped because it is longer than the wrap width.";
const char* const kMarkup =
    "<b>bold</b> <span foreground=\"#c02020\" background=\"#ffe080\">colour</span> "
    "<u>under</u> <span underline=\"error\">squiggle</span>";

TextStyle style(bool markup) {
  TextStyle s;
  s.font = "Sans 15";
  s.color = Color::from_rgba8(0x203040ffu);
  s.wrap_width = markup ? 0 : 300;
  s.markup = markup;
  return s;
}

class TextLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({kWidth, kHeight});
    ASSERT_TRUE(gl.ok()) << gl.status().to_string();
    gl_ = std::move(gl).value();
  }

  std::unique_ptr<TextSystem> make_system(UploadMode mode = UploadMode::kAsync) {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = mode;
    desc.threads = 2;
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    return ts.ok() ? std::move(ts).value() : nullptr;
  }

  // One frame; `draw` queues the text. Returns the framebuffer.
  template <typename Draw>
  std::vector<uint8_t> frame(TextSystem* ts, Draw&& draw) {
    gl_->clear(1, 1, 1, 1);
    EXPECT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    draw();
    EXPECT_TRUE(ts->commit().ok());
    EXPECT_TRUE(ts->flush().ok());
    std::vector<uint8_t> image;
    EXPECT_TRUE(gl_->read_pixels(&image).ok());
    return image;
  }

  std::unique_ptr<HeadlessGl> gl_;
};

TEST_F(TextLayoutTest, DrawLayoutDrawsExactlyWhatDrawTextDraws) {
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    SCOPED_TRACE(std::string(upload_mode_name(mode)));
    // Cold caches on both sides: two fresh systems.
    auto by_text = make_system(mode);
    auto by_layout = make_system(mode);
    ASSERT_TRUE(by_text && by_layout);
    auto plain = by_layout->layout(kText, style(false));
    auto marked = by_layout->layout(kMarkup, style(true));
    ASSERT_TRUE(plain.ok()) << plain.status().to_string();
    ASSERT_TRUE(marked.ok()) << marked.status().to_string();
    DrawParams clip;  // the second text clipped (DrawParams::clip), on both sides
    clip.clip = RectF{30.5f, 140, 160, 22.25f};
    for (float fx : {0.0f, 0.3f, 0.77f}) {
      const std::vector<uint8_t> want = frame(by_text.get(), [&] {
        EXPECT_TRUE(by_text->draw_text(8 + fx, 6.5f, kText, style(false)).ok());
        EXPECT_TRUE(by_text->draw_text(10.25f + fx, 150, kMarkup, style(true), clip).ok());
      });
      const std::vector<uint8_t> got = frame(by_layout.get(), [&] {
        EXPECT_TRUE(by_layout->draw_layout(8 + fx, 6.5f, *plain).ok());
        EXPECT_TRUE(by_layout->draw_layout(10.25f + fx, 150, *marked, clip).ok());
      });
      ASSERT_EQ(got.size(), want.size());
      EXPECT_TRUE(got == want) << "draw_layout differs from draw_text at x + " << fx;
      int ink = 0;
      for (size_t i = 0; i < got.size(); i += 4) ink += got[i] != 255;
      EXPECT_GT(ink, 500) << "the frame has text";
    }
  }
}

TEST_F(TextLayoutTest, LayoutIsTheCachedLayoutAndWorksOutsideAFrame) {
  auto ts = make_system();
  ASSERT_TRUE(ts);
  auto a = ts->layout(kText, style(false));
  auto b = ts->layout(kText, style(false));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->impl()->layout, b->impl()->layout) << "one layout, from the cache";
  auto metrics = ts->measure(kText, style(false));
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(a->metrics().width, metrics->width);
  EXPECT_EQ(a->metrics().height, metrics->height);
  EXPECT_EQ(a->metrics().lines, metrics->lines);
  EXPECT_EQ(int(a->lines().size()), metrics->lines);
  // Drawing it after draw_text drew the same text lays nothing out again.
  frame(ts.get(), [&] { EXPECT_TRUE(ts->draw_text(0, 0, kText, style(false)).ok()); });
  const std::vector<FrameStats> before = ts->take_frame_stats();
  ASSERT_FALSE(before.empty());
  EXPECT_GT(before.back().layout_ns, 0u) << "layout() before the frame counts in it";
  frame(ts.get(), [&] { EXPECT_TRUE(ts->draw_layout(0, 0, *a).ok()); });
  EXPECT_EQ(ts->last_frame_stats().layout_ns, 0u);
  EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, 0u);
  // draw_text alone keeps no Pango layouts; layout() of a text it drew lays it out once more,
  // with them, and that layout replaces the cached one (shared from then on).
  frame(ts.get(), [&] { EXPECT_TRUE(ts->draw_text(0, 0, "drawn first", style(false)).ok()); });
  auto c = ts->layout("drawn first", style(false));
  auto d = ts->layout("drawn first", style(false));
  ASSERT_TRUE(c.ok() && d.ok());
  EXPECT_EQ(c->impl()->layout, d->impl()->layout);
  EXPECT_EQ(c->text(), "drawn first");
  EXPECT_EQ(c->lines().size(), 1u);
}

TEST_F(TextLayoutTest, LayoutOutlivesItsTextSystem) {
  TextLayout layout;
  std::vector<LayoutLine> lines;
  Caret caret;
  {
    auto ts = make_system();
    ASSERT_TRUE(ts);
    auto made = ts->layout(kText, style(false));
    ASSERT_TRUE(made.ok());
    layout = *made;
    lines = layout.lines();
    caret = layout.caret(12);
  }
  EXPECT_EQ(layout.lines().size(), lines.size());
  EXPECT_EQ(layout.caret(12).strong, caret.strong);
  EXPECT_GT(layout.selection_rects(0, 40).size(), 0u);
  EXPECT_NE(layout.font_at(0), "");
  // A new system cannot draw it (its glyphs name the old system's faces): a clear error.
  auto other = make_system();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->begin_frame(kWidth, kHeight).ok());
  const Status s = other->draw_layout(0, 0, layout);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  EXPECT_NE(s.message().find("another TextSystem"), std::string::npos) << s.message();
  EXPECT_TRUE(other->flush().ok());
}

TEST_F(TextLayoutTest, AnotherThreadAsksWhileTheOwnerDraws) {
  auto ts = make_system();
  ASSERT_TRUE(ts);
  auto made = ts->layout(kText, style(false));
  ASSERT_TRUE(made.ok());
  const TextLayout layout = *made;
  const std::vector<LayoutLine> lines = layout.lines();
  const Caret caret = layout.caret(20);
  std::atomic<bool> done{false};
  std::thread asker([&] {
    for (int i = 0; !done.load() || i < 50; ++i) {
      EXPECT_EQ(layout.lines().size(), lines.size());
      EXPECT_EQ(layout.caret(20).strong, caret.strong);
      const HitTest hit = layout.hit_test(float(i % 300), float(i % 60));
      EXPECT_LE(hit.index, layout.text().size());
      (void)layout.move_cursor_visually(size_t(i % 90), i % 2 ? 1 : -1);
      (void)layout.selection_rects(size_t(i % 30), size_t(i % 70));
      (void)layout.font_at(size_t(i % 80));
    }
  });
  for (int f = 0; f < 20; ++f) {
    frame(ts.get(), [&] {
      EXPECT_TRUE(ts->draw_layout(4, 4, layout).ok());
      // New text on the owner: Pango lays out with the fonts the asker's layout holds.
      EXPECT_TRUE(ts->draw_text(4, 120, "frame " + std::to_string(f), style(false)).ok());
    });
  }
  done = true;
  asker.join();
}

TEST_F(TextLayoutTest, MisuseGetsClearErrors) {
  auto ts = make_system();
  ASSERT_TRUE(ts);
  auto layout = ts->layout("ok", style(false));
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(ts->draw_layout(0, 0, *layout).code(), ErrorCode::kInvalidArgument) << "no frame";
  DrawParams bad_clip;
  bad_clip.clip = RectF{0, 0, -1, 5};
  EXPECT_EQ(ts->layout("bad \xC3", style(false)).status().code(), ErrorCode::kInvalidUtf8);
  EXPECT_EQ(ts->layout("<b>open", style(true)).status().code(), ErrorCode::kInvalidArgument);
  TextStyle bad_font = style(false);
  bad_font.font = "Sans 0";
  EXPECT_EQ(ts->layout("x", bad_font).status().code(), ErrorCode::kInvalidArgument);
  std::thread([&] {
    EXPECT_EQ(ts->layout("x", style(false)).status().code(), ErrorCode::kWrongThread);
    EXPECT_EQ(ts->draw_layout(0, 0, *layout).code(), ErrorCode::kWrongThread);
  }).join();
  const std::vector<uint8_t> blank = frame(ts.get(), [] {});
  const std::vector<uint8_t> empty = frame(ts.get(), [&] {
    EXPECT_TRUE(ts->draw_layout(5, 5, TextLayout()).ok()) << "an empty layout draws nothing";
    EXPECT_EQ(ts->draw_layout(NAN, 5, *layout).code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(ts->draw_layout(5, 5, *layout, bad_clip).code(), ErrorCode::kInvalidArgument);
  });
  EXPECT_TRUE(blank == empty);
  const TextLayout none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.text(), "");
  EXPECT_TRUE(none.lines().empty());
  EXPECT_TRUE(none.move_cursor_visually(0, 1).off_end);
}

}  // namespace
}  // namespace glyphstream

namespace glyphstream {
namespace {

// Rotated layouts (issue 22): the answers stay in layout coordinates (Pango's); to_drawn maps
// them into the turned box that measure() and draw_layout cover, from_drawn back, so a click on
// the drawn text hits the grapheme drawn there.
TEST_F(TextLayoutTest, RotatedLayoutsMapAnswersIntoTheDrawnBox) {
  auto ts = make_system();
  ASSERT_NE(ts, nullptr);
  for (const float angle : {30.f, -45.f, 90.f, 200.f}) {
    TextStyle s = style(false);
    s.paragraph.rotate = angle;
    auto made = ts->layout(kText, s);
    ASSERT_TRUE(made.ok()) << made.status().to_string();
    const TextLayout& layout = *made;
    const TextMetrics box = layout.metrics();
    auto measured = ts->measure(kText, s);
    ASSERT_TRUE(measured.ok());
    EXPECT_EQ(measured->width, box.width);
    EXPECT_EQ(measured->height, box.height);
    // Every line's logical corners land inside the turned box (it rounds the extents out).
    for (const LayoutLine& line : layout.lines()) {
      for (const float x : {line.logical.x, line.logical.x + line.logical.w}) {
        for (const float y : {line.logical.y, line.logical.y + line.logical.h}) {
          const PointF p = layout.to_drawn({x, y});
          EXPECT_GE(p.x, -0.01f) << angle;
          EXPECT_LE(p.x, box.width + 0.01f) << angle;
          EXPECT_GE(p.y, -0.01f) << angle;
          EXPECT_LE(p.y, box.height + 0.01f) << angle;
          const PointF back = layout.from_drawn(p);
          EXPECT_NEAR(back.x, x, 1e-3) << angle;
          EXPECT_NEAR(back.y, y, 1e-3) << angle;
        }
      }
    }
    // The middle of a grapheme, drawn turned, hit from where it is drawn.
    const Caret at = layout.caret(10), next = layout.caret(11);
    const PointF mid{(at.strong.x + next.strong.x) / 2, at.strong.y + at.strong.h / 2};
    const PointF drawn = layout.to_drawn(mid);
    const PointF hit = layout.from_drawn(drawn);
    EXPECT_EQ(layout.hit_test(hit.x, hit.y).index, 10u) << angle;
  }
  // Upright: the identity.
  auto upright = ts->layout(kText, style(false));
  ASSERT_TRUE(upright.ok());
  const PointF p = upright->to_drawn({12.5f, 7.25f});
  EXPECT_EQ(p.x, 12.5f);
  EXPECT_EQ(p.y, 7.25f);
}

}  // namespace
}  // namespace glyphstream
