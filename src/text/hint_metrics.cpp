#include "text/hint_metrics.h"

#include <cmath>
#include <unordered_map>

namespace glyphstream::text {
namespace {

GQuark hinted_quark() {
  static const GQuark quark = g_quark_from_static_string("glyphstream-hint-metrics");
  return quark;
}

GQuark ink_cache_quark() {
  static const GQuark quark = g_quark_from_static_string("glyphstream-hinted-ink");
  return quark;
}

// Per font: glyph -> its box (width < 0: not an outline).
using InkCache = std::unordered_map<PangoGlyph, PangoRectangle>;
void free_ink_cache(gpointer p) { delete static_cast<InkCache*>(p); }

PangoRectangle load_hinted_ink(PangoFont* font, PangoGlyph glyph) {
  PangoRectangle box{0, 0, -1, -1};
  FT_Face face = lock_ft_face(font);
  if (face != nullptr && FT_Load_Glyph(face, glyph, FT_LOAD_NO_HINTING) == 0 &&
      face->glyph->format == FT_GLYPH_FORMAT_OUTLINE) {
    const FT_Glyph_Metrics& m = face->glyph->metrics;
    const FT_Pos x1 = m.horiBearingX & -64, x2 = (m.horiBearingX + m.width + 63) & -64;
    const FT_Pos y1 = (-m.horiBearingY) & -64, y2 = (-m.horiBearingY + m.height + 63) & -64;
    box = {int(x1 * 16), int(y1 * 16), int((x2 - x1) * 16), int((y2 - y1) * 16)};
  }
  unlock_ft_face(font);
  return box;
}

}  // namespace

FT_Face lock_ft_face(PangoFont* font) {
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  return pango_fc_font_lock_face(PANGO_FC_FONT(font));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void unlock_ft_face(PangoFont* font) {
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  pango_fc_font_unlock_face(PANGO_FC_FONT(font));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

bool cairo_hinted_ink(PangoFont* font, PangoGlyph glyph, PangoRectangle* ink) {
  if (font == nullptr || !PANGO_IS_FC_FONT(font) || (glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 ||
      glyph == PANGO_GLYPH_EMPTY) {
    return false;
  }
  auto* cache = static_cast<InkCache*>(g_object_get_qdata(G_OBJECT(font), ink_cache_quark()));
  if (cache == nullptr) {
    cache = new InkCache;
    g_object_set_qdata_full(G_OBJECT(font), ink_cache_quark(), cache, free_ink_cache);
  }
  auto it = cache->find(glyph);
  if (it == cache->end()) it = cache->emplace(glyph, load_hinted_ink(font, glyph)).first;
  if (it->second.width < 0) return false;
  *ink = it->second;
  return true;
}

void mark_metrics_hinted(PangoFontMap* map) {
  g_object_set_qdata(G_OBJECT(map), hinted_quark(), GINT_TO_POINTER(1));
}

bool metrics_hinted(PangoFont* font) {
  PangoFontMap* map = font != nullptr ? pango_font_get_font_map(font) : nullptr;
  return map != nullptr && g_object_get_qdata(G_OBJECT(map), hinted_quark()) != nullptr;
}

void hint_logical_rect(PangoRectangle* logical) {
  if (logical == nullptr) return;
  // pangoft2 (pango_fc_font_get_raw_extents): y = -ascender, height = ascender - descender,
  // HarfBuzz's font extents (descender negative).
  const int ascender = -logical->y;
  const int descender = ascender - logical->height;
  logical->y = logical->y < 0 ? PANGO_UNITS_FLOOR(logical->y) : PANGO_UNITS_CEIL(logical->y);
  logical->height = logical->height < 0 ? PANGO_UNITS_FLOOR(ascender) - PANGO_UNITS_CEIL(descender)
                                        : PANGO_UNITS_CEIL(ascender) - PANGO_UNITS_FLOOR(descender);
}

void hint_font_metrics(PangoFontMetrics* metrics) {
  metrics->ascent = PANGO_UNITS_CEIL(metrics->ascent);
  metrics->descent = PANGO_UNITS_CEIL(metrics->descent);
  metrics->height = PANGO_UNITS_CEIL(metrics->height);
}

double hint_px(double value) { return std::ceil(value - 1e-5); }

}  // namespace glyphstream::text
