#include "text/pango_limits.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <tuple>

namespace glyphstream::text {
namespace {

// A code point that stacks on the base before it without interrupting the stack.
bool stacks_on_base(gunichar c) {
  if (c == 0x200C || c == 0x200D || c == 0x034F) return true;  // ZWNJ, ZWJ, CGJ
  return g_unichar_ismark(c);
}

gunichar decode_at(std::string_view s, size_t i) {
  return g_utf8_get_char_validated(s.data() + i, gssize(s.size() - i));
}

// Where items end: every max_item bytes or less, after a space in the second half of the
// stretch where there is one, else at the last character boundary that is not a mark.
std::vector<size_t> item_cuts(std::string_view p, size_t max_item) {
  std::vector<size_t> cuts;
  size_t start = 0;
  while (p.size() - start > max_item) {
    const size_t target = start + max_item;
    size_t cut = 0;
    for (size_t i = target; i > start + max_item / 2 && cut == 0; --i) {
      if (p[i - 1] == ' ') cut = i;
    }
    for (size_t i = target; i > start && cut == 0; --i) {
      if ((static_cast<unsigned char>(p[i]) & 0xC0) == 0x80) continue;  // inside a character
      if (!stacks_on_base(decode_at(p, i))) cut = i;
    }
    if (cut == 0) {  // a stretch of marks only (never longer than kMaxClusterMarks): any boundary
      cut = target;
      while (cut > start + 1 && (static_cast<unsigned char>(p[cut]) & 0xC0) == 0x80) --cut;
    }
    cuts.push_back(cut);
    start = cut;
  }
  return cuts;
}

// Where items end inside runs of Thai: every max_run bytes of a run, at a character that does
// not stack on the one before it.
std::vector<size_t> thai_run_cuts(std::string_view p, size_t max_run) {
  std::vector<size_t> cuts;
  constexpr size_t kNone = SIZE_MAX;
  size_t piece_start = kNone;  // where the current run, or its piece since the last cut, starts
  for (size_t i = 0; i < p.size();) {
    const auto byte = static_cast<unsigned char>(p[i]);
    const size_t len = byte < 0x80 ? 1 : size_t(g_utf8_skip[byte]);
    const gunichar c = byte < 0x80 ? gunichar(byte) : decode_at(p, i);
    if (c < 0x0E00 || c > 0x0E7F) {
      piece_start = kNone;
    } else if (piece_start == kNone) {
      piece_start = i;
    } else if (i - piece_start >= max_run && !stacks_on_base(c)) {
      cuts.push_back(i);
      piece_start = i;
    }
    i += len;
  }
  return cuts;
}

// A copy of `list` (may be null) whose Pango items end at `cuts` (ascending byte offsets).
PangoAttrList* cut_items(const std::vector<size_t>& cuts, PangoAttrList* list) {
  // Every attribute in list order; fallback ones are cut where items end (a fallback attribute
  // starting there ends the item, and a cut one keeps its effect). Where none covers a cut, a
  // fallback="true" one (Pango's default) starts there. Sorted by start, then: the new ones, the
  // later pieces of cut ones, the rest in list order, so that of two fallback attributes the
  // later-started one still wins, as before.
  struct Entry {
    PangoAttribute* attr;
    int rank;
    size_t seq;
  };
  std::vector<Entry> entries;
  std::vector<bool> covered(cuts.size(), false);
  GSList* all = list != nullptr ? pango_attr_list_get_attributes(list) : nullptr;
  size_t seq = 0;
  for (GSList* l = all; l != nullptr; l = l->next, ++seq) {
    auto* a = static_cast<PangoAttribute*>(l->data);
    entries.push_back({a, 2, seq});
    if (a->klass->type != PANGO_ATTR_FALLBACK) continue;
    auto k =
        size_t(std::upper_bound(cuts.begin(), cuts.end(), size_t(a->start_index)) - cuts.begin());
    const guint end = a->end_index;
    PangoAttribute* previous = a;
    for (; k < cuts.size() && cuts[k] < end; ++k) {
      covered[k] = true;
      previous->end_index = guint(cuts[k]);
      PangoAttribute* piece = pango_attribute_copy(a);
      piece->start_index = guint(cuts[k]);
      piece->end_index = end;
      entries.push_back({piece, 1, seq});
      previous = piece;
    }
  }
  g_slist_free(all);
  for (size_t k = 0; k < cuts.size(); ++k) {
    if (covered[k]) continue;
    PangoAttribute* marker = pango_attr_fallback_new(TRUE);
    marker->start_index = guint(cuts[k]);
    marker->end_index = k + 1 < cuts.size() ? guint(cuts[k + 1]) : PANGO_ATTR_INDEX_TO_TEXT_END;
    entries.push_back({marker, 0, 0});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    return std::tie(x.attr->start_index, x.rank, x.seq) <
           std::tie(y.attr->start_index, y.rank, y.seq);
  });
  PangoAttrList* out = pango_attr_list_new();
  for (const Entry& e : entries) pango_attr_list_insert(out, e.attr);  // appended: sorted
  return out;
}

}  // namespace

