#include "text/hex_box.h"

#include <pango/pangofc-font.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "text/hint_metrics.h"

namespace glyphstream::text {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

using GetGlyphExtents = void (*)(PangoFont*, PangoGlyph, PangoRectangle*, PangoRectangle*);
using GetMetrics = PangoFontMetrics* (*)(PangoFont*, PangoLanguage*);
GetGlyphExtents original_get_glyph_extents = nullptr;
GetMetrics original_get_metrics = nullptr;

GQuark hex_box_quark() {
  static const GQuark quark = g_quark_from_static_string("glyphstream-hex-box");
  return quark;
}

void free_hex_box(gpointer data) {
  auto* info = static_cast<HexBoxInfo*>(data);
  if (info->mini_font != nullptr) g_object_unref(info->mini_font);
  delete info;
}

// The mini font: the font's description with family "monospace" and size / 2.2, loaded from
// the font's own map (pangocairo-font.c, _pango_cairo_font_private_get_hex_box_info).
PangoFont* load_mini_font(PangoFont* font, double mini_size) {
  PangoFontMap* map = pango_font_get_font_map(font);
  if (map == nullptr) return nullptr;
  PangoFontDescription* desc = pango_font_describe_with_absolute_size(font);
  pango_font_description_unset_fields(desc, PANGO_FONT_MASK_GRAVITY);
  pango_font_description_set_family_static(desc, "monospace");
  pango_font_description_set_absolute_size(desc, pango_units_from_double(mini_size));
  PangoContext* context = pango_font_map_create_context(map);
  pango_context_set_language(context, pango_language_from_string("en"));
  PangoFont* mini = pango_font_map_load_font(map, context, desc);
  g_object_unref(context);
  pango_font_description_free(desc);
  return mini;
}

// cairo's font extents of `font`, px: with hint metrics on, FreeType's size metrics (whole
// pixels, as cairo-ft-font.c takes them); off, the font's unrounded ascent and descent.
struct FontExtents {
  double ascent = 0, descent = 0;
};
FontExtents font_extents(PangoFont* font, bool hinted) {
  FontExtents e;
  if (hinted) {
    FT_Face face = lock_ft_face(font);
    if (face != nullptr && face->size != nullptr) {
      e.ascent = face->size->metrics.ascender / 64.0;
      e.descent = -face->size->metrics.descender / 64.0;
    }
    unlock_ft_face(font);
    return e;
  }
  PangoFontMetrics* metrics = pango_font_get_metrics(font, nullptr);
  e.ascent = pango_font_metrics_get_ascent(metrics) / double(PANGO_SCALE);
  e.descent = pango_font_metrics_get_descent(metrics) / double(PANGO_SCALE);
  pango_font_metrics_unref(metrics);
  return e;
}

// The ink width and height of one digit of the mini font, px: cairo's text extents, which
// with hint metrics on are FreeType's unhinted glyph box rounded out to whole pixels.
void digit_extents(PangoFont* mini, PangoGlyph glyph, bool hinted, double* w, double* h) {
  PangoRectangle box;
  if (hinted && cairo_hinted_ink(mini, glyph, &box)) {
    *w = box.width / double(PANGO_SCALE), *h = box.height / double(PANGO_SCALE);
    return;
  }
  PangoRectangle ink;
  pango_font_get_glyph_extents(mini, glyph, &ink, nullptr);
  *w = ink.width / double(PANGO_SCALE), *h = ink.height / double(PANGO_SCALE);
}

HexBoxInfo* compute_hex_box(PangoFont* font) {
  PangoFontDescription* desc = pango_font_describe_with_absolute_size(font);
  const double size = pango_font_description_get_size(desc) / double(PANGO_SCALE);
  pango_font_description_free(desc);
  // With hint metrics on, pango-cairo rounds the mini font's size and every length of the box
  // up to whole pixels (HINT()).
  const bool hinted = metrics_hinted(font);
  const FontExtents fe = font_extents(font, hinted);
  const double extent = fe.ascent + fe.descent;
  const double mini_size = hinted ? hint_px(size / 2.2) : size / 2.2;
  PangoFont* mini = !(extent > 0) ? nullptr : load_mini_font(font, mini_size);
  if (mini == nullptr || !PANGO_IS_FC_FONT(mini)) {
    if (mini != nullptr) g_object_unref(mini);
    return nullptr;
  }
  auto* info = new HexBoxInfo;
  info->mini_font = mini;
  for (int i = 0; i < 16; ++i) {
    double w = 0, h = 0;
    digit_extents(mini, pango_fc_font_get_glyph(PANGO_FC_FONT(mini), kHexDigits[i]), hinted, &w,
                  &h);
    info->digit_width = std::max(info->digit_width, w);
    info->digit_height = std::max(info->digit_height, h);
  }
  info->pad = std::min(extent / 43, mini_size);
  if (hinted) {
    info->digit_width = hint_px(info->digit_width);
    info->digit_height = hint_px(info->digit_height);
    info->pad = hint_px(info->pad);
  }
  info->line_width = info->pad;
  info->box_height = 3 * info->pad + info->rows * (info->pad + info->digit_height);
  if (info->box_height <= fe.ascent) {
    info->box_descent = 2 * info->pad;
  } else if (info->box_height <= extent - 2 * info->pad) {
    info->box_descent = 2 * info->pad + info->box_height - fe.ascent;
  } else {
    info->box_descent = fe.descent * info->box_height / extent;
  }
  if (hinted) info->box_descent = hint_px(info->box_descent);
  return info;
}

// pango-cairo's extents of an unknown glyph (pangocairo-font.c), for every other glyph the
// font class's own, its ink and logical rectangles rounded out where the font's metrics are
// hinted (hint_metrics.h).
void get_glyph_extents(PangoFont* font, PangoGlyph glyph, PangoRectangle* ink,
                       PangoRectangle* logical) {
  const HexBoxInfo* hbi = (glyph & PANGO_GLYPH_UNKNOWN_FLAG) ? hex_box_info(font) : nullptr;
  if (hbi == nullptr) {
    original_get_glyph_extents(font, glyph, ink, logical);
    if (metrics_hinted(font)) {
      if (ink != nullptr) cairo_hinted_ink(font, glyph, ink);
      hint_logical_rect(logical);
    }
    return;
  }
  const int cols = hex_box_columns(glyph, hbi->rows);
  const double pad = hbi->pad, cell = cols * (hbi->digit_width + pad);
  if (ink != nullptr) {
    ink->x = pango_units_from_double(pad);
    ink->y = pango_units_from_double(hbi->box_descent - hbi->box_height);
    ink->width = pango_units_from_double(3 * pad + cell);
    ink->height = pango_units_from_double(hbi->box_height);
  }
  if (logical != nullptr) {
    logical->x = 0;
    logical->y = pango_units_from_double(hbi->box_descent - (hbi->box_height + pad));
    logical->width = pango_units_from_double(5 * pad + cell);
    logical->height = pango_units_from_double(hbi->box_height + 2 * pad);
  }
}

// The font class's metrics, rounded as pango-cairo rounds them where the font's metrics are
// hinted (what Pango's empty lines take their height from).
PangoFontMetrics* get_metrics(PangoFont* font, PangoLanguage* language) {
  PangoFontMetrics* metrics = original_get_metrics(font, language);
  if (metrics != nullptr && metrics_hinted(font)) hint_font_metrics(metrics);
  return metrics;
}

}  // namespace

