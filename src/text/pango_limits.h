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

}  // namespace glyphstream::text