bool cap_mark_runs(std::string_view utf8, CappedText* out) {
  std::vector<std::pair<size_t, size_t>> removed;
  uint32_t dropped = 0;
  size_t run = 0;
  for (size_t i = 0; i < utf8.size();) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    if (byte < 0x80) {
      run = 0;
      ++i;
      continue;
    }
    const size_t len = size_t(g_utf8_skip[byte]);
    if (!stacks_on_base(decode_at(utf8, i))) {
      run = 0;
    } else if (++run > kMaxClusterMarks) {
      if (!removed.empty() && removed.back().second == i) {
        removed.back().second = i + len;
      } else {
        removed.emplace_back(i, i + len);
      }
      ++dropped;
    }
    i += len;
  }
  if (removed.empty()) return false;
  out->text.clear();
  size_t kept_from = 0;
  for (const auto& [begin, end] : removed) {
    out->text.append(utf8.substr(kept_from, begin - kept_from));
    kept_from = end;
  }
  out->text.append(utf8.substr(kept_from));
  out->removed = std::move(removed);
  out->dropped = dropped;
  return true;
}

void remap_attributes(const std::vector<PangoAttribute*>& attrs,
                      const std::vector<std::pair<size_t, size_t>>& removed) {
  if (removed.empty()) return;
  // Prefix sums of the removed lengths: each index maps in O(log n).
  std::vector<size_t> removed_before(removed.size() + 1, 0);
  for (size_t k = 0; k < removed.size(); ++k) {
    removed_before[k + 1] = removed_before[k] + (removed[k].second - removed[k].first);
  }
  auto map = [&](guint index) -> guint {
    if (index == PANGO_ATTR_INDEX_TO_TEXT_END) return index;
    const size_t i = index;
    const size_t k = size_t(std::upper_bound(removed.begin(), removed.end(), i,
                                             [](size_t v, const auto& r) { return v < r.first; }) -
                            removed.begin());
    // Ranges [0, k) begin at or before i; the last of them may contain i.
    size_t shift = removed_before[k];
    if (k > 0 && i < removed[k - 1].second) shift -= removed[k - 1].second - i;
    return guint(i - shift);
  };
  for (PangoAttribute* a : attrs) {
    a->start_index = map(a->start_index);
    a->end_index = map(a->end_index);
  }
}

PangoAttrList* remapped_attributes(PangoAttrList* attrs,
                                   const std::vector<std::pair<size_t, size_t>>& removed) {
  std::vector<PangoAttribute*> copies;
  GSList* all = pango_attr_list_get_attributes(attrs);  // copies, owned here
  for (GSList* a = all; a != nullptr; a = a->next) {
    copies.push_back(static_cast<PangoAttribute*>(a->data));
  }
  g_slist_free(all);
  remap_attributes(copies, removed);
  PangoAttrList* list = pango_attr_list_new();
  for (PangoAttribute* a : copies) pango_attr_list_insert(list, a);  // takes ownership
  return list;
}

