// The Layouter's internals, shared by its two files: layout.cpp (a text laid out paragraph by
// paragraph, runs walked into glyphs) and layout_fonts.cpp (what a PangoFont means to the
// pipeline, hex boxes, font files, the font map). Pango types stay in src/text/.
#pragma once

#include "text/layout.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangofc-font.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangoft2.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/utf8.h"
#include "text/font_check.h"
#include "text/fontconfig_setup.h"
#include "text/hex_box.h"
#include "text/hint_metrics.h"
#include "text/layout_input.h"
#include "text/layout_queries.h"
#include "text/line_placement.h"
#include "text/pango_limits.h"
#include "text/paragraph_options.h"
#include "text/rasterizer.h"
#include "text/rendering_options.h"
#include "text/rotation.h"

namespace glyphstream::text {
namespace detail {

inline constexpr double kDefaultFontPx = 16;  // used when the description names no size
inline constexpr size_t kMaxCachedFonts = 256;

// What a PangoFont means to the rest of the pipeline; computed once per font.
struct FontInfo {
  bool valid = false;
  FaceId face = 0;
  uint32_t size_26_6 = 0;
  bool is_color = false;
  bool zero_size = false;  // a font file, but a size that rounds to 0 px (nested <small>)
  InkBox ink;              // of every glyph (ink_box.h)
  FontHinting hinting;     // what fontconfig says about hinting it (rendering_options.h)
};

template <typename T, void (*Free)(T*)>
struct GPtr {
  T* p = nullptr;
  GPtr() = default;
  explicit GPtr(T* q) : p(q) {}
  GPtr(GPtr&& o) noexcept : p(std::exchange(o.p, nullptr)) {}
  GPtr(const GPtr&) = delete;
  GPtr& operator=(const GPtr&) = delete;
  ~GPtr() {
    if (p != nullptr) Free(p);
  }
  T* get() const { return p; }
};
inline void unref_object(void* o) { g_object_unref(o); }
using LayoutPtr = GPtr<void, unref_object>;
using FontDescPtr = GPtr<PangoFontDescription, pango_font_description_free>;
using AttrListPtr = GPtr<PangoAttrList, pango_attr_list_unref>;
using IterPtr = GPtr<PangoLayoutIter, pango_layout_iter_free>;
using ErrorPtr = GPtr<GError, g_error_free>;
inline void free_chars(char* s) { g_free(s); }
using CharsPtr = GPtr<char, free_chars>;
using TabsPtr = GPtr<PangoTabArray, pango_tab_array_free>;

struct ParagraphWalk;

}  // namespace detail
using namespace detail;  // NOLINT: the layouter's own files

struct Layouter::Impl {
  FontRegistry* registry = nullptr;
  PangoFontMap* font_map = nullptr;
  PangoFontMap* hinted_map = nullptr;  // for HintMetrics::kOn (hint_metrics.h)
  PangoContext* context = nullptr;
  ContextCache contexts;  // the layouts' contexts, per ContextOptions (paragraph_options.h)
  // PangoFont* -> face, size. Each key holds a reference so that a pointer is never reused by
  // another font while cached.
  std::unordered_map<PangoFont*, FontInfo> fonts;
  // Of the layout() call in progress (text/pango_limits.h): the longest Pango item of a wrapped
  // paragraph.
  size_t max_item_bytes = 4096;
  // The font map's lock, held while laying out: kept layouts (LayoutQueries) share its fonts.
  PangoLock pango_lock;
  bool keep_queries = false;     // of the layout() call in progress
  RenderingStyle rendering;      // of the layout() call in progress
  uint64_t font_generation = 0;  // the add_font_file() count this font map has seen

  ~Impl() {
    std::lock_guard<std::recursive_mutex> guard(*pango_lock);
    clear_fonts();
    if (context != nullptr) g_object_unref(context);
    if (font_map != nullptr) g_object_unref(font_map);
    if (hinted_map != nullptr) g_object_unref(hinted_map);
  }

  const FontInfo& font_info(PangoFont* font);
  bool append_hex_box(PangoFont* font, const PangoGlyphInfo& g, const ShapedGlyph& at,
                      std::vector<ShapedGlyph>* out);
  Status check_font_available(const PangoFontDescription* desc, const std::string& description);
  PangoFontMap* map_for(HintMetrics metrics) const {
    return metrics == HintMetrics::kOn ? hinted_map : font_map;
  }
  PangoContext* context_for(ContextOptions o) {
    o.round_positions = rendering.whole_pixel_positions;
    o.hint_metrics = rendering.hint_metrics == HintMetrics::kOn;
    return contexts.get(map_for(rendering.hint_metrics), o);
  }
  struct Paragraph {
    int64_t width = 0;  // logical, Pango units
  };
  Result<LayoutResult> lay_out_paragraphs(std::string_view plain, PangoAttrList* attrs,
                                          const PangoFontDescription* desc, int width_units,
                                          const ParagraphStyle& style);
  Result<Paragraph> lay_out_paragraph(std::string_view text, PangoAttrList* attrs,
                                      const PangoFontDescription* desc, PangoDirection forced_dir,
                                      ParagraphWalk* walk);
  Status walk_runs(PangoLayout* pl, int layout_width, ParagraphWalk* walk);
  Status check_run_sizes(PangoLayoutLine* line);
  Status check_line(PangoLayoutLine* line, const PangoRectangle& logical, int64_t* previous_y);
  void clear_fonts() {
    for (auto& [font, info] : fonts) g_object_unref(font);
    fonts.clear();
  }
};

}  // namespace glyphstream::text
