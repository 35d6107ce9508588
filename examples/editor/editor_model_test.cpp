// The editor's model driven through its input layer (input.h) on a headless TextSystem: no
// window, no X. Every expectation is a property of the layout's own answers (caret,
// selection_rects, lines), never a hard-coded position.
#include <glyphstream/headless_gl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "document.h"
#include "editor.h"
#include "input.h"

namespace gs = glyphstream;

namespace {

constexpr Box kPanel{40, 40, 760, 560};

class EditorModel : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = gs::HeadlessGl::create({800, 600});
    ASSERT_TRUE(gl.ok()) << gl.status().to_string();
    gl_ = std::move(gl).value();
    gs::TextSystemDesc desc;
    desc.threads = 2;
    auto ts = gs::TextSystem::create(desc);
    ASSERT_TRUE(ts.ok()) << ts.status().to_string();
    ts_ = std::move(ts).value();
  }

  std::unique_ptr<Editor> make(const std::string& text, bool markup = false) {
    gs::TextStyle style;
    style.font = "Sans 20";
    style.markup = markup;
    auto e = std::make_unique<Editor>(*ts_, text, style, kPanel);
    const gs::Status st = e->relayout();
    EXPECT_TRUE(st.ok()) << st.to_string();
    return e;
  }

  static void send(Editor& e, const std::string& script) {
    auto events = parse_script(script);
    ASSERT_TRUE(events.ok()) << events.status().to_string();
    bool quit = false;
    for (const InputEvent& ev : events.value()) {
      const gs::Status st = apply(e, ev, &quit);
      ASSERT_TRUE(st.ok()) << st.to_string();
    }
  }

  // The window position of the caret at `index` (its middle).
  static std::pair<float, float> caret_point(const Editor& e, size_t index) {
    const gs::RectF c = e.layout().caret(index).strong;
    return {e.origin_x() + c.x, e.origin_y() + c.y + c.h / 2};
  }

  static std::string click(std::pair<float, float> p, const char* verb = "click") {
    return std::string(verb) + " " + std::to_string(p.first) + " " + std::to_string(p.second);
  }

  std::unique_ptr<gs::HeadlessGl> gl_;
  std::unique_ptr<gs::TextSystem> ts_;
};

TEST_F(EditorModel, ClickingAtACaretPositionPlacesTheCaretThere) {
  auto e = make("Click somewhere in this plain Latin line.");
  const size_t n = e->layout().text().size();
  ASSERT_GT(n, 0u);
  for (size_t i = 0; i <= n; ++i) {
    send(*e, click(caret_point(*e, i)));
    EXPECT_EQ(e->caret(), i);
    EXPECT_FALSE(e->has_selection());
  }
}

TEST_F(EditorModel, ArrowsMoveTheCaretVisuallyInRightToLeftText) {
  auto e = make("مرحبا بالعالم");
  ASSERT_EQ(e->layout().lines().size(), 1u);
  ASSERT_TRUE(e->layout().lines()[0].rtl);
  // Logical start of an RTL line is its right end: Left walks it to the left end.
  send(*e, click(caret_point(*e, 0)));
  ASSERT_EQ(e->caret(), 0u);
  float x = e->layout().caret(0).strong.x;
  int moves = 0;
  while (e->caret() != e->layout().text().size() && moves < 100) {
    send(*e, "key left");
    const float next = e->layout().caret(e->caret()).strong.x;
    EXPECT_LT(next, x) << "a Left press did not move the caret left (index " << e->caret() << ")";
    x = next;
    ++moves;
  }
  EXPECT_EQ(e->caret(), e->layout().text().size());
  // And Right walks back, x growing at every press.
  while (e->caret() != 0 && moves < 200) {
    send(*e, "key right");
    const float next = e->layout().caret(e->caret()).strong.x;
    EXPECT_GT(next, x);
    x = next;
    ++moves;
  }
  EXPECT_EQ(e->caret(), 0u);
}

TEST_F(EditorModel, AnEmojiIsOneGraphemeForTheArrows) {
  auto e = make("a👩‍💻b");  // the emoji is 4 code points (11 bytes), one grapheme
  send(*e, "key home; key right; key right");
  EXPECT_EQ(e->caret(), e->layout().text().size() - 1);
}

