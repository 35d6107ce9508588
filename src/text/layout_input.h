// What the layouter checks and splits before Pango lays a text out: font sizes from a
// description and from markup (Pango is lax about both), and paragraphs with their share of
// the markup attributes (one PangoLayout per paragraph keeps the layout cost linear).
#pragma once

#include <pango/pango.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::text {

constexpr double kMaxFontPx = 4096;
// Attribute copies over a text's paragraphs (ParagraphAttributes::copies) beyond which a text is
// refused: each costs about 160 ns of copying and of Pango's attribute walk (255 nested tags
// around 130k paragraphs, 33M copies, took 5.5 s), so the bound is about 1.3 s. Markup as
// documents use it (a few spans around a million lines) stays below.
constexpr uint64_t kMaxParagraphAttributeCopies = uint64_t{1} << 23;

// Pango silently drops a size it cannot parse ("Sans -5" becomes the family "Sans -5", and
// "Sans 99999 Bold" the family "Sans 99999" at the default size) and accepts "nan"; so every
// word after the first that looks like a size is checked. Returns false with a message when one
// is a number out of range; sets *has_size_word when one is a number.
bool check_size_words(const std::string& desc, std::string* message, bool* has_size_word);
// A size in Pango units must be in (0, 4096 px]; `what` names where it came from.
Status check_pango_size(int64_t size, const std::string& what);
// Every attribute of parsed markup that sets a size (size, absolute size, font description).
Status check_markup_sizes(PangoAttrList* attrs);
// Sizes times markup scales, range by range, far past the 4096 px bound: refused before Pango
// shapes with them (base_size in Pango units).
Status check_scaled_sizes(PangoAttrList* attrs, int base_size);

// Pango's paragraph separators: \n, \r, \r\n and U+2029. Calls fn(start, length) for each
// paragraph, separators excluded; a text ending in a separator ends with an empty paragraph,
// as Pango's last line.
template <typename Fn>
void for_each_paragraph(std::string_view text, Fn&& fn) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t separator = 0;
    if (text[i] == '\n') {
      separator = 1;
    } else if (text[i] == '\r') {
      separator = i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
    } else if (text.compare(i, 3, "\xE2\x80\xA9") == 0) {
      separator = 3;
    }
    if (separator == 0) continue;
    fn(start, i - start);
    i += separator - 1;
    start = i + 1;
  }
  fn(start, text.size() - start);
}

// The attributes of [start, start + length) of a text, moved to start at 0 (a new list, owned
// by the caller). `sorted` holds the text's attributes by start index; `next` and `active`
// carry over between paragraphs taken in order, so that the whole text costs one pass plus
// the attributes spanning each paragraph.
PangoAttrList* paragraph_attributes(const std::vector<PangoAttribute*>& sorted, size_t* next,
                                    std::vector<PangoAttribute*>* active, size_t start,
                                    size_t length);

// paragraph_attributes over a text's attribute list (null: none), paragraph after paragraph.
class ParagraphAttributes {
 public:
  explicit ParagraphAttributes(PangoAttrList* attrs);
  ~ParagraphAttributes();
  ParagraphAttributes(const ParagraphAttributes&) = delete;
  ParagraphAttributes& operator=(const ParagraphAttributes&) = delete;
  // The next paragraph's attributes (a new list, owned by the caller).
  PangoAttrList* take(size_t start, size_t length) {
    return paragraph_attributes(sorted_, &next_, &active_, start, length);
  }
  // How many attribute copies take() would make over all of `text`'s paragraphs, at most: one
  // per paragraph that an attribute reaches (O(paragraphs + attributes log attributes)).
  uint64_t copies(std::string_view text) const;

 private:
  GSList* all_ = nullptr;
  std::vector<PangoAttribute*> sorted_, active_;
  size_t next_ = 0;
};

}  // namespace glyphstream::text
