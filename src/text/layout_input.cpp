#include "text/layout_input.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace glyphstream::text {

bool check_size_words(const std::string& desc, std::string* message, bool* has_size_word) {
  static constexpr const char* kSeparators = " \t,";
  size_t start = desc.find_first_not_of(kSeparators);
  bool first = true;
  while (start != std::string::npos) {
    const size_t end = std::min(desc.find_first_of(kSeparators, start), desc.size());
    const std::string original = desc.substr(start, end - start);
    start = desc.find_first_not_of(kSeparators, end);
    if (std::exchange(first, false)) continue;  // a lone first word is a family, not a size
    std::string word = original;
    if (word.size() > 2 && word.compare(word.size() - 2, 2, "px") == 0)
      word.resize(word.size() - 2);
    const char* s = word.c_str();
    char* parse_end = nullptr;
    const double v = std::strtod(s, &parse_end);
    if (word.empty() || parse_end == s || *parse_end != '\0') continue;  // part of the family
    *has_size_word = true;
    if (!std::isfinite(v) || v <= 0 || v > kMaxFontPx) {
      *message = "font size '" + original + "' in \"" + desc +
                 "\" is out of range (must be > 0 and <= 4096 px)";
      return false;
    }
  }
  return true;
}

Status check_pango_size(int64_t size, const std::string& what) {
  if (size > 0 && size <= int64_t(kMaxFontPx * PANGO_SCALE)) return Status::ok_status();
  return Status(ErrorCode::kInvalidArgument,
                "font size " + std::to_string(double(size) / PANGO_SCALE) + " px in " + what +
                    " is out of range (must be > 0 and <= 4096 px)");
}

Status check_markup_sizes(PangoAttrList* attrs) {
  if (attrs == nullptr) return Status::ok_status();
  Status status;
  // The filter callback only inspects (returns FALSE): one linear pass over the attributes.
  auto inspect = [](PangoAttribute* attr, gpointer data) -> gboolean {
    auto* st = static_cast<Status*>(data);
    if (!st->ok()) return FALSE;
    const PangoAttrType type = attr->klass->type;
    if (type == PANGO_ATTR_SIZE || type == PANGO_ATTR_ABSOLUTE_SIZE) {
      *st = check_pango_size(reinterpret_cast<PangoAttrSize*>(attr)->size, "markup (size)");
    } else if (type == PANGO_ATTR_FONT_DESC) {
      const PangoFontDescription* d = reinterpret_cast<PangoAttrFontDesc*>(attr)->desc;
      if (pango_font_description_get_set_fields(d) & PANGO_FONT_MASK_SIZE) {
        *st = check_pango_size(pango_font_description_get_size(d), "markup (font)");
      }
    }
    return FALSE;
  };
  PangoAttrList* removed = pango_attr_list_filter(attrs, inspect, &status);
  if (removed != nullptr) pango_attr_list_unref(removed);
  return status;
}

Status check_scaled_sizes(PangoAttrList* attrs, int base_size) {
  if (attrs == nullptr) return Status::ok_status();
  // Markup scales (<big>, size="larger") multiply the size in effect; 100 nested <big> give
  // 1.2^100 and Pango's int sizes overflow while it shapes (its font's metrics, our hex boxes'
  // extents), before any run can be checked. The exact 4096 px bound is checked per run after
  // layout; this bound (64x that, still far inside Pango's int) only keeps garbage out of Pango.
  constexpr double kFarBeyondPx = kMaxFontPx * 64;
  Status status;
  PangoAttrIterator* it = pango_attr_list_get_iterator(attrs);
  do {
    double size = base_size;
    for (PangoAttrType type : {PANGO_ATTR_SIZE, PANGO_ATTR_ABSOLUTE_SIZE}) {
      if (PangoAttribute* a = pango_attr_iterator_get(it, type)) {
        size = reinterpret_cast<PangoAttrSize*>(a)->size;
      }
    }
    if (PangoAttribute* a = pango_attr_iterator_get(it, PANGO_ATTR_FONT_DESC)) {
      const PangoFontDescription* d = reinterpret_cast<PangoAttrFontDesc*>(a)->desc;
      if (pango_font_description_get_set_fields(d) & PANGO_FONT_MASK_SIZE) {
        size = std::max(size, double(pango_font_description_get_size(d)));
      }
    }
    double scale = 1;
    if (PangoAttribute* a = pango_attr_iterator_get(it, PANGO_ATTR_SCALE)) {
      scale = reinterpret_cast<PangoAttrFloat*>(a)->value;
    }
    const double px = size * scale / PANGO_SCALE;
    if (!(px <= kFarBeyondPx)) {
      status = Status(ErrorCode::kInvalidArgument,
                      "font size " + std::to_string(px) +
                          " px (a size in markup times its markup scales, <big>, "
                          "size=\"larger\") is out of range (must be > 0 and <= 4096 px)");
      break;
    }
  } while (pango_attr_iterator_next(it));
  pango_attr_iterator_destroy(it);
  return status;
}

struct ParagraphWalk;

PangoAttrList* paragraph_attributes(const std::vector<PangoAttribute*>& sorted, size_t* next,
                                    std::vector<PangoAttribute*>* active, size_t start,
                                    size_t length) {
  const size_t end = start + length;
  while (*next < sorted.size() && sorted[*next]->start_index <= end) {
    active->push_back(sorted[(*next)++]);
  }
  std::erase_if(*active, [&](PangoAttribute* a) { return a->end_index <= start; });
  PangoAttrList* list = pango_attr_list_new();
  for (PangoAttribute* a : *active) {
    // An empty paragraph takes the attributes around its position, as Pango's empty line does.
    if (a->start_index >= end && a->start_index > start) continue;
    PangoAttribute* copy = pango_attribute_copy(a);
    copy->start_index = static_cast<guint>(std::max<size_t>(a->start_index, start) - start);
    // One that goes on past the paragraph covers its end (Pango's line covers the separator).
    copy->end_index = a->end_index >= end ? PANGO_ATTR_INDEX_TO_TEXT_END
                                          : static_cast<guint>(a->end_index - start);
    pango_attr_list_insert(list, copy);
  }
  return list;
}

ParagraphAttributes::ParagraphAttributes(PangoAttrList* attrs) {
  all_ = attrs != nullptr ? pango_attr_list_get_attributes(attrs) : nullptr;
  for (GSList* a = all_; a != nullptr; a = a->next) {
    sorted_.push_back(static_cast<PangoAttribute*>(a->data));
  }
  std::stable_sort(sorted_.begin(), sorted_.end(), [](PangoAttribute* x, PangoAttribute* y) {
    return x->start_index < y->start_index;
  });
}

uint64_t ParagraphAttributes::copies(std::string_view text) const {
  if (sorted_.empty()) return 0;
  std::vector<guint> ends;  // sorted_ is sorted by start already
  ends.reserve(sorted_.size());
  for (const PangoAttribute* a : sorted_) ends.push_back(a->end_index);
  std::sort(ends.begin(), ends.end());
  uint64_t total = 0;
  size_t started = 0, ended = 0;
  for_each_paragraph(text, [&](size_t start, size_t length) {
    // Those that start by the paragraph's end, less those that ended by its start.
    while (started < sorted_.size() && sorted_[started]->start_index <= start + length) ++started;
    while (ended < ends.size() && ends[ended] <= start) ++ended;
    total += started - std::min(started, ended);
  });
  return total;
}

ParagraphAttributes::~ParagraphAttributes() {
  for (PangoAttribute* a : sorted_) pango_attribute_destroy(a);
  g_slist_free(all_);
}

}  // namespace glyphstream::text