TEST_F(EditorModel, DragAndShiftClickSelectWhatTheLayoutSays) {
  auto e = make(make_editor_markup(), true);
  const size_t a = 10, b = 40, c = 120;
  send(*e, "drag " + std::to_string(caret_point(*e, a).first) + " " +
               std::to_string(caret_point(*e, a).second) + " " +
               std::to_string(caret_point(*e, b).first) + " " +
               std::to_string(caret_point(*e, b).second));
  EXPECT_EQ(e->anchor(), a);
  EXPECT_EQ(e->caret(), b);
  send(*e, click(caret_point(*e, c), "shift-click"));
  EXPECT_EQ(e->selection_start(), a);
  EXPECT_EQ(e->selection_end(), c);
  // What the editor draws is the layout's rectangles, placed.
  std::vector<Box> expected;
  for (const gs::RectF& r : e->layout().selection_rects(a, c)) {
    const Box box = place(r, e->origin_x(), e->origin_y(), e->panel());
    if (!box.empty()) expected.push_back(box);
  }
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(e->selection_boxes(), expected);
  // An arrow without shift collapses the selection.
  send(*e, "key left");
  EXPECT_FALSE(e->has_selection());
}

TEST_F(EditorModel, AlignmentCyclesLeftCenterRight) {
  auto e = make("Short line.");
  const float wrap = e->style().wrap_width;
  const gs::RectF left = e->layout().lines()[0].logical;
  send(*e, "key align");
  EXPECT_EQ(e->style().paragraph.align, gs::Align::kCenter);
  const gs::RectF center = e->layout().lines()[0].logical;
  EXPECT_NEAR(center.x + center.w / 2, wrap / 2, 1.0f);
  send(*e, "key align");
  EXPECT_EQ(e->style().paragraph.align, gs::Align::kRight);
  const gs::RectF right = e->layout().lines()[0].logical;
  EXPECT_NEAR(right.x + right.w, wrap, 1.0f);
  EXPECT_LT(left.x, center.x);
  send(*e, "key align");
  EXPECT_EQ(e->style().paragraph.align, gs::Align::kLeft);
}

TEST_F(EditorModel, UpAndDownMoveByLineAndTheCaretStaysInsideThePanel) {
  auto e = make(make_editor_markup(), true);
  ASSERT_GT(e->layout().metrics().height, float(kPanel.y1 - kPanel.y0)) << "must scroll";
  // Every Down goes a line lower (the caret's y grows) until the last line, whose Down goes to
  // the end; the caret stays visible all the way.
  int presses = 0;
  while (e->caret() != e->layout().text().size() && presses < 200) {
    const float y = e->layout().caret(e->caret()).strong.y;
    send(*e, "key down");
    ++presses;
    EXPECT_FALSE(e->caret_box().empty()) << "after " << presses << " presses";
    if (e->caret() != e->layout().text().size()) {
      EXPECT_GT(e->layout().caret(e->caret()).strong.y, y) << "press " << presses;
    }
  }
  EXPECT_EQ(e->caret(), e->layout().text().size());
  EXPECT_GE(size_t(presses), e->layout().lines().size() - 1);
  EXPECT_GT(e->scroll(), 0.0f);
  // And Up climbs back to the first line.
  for (int i = 0; i < presses + 1; ++i) send(*e, "key up");
  EXPECT_EQ(e->caret(), 0u);
  EXPECT_FALSE(e->caret_box().empty());
  send(*e, "scroll -100000");
  EXPECT_EQ(e->scroll(), 0.0f);
}

TEST(EditorScript, CommandsBecomeEventsAndBadOnesAreNamed) {
  auto ok = parse_script("click 1 2; drag 0 0 10 10; shift+key right; scroll 5;");
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok.value().size(), 2u + 6u + 1u + 1u);
  auto bad = parse_script("click 1 2; jump 3");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), gs::ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("jump 3"), std::string::npos);
  EXPECT_FALSE(parse_script("key sideways").ok());
  EXPECT_FALSE(parse_script("click 1").ok());
  EXPECT_FALSE(parse_script("click 1 2 3").ok());
}

}  // namespace
