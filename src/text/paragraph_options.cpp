#include "text/paragraph_options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace glyphstream::text {
namespace {

using P = ParagraphStyle;

std::string number(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status invalid(const std::string& field, const std::string& why) {
  return Status(ErrorCode::kInvalidArgument, "paragraph style: " + field + " " + why);
}

// A finite length within +-kMaxLength px (min_zero: and not negative).
Status check_length(const char* field, float v, bool min_zero) {
  if (!std::isfinite(v)) return invalid(field, "is " + number(v) + ", not a finite number");
  if (std::fabs(v) > P::kMaxLength) {
    return invalid(field, number(v) + " px is beyond " + number(P::kMaxLength) + " px");
  }
  if (min_zero && v < 0) return invalid(field, number(v) + " px must not be negative");
  return {};
}

Status check_height(float h) {
  if (!std::isfinite(h)) return invalid("height", "is " + number(h) + ", not a finite number");
  if (h >= 0) return check_length("height", h, true);
  // Negative: a number of lines per paragraph, as pango-view's --height=-N.
  if (h != std::floor(h)) {
    return invalid("height",
                   number(h) + " is negative (lines per paragraph) but not a whole number");
  }
  if (-double(h) > P::kMaxHeightLines) {
    return invalid("height", number(h) + " lines per paragraph is beyond -" +
                                 std::to_string(P::kMaxHeightLines));
  }
  return {};
}

Status check_tabs(const std::vector<float>& tabs) {
  if (tabs.size() > P::kMaxTabStops) {
    return invalid("tabs", "has " + std::to_string(tabs.size()) + " stops; at most " +
                               std::to_string(P::kMaxTabStops));
  }
  for (size_t i = 0; i < tabs.size(); ++i) {
    const std::string field = "tabs[" + std::to_string(i) + "]";
    GS_TRY(check_length(field.c_str(), tabs[i], true));
    if (i > 0 && !(tabs[i] > tabs[i - 1])) {
      return invalid(field, number(tabs[i]) + " px is not after the stop before it (" +
                                number(tabs[i - 1]) + " px): stops must ascend");
    }
  }
  return {};
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

// A plausible BCP 47 tag (or a POSIX locale name, as pango-view takes "en_US"): subtags of 1-8
// letters and digits separated by '-' or '_'; the first is a language (2-8 letters) or the
// private-use / grandfathered singleton x or i.
Status check_language(const std::string& tag) {
  if (tag.empty()) return {};
  if (tag.size() > P::kMaxLanguageBytes) {
    return invalid("language", "is " + std::to_string(tag.size()) + " bytes; at most " +
                                   std::to_string(P::kMaxLanguageBytes));
  }
  const auto bad = [&] {
    std::string shown;
    for (char c : tag) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    return invalid("language", "'" + shown +
                                   "' is not a BCP 47 language tag (like \"ja\", \"zh-CN\", "
                                   "\"sr-Latn\")");
  };
  size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    size_t end = start;
    while (end < tag.size() && tag[end] != '-' && tag[end] != '_') ++end;
    const size_t n = end - start;
    if (n == 0 || n > 8) return bad();
    for (size_t i = start; i < end; ++i) {
      if (first ? !is_alpha(tag[i]) : !is_alnum(tag[i])) return bad();
    }
    if (first && n == 1 && tag[start] != 'x' && tag[start] != 'X' && tag[start] != 'i' &&
        tag[start] != 'I') {
      return bad();
    }
    first = false;
    start = end + 1;
  }
  return {};
}

template <typename E>
Status check_enum(const char* field, E v, E last) {
  if (static_cast<unsigned>(v) <= static_cast<unsigned>(last)) return {};
  return invalid(field, std::to_string(static_cast<unsigned>(v)) + " is not a value of its enum");
}

}  // namespace

Status check_paragraph_style(const ParagraphStyle& p) {
  GS_TRY(check_enum("align", p.align, Align::kRight));
  GS_TRY(check_enum("wrap", p.wrap, WrapMode::kChar));
  GS_TRY(check_enum("ellipsize", p.ellipsize, EllipsizeMode::kEnd));
  GS_TRY(check_enum("gravity", p.gravity, Gravity::kAuto));
  GS_TRY(check_enum("gravity_hint", p.gravity_hint, GravityHint::kLine));
  GS_TRY(check_length("indent", p.indent, false));
  GS_TRY(check_length("spacing", p.spacing, false));
  if (!std::isfinite(p.line_spacing) || p.line_spacing < 0 || p.line_spacing > P::kMaxLineSpacing) {
    return invalid("line_spacing", number(p.line_spacing) + " must be a factor in [0, " +
                                       number(P::kMaxLineSpacing) + "] (0: the font's)");
  }
  GS_TRY(check_height(p.height));
  GS_TRY(check_tabs(p.tabs));
  GS_TRY(check_language(p.language));
  if (!std::isfinite(p.rotate) || std::fabs(p.rotate) > P::kMaxRotateDegrees) {
    return invalid("rotate", number(p.rotate) + " must be finite degrees within +-" +
                                 number(P::kMaxRotateDegrees));
  }
  return {};
}

int pango_units(float px) { return static_cast<int>(std::lround(double(px) * PANGO_SCALE)); }

ContextOptions context_options(const ParagraphStyle& p) {
  ContextOptions o;
  o.base_dir = p.rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR;
  o.language = p.language;
  switch (p.gravity_hint) {
    case GravityHint::kNatural:
      o.gravity_hint = PANGO_GRAVITY_HINT_NATURAL;
      break;
    case GravityHint::kStrong:
      o.gravity_hint = PANGO_GRAVITY_HINT_STRONG;
      break;
    case GravityHint::kLine:
      o.gravity_hint = PANGO_GRAVITY_HINT_LINE;
      break;
  }
  static constexpr PangoGravity kGravity[] = {PANGO_GRAVITY_SOUTH, PANGO_GRAVITY_EAST,
                                              PANGO_GRAVITY_NORTH, PANGO_GRAVITY_WEST,
                                              PANGO_GRAVITY_AUTO};
  o.base_gravity = kGravity[static_cast<unsigned>(p.gravity)];
  if (o.base_gravity == PANGO_GRAVITY_AUTO) {
    // What pango_context_get_gravity resolves auto to under pango-view's matrix. The context
    // itself carries no matrix: Pango keys its fonts by the matrix, so every new angle would
    // load every font again (3x the layout time of a cold page, "Rotated text" in
    // docs/performance/issue-22-application-surface.md), while a pure rotation leaves Pango's
    // positions as they are (layout_query_test compares with layouts made under the matrix).
    // The matrix is applied after layout (text/rotation.h).
    PangoMatrix matrix = PANGO_MATRIX_INIT;
    pango_matrix_rotate(&matrix, double(p.rotate));
    o.base_gravity = pango_gravity_get_for_matrix(&matrix);
  }
  return o;
}

PangoContext* create_context(PangoFontMap* map, const ContextOptions& o) {
  PangoContext* context = pango_font_map_create_context(map);
  pango_context_set_round_glyph_positions(context, o.round_positions ? TRUE : FALSE);
  // pango-view's do_output(): language, base direction, base gravity, gravity hint (--rotate's
  // matrix is not set: context_options says why).
  pango_context_set_language(context, o.language.empty()
                                          ? pango_language_get_default()
                                          : pango_language_from_string(o.language.c_str()));
  pango_context_set_base_dir(context, o.base_dir);
  pango_context_set_base_gravity(context, o.base_gravity);
  pango_context_set_gravity_hint(context, o.gravity_hint);
  return context;
}

ContextCache::~ContextCache() {
  for (auto& entry : contexts_) g_object_unref(entry.second);
}

PangoContext* ContextCache::get(PangoFontMap* map, const ContextOptions& options) {
  for (auto it = contexts_.begin(); it != contexts_.end(); ++it) {
    if (it->first == options) {
      std::rotate(it, it + 1, contexts_.end());
      return contexts_.back().second;
    }
  }
  if (contexts_.size() == kMaxContexts) {
    g_object_unref(contexts_.front().second);
    contexts_.erase(contexts_.begin());
  }
  contexts_.emplace_back(options, create_context(map, options));
  return contexts_.back().second;
}

PangoAlignment pango_alignment(const ParagraphStyle& p) {
  PangoAlignment align = p.align == Align::kCenter  ? PANGO_ALIGN_CENTER
                         : p.align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                    : PANGO_ALIGN_LEFT;
  if (align != PANGO_ALIGN_CENTER && p.rtl) {
    align = align == PANGO_ALIGN_LEFT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
  }
  return align;
}

PangoTabArray* make_tab_array(const ParagraphStyle& p) {
  if (p.tabs.empty()) return nullptr;
  PangoTabArray* tabs = pango_tab_array_new(static_cast<int>(p.tabs.size()), FALSE);
  for (size_t i = 0; i < p.tabs.size(); ++i) {
    pango_tab_array_set_tab(tabs, static_cast<int>(i), PANGO_TAB_LEFT, pango_units(p.tabs[i]));
  }
  return tabs;
}

void apply_layout_options(PangoLayout* layout, const ParagraphStyle& p, int width_units,
                          const PangoTabArray* tabs) {
  // pango-view's make_layout(), in its order.
  pango_layout_set_auto_dir(layout, !p.no_auto_dir);
  pango_layout_set_ellipsize(layout, p.ellipsize == EllipsizeMode::kStart ? PANGO_ELLIPSIZE_START
                                     : p.ellipsize == EllipsizeMode::kMiddle
                                         ? PANGO_ELLIPSIZE_MIDDLE
                                     : p.ellipsize == EllipsizeMode::kEnd ? PANGO_ELLIPSIZE_END
                                                                          : PANGO_ELLIPSIZE_NONE);
  pango_layout_set_justify(layout, p.justify);
  pango_layout_set_justify_last_line(layout, p.justify_last_line);
  pango_layout_set_single_paragraph_mode(layout, p.single_par);
  pango_layout_set_wrap(layout, p.wrap == WrapMode::kWord   ? PANGO_WRAP_WORD
                                : p.wrap == WrapMode::kChar ? PANGO_WRAP_CHAR
                                                            : PANGO_WRAP_WORD_CHAR);
  if (width_units >= 0) pango_layout_set_width(layout, width_units);
  // 0 is pango-view's default, Pango's -1; a negative height is a whole number of lines.
  pango_layout_set_height(layout, p.height > 0   ? pango_units(p.height)
                                  : p.height < 0 ? static_cast<int>(p.height)
                                                 : -1);
  if (p.indent != 0) pango_layout_set_indent(layout, pango_units(p.indent));
  if (p.spacing != 0) {
    pango_layout_set_spacing(layout, pango_units(p.spacing));
    pango_layout_set_line_spacing(layout, 0.0f);
  }
  pango_layout_set_line_spacing(layout, p.line_spacing);
  pango_layout_set_alignment(layout, pango_alignment(p));
  if (tabs != nullptr) pango_layout_set_tabs(layout, const_cast<PangoTabArray*>(tabs));
}

PangoDirection first_strong_direction(std::string_view text) {
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  return pango_find_base_dir(text.data(), static_cast<int>(text.size()));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

bool needs_whole_layout(const ParagraphStyle& p) { return p.single_par || p.height > 0; }

}  // namespace glyphstream::text