double largest_font_px(PangoAttrList* attrs, double base_px, double max_px) {
  double largest = base_px, scale = 1;
  GSList* all = attrs != nullptr ? pango_attr_list_get_attributes(attrs) : nullptr;
  for (GSList* l = all; l != nullptr; l = l->next) {
    auto* a = static_cast<PangoAttribute*>(l->data);
    const PangoAttrType type = a->klass->type;
    if (type == PANGO_ATTR_SIZE || type == PANGO_ATTR_ABSOLUTE_SIZE) {
      largest = std::max(largest, reinterpret_cast<PangoAttrSize*>(a)->size / double(PANGO_SCALE));
    } else if (type == PANGO_ATTR_FONT_DESC) {
      const PangoFontDescription* d = reinterpret_cast<PangoAttrFontDesc*>(a)->desc;
      if (pango_font_description_get_set_fields(d) & PANGO_FONT_MASK_SIZE) {
        largest = std::max(largest, pango_font_description_get_size(d) / double(PANGO_SCALE));
      }
    } else if (type == PANGO_ATTR_SCALE) {
      // Nested scales multiply: their product bounds any nesting of them.
      scale = std::min(scale * std::max(1.0, reinterpret_cast<PangoAttrFloat*>(a)->value), 1e9);
    }
  }
  g_slist_free_full(all, reinterpret_cast<GDestroyNotify>(pango_attribute_destroy));
  return std::min(max_px, largest * scale);
}

size_t max_item_bytes(double max_px) {
  // Pango units per item below 2^30 (half the int range), a glyph at most 4 em wide: 4,096
  // bytes below 64 px, 64 at 4096 px. No natural text has glyphs wider than that (emoji and
  // CJK are 1-1.3 em); the layouter still refuses a line whose width overflowed.
  constexpr double kMaxEm = 4;
  constexpr size_t kLongest = 4096, kShortest = 64;
  const double chars = double(1 << 30) / (std::max(1.0, max_px) * PANGO_SCALE * kMaxEm);
  return std::clamp(size_t(chars), kShortest, kLongest);
}

PangoAttrList* split_long_items(std::string_view paragraph, size_t max_item, PangoAttrList* list) {
  if (paragraph.size() <= max_item) return nullptr;
  const std::vector<size_t> cuts = item_cuts(paragraph, max_item);
  return cuts.empty() ? nullptr : cut_items(cuts, list);
}

PangoAttrList* split_long_thai_runs(std::string_view paragraph, size_t max_run,
                                    PangoAttrList* list) {
  if (paragraph.size() <= max_run) return nullptr;
  const std::vector<size_t> cuts = thai_run_cuts(paragraph, max_run);
  return cuts.empty() ? nullptr : cut_items(cuts, list);
}

TabCost unwrapped_tab_cost(std::string_view utf8, bool single_paragraph) {
  TabCost total;
  uint64_t before = 0;  // code points before the current one on its line
  for (size_t i = 0; i < utf8.size();) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    const size_t len = byte < 0x80 ? 1 : size_t(g_utf8_skip[byte]);
    const bool paragraph_end =
        byte == '\n' || byte == '\r' || utf8.compare(i, 3, "\xE2\x80\xA9") == 0;
    if (utf8.compare(i, 3, "\xE2\x80\xA8") == 0 || (paragraph_end && !single_paragraph)) {
      before = 0;
      i += len;
      continue;
    }
    if (byte == '\t') {
      ++total.tabs;
      total.cost += before;
    }
    ++before;
    i += len;
  }
  return total;
}

}  // namespace glyphstream::text
