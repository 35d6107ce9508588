// The questions an application asks a laid-out text (LayoutQueries, behind TextLayout): hit
// tests at any point (NaN, infinities and far away included), carets, selections and fonts at
// any index (past the end, inside a character), cursor motion, lines; on fuzzed text, markup
// and paragraph options (alignment, justification, direction, indent, wrapping, ellipsis,
// single paragraph). Every answer must be an index inside the text on a character boundary and
// finite geometry, and walking the cursor across the whole text must end.
//
// Input: 5 control bytes, `queries` records of 6 bytes, then the text.
//   0: bit 0 markup, bit 1 wrap, bits 2-3 alignment, bit 4 rtl, bit 5 justify, bit 6 single
//      paragraph, bit 7 ellipsize (end)
//   1: size (1 + b % 48 px); 2: wrap width (8 + 4 b px)
//   3: bit 0 no auto dir, bit 1 indent, bits 2-3 wrap mode, bit 4 line spacing, bits 5-7 family
//   4: queries (b % 32)
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_layouter.h"
#include "text/layout.h"
#include "text/layout_queries.h"

namespace gs = glyphstream;
using glyphstream::fuzz::ByteReader;
using glyphstream::fuzz::check;

namespace {

constexpr const char* kFamilies[] = {"Sans",
                                     "Serif",
                                     "Monospace",
                                     "DejaVu Sans",
                                     "Noto Sans CJK SC",
                                     "Noto Color Emoji",
                                     "Noto Sans Arabic",
                                     "Noto Sans Hebrew"};
constexpr size_t kMaxTextBytes = 2048;  // the queries, not Pango's cost, are under test

bool on_boundary(std::string_view text, size_t index) {
  return index == text.size() ||
         (index < text.size() && (static_cast<unsigned char>(text[index]) & 0xC0) != 0x80);
}

void check_rect(const gs::RectF& r, const char* what) {
  check(std::isfinite(r.x) && std::isfinite(r.y) && std::isfinite(r.w) && std::isfinite(r.h), what);
  check(r.w >= 0 && r.h >= 0, what);
}

// A coordinate from two bytes and a scale byte: small, far (2^40), or not finite.
float coordinate(int16_t v, uint8_t scale) {
  switch (scale % 8) {
    case 5:
      return std::numeric_limits<float>::quiet_NaN();
    case 6:
      return (v < 0 ? -1 : 1) * std::numeric_limits<float>::infinity();
    case 7:
      return float(v) * 1099511627776.0f;  // 2^40
    default:
      return float(v) / float(1 << (scale % 5));
  }
}

// An index from two bytes: inside the text mostly, past its end or at SIZE_MAX sometimes.
size_t index_from(uint16_t v, uint8_t how, size_t size) {
  if (how % 16 == 15) return std::numeric_limits<size_t>::max();
  if (how % 16 == 14) return size + v;
  return size == 0 ? v % 4 : v % (size + 2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  glyphstream::fuzz::LayoutContext& ctx = glyphstream::fuzz::layout_context();
  const uint8_t flags = data[0], more = data[3];
  const size_t queries = data[4] % 32;
  if (size < 5 + queries * 6) return 0;
  ByteReader script{data + 5, queries * 6};
  std::string_view text(reinterpret_cast<const char*>(data + 5 + queries * 6),
                        std::min(kMaxTextBytes, size - 5 - queries * 6));

  gs::text::LayoutParams params;
  params.font =
      std::string(kFamilies[(more >> 5) % 8]) + " " + std::to_string(1 + data[1] % 48) + "px";
  params.markup = (flags & 1) != 0;
  params.wrap_width = (flags & 2) ? float(8 + 4 * data[2]) : 0.0f;
  params.keep_queries = true;
  gs::ParagraphStyle& p = params.paragraph;
  p.align = gs::Align((flags >> 2) % 3);
  p.rtl = (flags & 16) != 0;
  p.justify = (flags & 32) != 0;
  p.single_par = (flags & 64) != 0;
  if (flags & 128) p.ellipsize = gs::EllipsizeMode::kEnd;
  p.no_auto_dir = (more & 1) != 0;
  if (more & 2) p.indent = float(int(data[2]) - 128);
  p.wrap = gs::WrapMode((more >> 2) % 3);
  if (more & 16) p.line_spacing = 0.5f + float(data[2] % 8) / 4;

  auto laid_out = ctx.layouter->layout(text, params);
  if (!laid_out.ok()) {
    check(!laid_out.status().message().empty(), "an error carries a message");
    return 0;
  }
  const std::shared_ptr<const gs::text::LayoutQueries> q = laid_out.value().queries;
  check(q != nullptr, "queries kept");
  const std::string_view laid = q->text();
  const size_t n = laid.size();

  size_t previous_start = 0;
  bool mixed_directions = false;  // lines of both directions (see the cursor walk below)
  const std::vector<gs::LayoutLine> lines = q->lines();
  for (const gs::LayoutLine& line : lines) {
    mixed_directions |= line.rtl != lines.front().rtl;
    check(line.start >= previous_start && line.start + line.length <= n, "lines in text order");
    check(on_boundary(laid, line.start) && on_boundary(laid, line.start + line.length),
          "lines on character boundaries");
    check_rect(line.logical, "finite line extents");
    check(std::isfinite(line.ink.x) && std::isfinite(line.baseline), "finite line ink");
    previous_start = line.start;
  }

  while (!script.empty()) {
    const uint8_t kind = script.next();
    const auto two_bytes = [&script] {
      const uint8_t low = script.next();
      return uint16_t(low | (script.next() << 8));
    };
    const auto a = int16_t(two_bytes());
    const auto b = int16_t(two_bytes());
    const uint8_t c = script.next();
    switch (kind % 5) {
      case 0: {
        const gs::HitTest hit = q->hit_test(coordinate(a, c), coordinate(b, uint8_t(c >> 3)));
        check(hit.index <= n && on_boundary(laid, hit.index), "hit index on a boundary");
        check(hit.caret_index <= n && on_boundary(laid, hit.caret_index),
              "hit caret index on a boundary");
        check(hit.trailing >= 0 && hit.caret_index >= hit.index, "hit trailing");
        break;
      }
      case 1: {
        const gs::Caret caret = q->caret(index_from(uint16_t(a), c, n));
        check_rect(caret.strong, "finite strong caret");
        check_rect(caret.weak, "finite weak caret");
        break;
      }
      case 2:
        for (const gs::RectF& r : q->selection_rects(index_from(uint16_t(a), c, n),
                                                     index_from(uint16_t(b), c >> 4, n))) {
          check_rect(r, "finite selection rectangle");
        }
        break;
      case 3: {
        const int direction = (c & 2) ? int(b) : ((c & 4) ? -1 : 1);
        const gs::CursorMove m =
            q->move_cursor_visually(index_from(uint16_t(a), c, n), direction, (c & 1) != 0);
        check(m.index <= n && on_boundary(laid, m.index), "cursor move on a boundary");
        check(!m.off_start || m.index == 0, "off the start is index 0");
        check(!m.off_end || m.index == n, "off the end is the text's end");
        break;
      }
      default:
        (void)q->font_at(index_from(uint16_t(a), c, n));
        break;
    }
  }

  // Walking right (and left) from each end visits each position at most a few times and ends.
  // Pango steps off a line's start to the line above whatever the direction, so where lines of
  // both directions meet, Right from a right-to-left line's start returns to the line above and
  // the walk cycles, in one PangoLayout of the whole text as here: not checked there.
  if (mixed_directions) return 0;
  // Both directions from both ends (right-to-left text is crossed right from its end and left
  // from its start), with the strong caret, the one editors move. The weak caret follows Pango
  // on lines that mix directions, cycles included (its step from the rightmost cursor of a
  // right-to-left line to the line's end; tests/oracle hold it equal to Pango): not walked.
  const size_t bound = 4 * (n + lines.size()) + 8;
  for (const int direction : {1, -1}) {
    for (const size_t from : {size_t{0}, n}) {
      size_t index = from;
      for (size_t steps = 0;; ++steps) {
        check(steps <= bound, "a cursor walk across the text ends");
        const gs::CursorMove m = q->move_cursor_visually(index, direction, true);
        check(m.index <= n && on_boundary(laid, m.index), "walk on boundaries");
        if (m.off_start || m.off_end) break;
        index = m.index;
      }
    }
  }
  return 0;
}
