#include "baselines/shape_wrap_baseline.h"

#include <hb.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangoft2.h>

#include <cstdint>

#include "text/fontconfig_setup.h"
#include "text/hex_box.h"

namespace glyphstream::baseline {

struct ShapeWrapBaseline::Impl {
  PangoFontMap* map = nullptr;
  PangoContext* context = nullptr;
  hb_buffer_t* buffer = nullptr;
  bool direct_hb = false;

  // As pango_shape_internal (Pango 1.50) sets HarfBuzz up for a left-to-right item with no
  // features, no hyphen and no letter spacing; the whole paragraph is the shaping context.
  void shape_direct(std::string_view text, const PangoItem* item, PangoGlyphString* glyphs) {
    hb_font_t* font = pango_font_get_hb_font(item->analysis.font);
    hb_buffer_clear_contents(buffer);
    hb_buffer_set_direction(buffer, HB_DIRECTION_LTR);
    hb_buffer_set_script(buffer, hb_script_t(g_unicode_script_to_iso15924(
                                     static_cast<GUnicodeScript>(item->analysis.script))));
    hb_buffer_set_language(
        buffer, hb_language_from_string(pango_language_to_string(item->analysis.language), -1));
    hb_buffer_set_cluster_level(buffer, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_buffer_set_invisible_glyph(buffer, PANGO_GLYPH_EMPTY);
    hb_buffer_add_utf8(buffer, text.data(), int(text.size()), unsigned(item->offset), item->length);
    hb_shape(font, buffer, nullptr, 0);
    const unsigned n = hb_buffer_get_length(buffer);
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, nullptr);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, nullptr);
    pango_glyph_string_set_size(glyphs, int(n));
    int last_cluster = -1;
    for (unsigned i = 0; i < n; ++i) {
      glyphs->glyphs[i].glyph = info[i].codepoint;
      glyphs->log_clusters[i] = int(info[i].cluster) - item->offset;
      glyphs->glyphs[i].attr.is_cluster_start = glyphs->log_clusters[i] != last_cluster;
      last_cluster = glyphs->log_clusters[i];
      glyphs->glyphs[i].geometry.width = pos[i].x_advance;
      glyphs->glyphs[i].geometry.x_offset = pos[i].x_offset;
      glyphs->glyphs[i].geometry.y_offset = -pos[i].y_offset;
    }
  }
};

ShapeWrapBaseline::ShapeWrapBaseline(bool direct_hb) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.direct_hb = direct_hb;
  impl.map = pango_ft2_font_map_new();
  pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(impl.map), 72, 72);
  pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(impl.map), text::substitute_no_hinting,
                                           nullptr, nullptr);
  impl.context = pango_font_map_create_context(impl.map);
  pango_context_set_round_glyph_positions(impl.context, FALSE);
  text::install_pango_cairo_metrics(impl.map, impl.context);
  impl.buffer = hb_buffer_create();
}

ShapeWrapBaseline::~ShapeWrapBaseline() {
  hb_buffer_destroy(impl_->buffer);
  g_object_unref(impl_->context);
  g_object_unref(impl_->map);
}

ShapeWrapResult ShapeWrapBaseline::layout(std::string_view text, const std::string& font,
                                          float wrap_px) {
  Impl& impl = *impl_;
  ShapeWrapResult out;
  PangoFontDescription* desc = pango_font_description_from_string(font.c_str());
  pango_context_set_font_description(impl.context, desc);
  pango_font_description_free(desc);
  PangoAttrList* attrs = pango_attr_list_new();
  const int length = int(text.size());
  GList* items = pango_itemize(impl.context, text.data(), 0, length, attrs, nullptr);
  pango_attr_list_unref(attrs);
  const int chars = int(g_utf8_strlen(text.data(), length));
  std::vector<PangoLogAttr> breaks(size_t(chars) + 1);
  pango_get_log_attrs(text.data(), length, -1, pango_language_get_default(), breaks.data(),
                      chars + 1);

  struct Shaped {
    PangoItem* item;
    PangoGlyphString* glyphs;
    int first_char;
  };
  std::vector<Shaped> shaped;
  std::vector<int> widths(size_t(chars) + 1);
  int first_char = 0;
  for (GList* l = items; l != nullptr; l = l->next) {
    auto* item = static_cast<PangoItem*>(l->data);
    PangoGlyphString* glyphs = pango_glyph_string_new();
    if (impl.direct_hb) {
      impl.shape_direct(text, item, glyphs);
    } else {
      pango_shape_full(text.data() + item->offset, item->length, text.data(), length,
                       &item->analysis, glyphs);
    }
    pango_glyph_string_get_logical_widths(glyphs, text.data() + item->offset, item->length,
                                          item->analysis.level, widths.data() + first_char);
    shaped.push_back({item, glyphs, first_char});
    first_char += item->num_chars;
  }
  g_list_free(items);
  out.items = int(shaped.size());

  // Greedy: a line ends at its last break opportunity before the character that overflows
  // (or before that character, if the line has none).
  const int64_t wrap = int64_t(double(wrap_px) * PANGO_SCALE);
  std::vector<char> line_start(size_t(chars) + 1, 0);
  line_start[0] = 1;
  int64_t width = 0;
  int start = 0, last_break = -1;
  for (int i = 0; i < chars; ++i) {
    if (i > start && breaks[size_t(i)].is_line_break) last_break = i;
    if (i > start && width + widths[size_t(i)] > wrap) {
      const int at = last_break > start ? last_break : i;
      line_start[size_t(at)] = 1;
      width = 0;
      for (int k = at; k < i; ++k) width += widths[size_t(k)];
      start = at;
      last_break = -1;
    }
    width += widths[size_t(i)];
  }
  for (int i = 0; i < chars; ++i) out.lines += line_start[size_t(i)];

  int64_t pen = 0;
  for (const Shaped& s : shaped) {
    const char* base = text.data() + s.item->offset;
    int byte = 0, ch = s.first_char;
    for (int g = 0; g < s.glyphs->num_glyphs; ++g) {
      const PangoGlyphInfo& info = s.glyphs->glyphs[g];
      for (const int cluster = s.glyphs->log_clusters[g]; byte < cluster; ++ch) {
        byte = int(g_utf8_next_char(base + byte) - base);
      }
      if (info.attr.is_cluster_start && line_start[size_t(ch)]) pen = 0;
      out.x.push_back(float(double(pen + info.geometry.x_offset) / PANGO_SCALE));
      pen += info.geometry.width;
    }
    pango_glyph_string_free(s.glyphs);
    pango_item_free(s.item);
  }
  return out;
}

}  // namespace glyphstream::baseline
