// Bounds on what Pango is given, for inputs where Pango itself fails (issue 23):
//
// - Long runs of combining marks on one base: every mark of the run is attached to the base by
//   a walk back over the marks before it (HarfBuzz's mark positioning), so a run of n marks costs
//   O(n^2) (40k marks: 15-26 s; 1M: hours). Runs are capped at kMaxClusterMarks code points;
//   the excess is dropped and counted (LayoutResult::marks_dropped, FrameStats).
// - Long wrapped paragraphs: Pango sums an item's advance in an int of Pango units (1/1024 px),
//   which overflows past 2^31 (about 2 million px: 200 KB of "word " at 22 px); the negative
//   width "fits" and the whole paragraph became one clipped line. Long paragraphs are split into
//   items short enough that none can overflow (and each line reshapes one item, not the rest of
//   the paragraph: the wrap is also linear instead of quadratic).
// - Long runs of Thai: Pango finds their word breaks with libthai, one call per item, whose
//   time grows with the square of an unbroken run (130k letters 0.5 s, 1M letters 24 s; under
//   AddressSanitizer, whose realloc always copies, 130k took over 40 s). Wrapped paragraphs
//   already have short items (above); in a paragraph that is not wrapped, items end every
//   kMaxThaiRunBytes of a run. The cost: word breaks (for cursor movement, never for line
//   breaks, since the line does not wrap) and kerning across such a cut, 1,024 letters apart.
// - Tabs on a line Pango does not wrap (no wrap width, or the line it ellipsizes): Pango finds
//   where each tab ends by summing the advances of every glyph before it on the line
//   (pango-layout.c, line_width), so n tabs on a line of m characters cost O(n * m): 32k tabs
//   took 3.7 s and 64k tabs 25 s in Pango 1.50 alone, 130k over a minute. A wrapped line keeps
//   its width as it goes and costs O(n). Such a paragraph is refused (kInvalidArgument) when its
//   cost, counted below, passes kMaxUnwrappedTabCost; the message says to give a wrap width.
#pragma once

#include <pango/pango.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/layout.h"  // kMaxClusterMarks

namespace glyphstream::text {

struct CappedText {
  std::string text;  // the text without the dropped code points
  // Dropped byte ranges [begin, end) of the original text, ascending and disjoint.
  std::vector<std::pair<size_t, size_t>> removed;
  uint32_t dropped = 0;  // code points dropped
};

// Caps every run of marks at kMaxClusterMarks. False (and *out untouched) when no run is
// longer: the text is used as it is. `utf8` must be valid.
bool cap_mark_runs(std::string_view utf8, CappedText* out);
// Moves the attributes' start and end indices into the capped text (an index inside a dropped
// range goes to where the range was).
void remap_attributes(const std::vector<PangoAttribute*>& attrs,
                      const std::vector<std::pair<size_t, size_t>>& removed);
// A new list (owned by the caller) of `attrs`' attributes remapped as above.
PangoAttrList* remapped_attributes(PangoAttrList* attrs,
                                   const std::vector<std::pair<size_t, size_t>>& removed);

// An upper bound of the font sizes a paragraph with these markup attributes uses (its sizes and
// the product of its scales over `base_px`), at most `max_px`.
double largest_font_px(PangoAttrList* attrs, double base_px, double max_px);
// The longest item, in bytes, that cannot overflow Pango's int width at `max_px` (the largest
// font size the paragraph may use): no glyph is assumed wider than 16 em.
size_t max_item_bytes(double max_px);
// A copy of `list` (the paragraph's attributes, may be null) whose Pango items end every
// max_item bytes or less (after a space where there is one, never inside a character or before
// a mark): items end where a fallback attribute starts, and the paragraph's own fallback
// attributes keep their effect. Null when the paragraph is not longer than max_item.
PangoAttrList* split_long_items(std::string_view paragraph, size_t max_item, PangoAttrList* list);

// Thai runs longer than this (1,024 letters) are cut into items in a paragraph without wrapping.
constexpr size_t kMaxThaiRunBytes = 3 * 1024;
// A copy of `list` (the paragraph's attributes, may be null) whose items end inside runs of
// Thai (U+0E00-U+0E7F) every max_run bytes, never before a mark, as split_long_items does.
// Null when no run is longer.
PangoAttrList* split_long_thai_runs(std::string_view paragraph, size_t max_run,
                                    PangoAttrList* list);

// Tabs times the characters before them on an unwrapped line: the number of glyph advances
// Pango sums to place the tabs of one paragraph laid out without wrapping. 2^28 is about
// 0.4-0.8 s of Pango's time with text between the tabs and 1.5-2 s for tabs alone (interpolated
// from runs of 2,000-16,000 tabs on the dev machine): a line of 100 KB with 2,000 tabs passes,
// a line of 24k tabs alone does not.
constexpr uint64_t kMaxUnwrappedTabCost = uint64_t{1} << 28;

struct TabCost {
  uint64_t tabs = 0;
  uint64_t cost = 0;  // the sum, over the tabs, of the code points before each on its line
};
// The tab cost of a text laid out without wrapping: a line separator (U+2028) starts a new line,
// and so do paragraph separators (\n, \r, U+2029) unless `single_paragraph` (Pango's
// single-paragraph mode draws them as glyphs). `utf8` must be valid.
TabCost unwrapped_tab_cost(std::string_view utf8, bool single_paragraph = false);

}  // namespace glyphstream::text