int hex_box_columns(uint32_t pango_glyph, int rows) {
  const uint32_t ch = pango_glyph & ~PANGO_GLYPH_UNKNOWN_FLAG;
  if (pango_glyph == PANGO_GLYPH_INVALID_INPUT || ch > 0x10FFFF) return 1;
  return (ch > 0xFFFF ? 6 : 4) / rows;
}

const HexBoxInfo* hex_box_info(PangoFont* font) {
  auto* info = static_cast<HexBoxInfo*>(g_object_get_qdata(G_OBJECT(font), hex_box_quark()));
  if (info != nullptr) return info;
  info = compute_hex_box(font);
  if (info != nullptr) g_object_set_qdata_full(G_OBJECT(font), hex_box_quark(), info, free_hex_box);
  return info;
}

void install_pango_cairo_metrics(PangoFontMap* map, PangoContext* context) {
  static std::once_flag once;
  std::call_once(once, [&] {
    PangoFontDescription* desc = pango_font_description_from_string("Sans 16px");
    PangoFont* font = pango_font_map_load_font(map, context, desc);
    pango_font_description_free(desc);
    if (font == nullptr) return;
    // The class every font of a pangoft2 map has: its vtable entry is replaced, not the fonts.
    PangoFontClass* klass = PANGO_FONT_GET_CLASS(font);
    original_get_glyph_extents = klass->get_glyph_extents;
    klass->get_glyph_extents = get_glyph_extents;
    original_get_metrics = klass->get_metrics;
    klass->get_metrics = get_metrics;
    g_object_unref(font);
  });
}

}  // namespace glyphstream::text
