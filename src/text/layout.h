// Text layout through Pango (pangoft2 + fontconfig, HarfBuzz shaping inside): UTF-8 text and a
// style in, positioned glyphs out. A Layouter from create() is used on the thread that created
// it (its font map is that thread's, shared by the thread's Layouters); one from
// create_unshared() has a font map of its own and may move between threads, one at a time, so
// that several lay out in parallel (pipeline/layout_prefetch.h). Pango types stay in src/text/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/paragraph.h"
#include "glyphstream/rendering.h"
#include "glyphstream/status.h"
#include "text/decoration.h"
#include "text/font_registry.h"
#include "text/ink_box.h"
#include "text/layout_queries.h"

struct _PangoFontMap;  // PangoFontMap (pango-types.h)

namespace glyphstream::text {

// Unicode's Stream-Safe Text Format (UAX #15) allows at most 30 non-starters in a row: no
// natural language needs more. Counted (text/pango_limits.h): marks (Mn, Mc, Me) and the joiners
// and grapheme joiner (ZWNJ, ZWJ, CGJ) that do not interrupt a mark stack for the shaper.
constexpr size_t kMaxClusterMarks = 30;

struct ShapedGlyph {
  FaceId face = 0;
  uint32_t glyph_id = 0;
  uint32_t size_26_6 = 0;      // the face's pixel size in 1/64 px, as the rasterizer must use it
  float x = 0;                 // pen position of the glyph origin on the baseline, px, from the
  float y = 0;                 // layout's top-left corner, y down; sub-pixel x is kept
  uint32_t color_rgba = 0;     // from markup: rgb if has_color, alpha if has_alpha (markup_color.h)
  bool has_color = false;      // foreground
  bool has_alpha = false;      // fgalpha (or the alpha of foreground="#rrggbbaa")
  bool is_color_font = false;  // the face has colour glyphs (emoji)
  bool whole_pixel = false;    // the pen lands on a whole pixel (--subpixel-positions off, a
                               // hinted or a monochrome glyph)
  uint16_t render = 0;         // render mode and coverage curve (text/rendering_options.h;
                               // atlas GlyphKey::flags)
  InkBox ink;                  // where its raster can be, from the pen (culling; ink_box.h)
  uint16_t angle_bin = 0;      // raster rotation, 1/16 degree counter-clockwise: --rotate plus
                               // the run's gravity (text/rotation.h); 0 upright
};

struct LayoutParams {
  std::string font = "Sans 16";  // Pango font description; sizes are in pixels
  float wrap_width = 0;          // px; 0 = no wrapping
  bool markup = false;           // parse Pango markup (<span foreground=...>, <b>, ...)
  ParagraphStyle paragraph;      // pango-view's paragraph options (text/paragraph_options.h)
  RenderingStyle rendering{};    // antialiasing, hinting, positions (text/rendering_options.h)
  bool keep_queries = false;     // keep the paragraphs' PangoLayouts (LayoutResult::queries)
};

struct LayoutResult {
  std::vector<ShapedGlyph> glyphs;
  float width = 0;  // logical extents, px
  float height = 0;
  float line_height = 0;  // of the first line
  float baseline = 0;     // of the first line, from the top
  int line_count = 0;
  std::vector<FaceId> faces_used;  // distinct faces, in first-use order
  // Backgrounds, underlines, overlines, strikethroughs and error squiggles from markup, in
  // Pango's drawing order (empty for plain text). See text/decoration.h.
  std::vector<Decoration> decorations;
  // Marks dropped from runs longer than kMaxClusterMarks (text/pango_limits.h).
  uint32_t marks_dropped = 0;
  // Each line, in text order, as it moved from its paragraph's own PangoLayout to the whole
  // text (text/line_placement.h), px: a paragraph layout's coordinates plus these are the
  // text's (for questions asked of a paragraph's layout, such as hit tests).
  struct LineOffset {
    float dx = 0, dy = 0;
  };
  std::vector<LineOffset> line_offsets;
  // Rotated text (--rotate): the matrix from layout coordinates (Pango's answers) to the drawn
  // ones, pango-view's: the context's rotation, then the turned box's top-left corner at the
  // origin (x' = xx x + xy y + x0, y' = yx x + yy y + y0). Identity when upright.
  double matrix[6] = {1, 0, 0, 1, 0, 0};  // xx, xy, yx, yy, x0, y0
  // The Pango layouts this was made of, for an application's questions (TextLayout); null
  // unless LayoutParams::keep_queries.
  std::shared_ptr<const LayoutQueries> queries;
};

class Layouter {
 public:
  // Creates a Pango font map (fontconfig) at 72 dpi so that font sizes are pixels, with glyph
  // positions not rounded (sub-pixel positioning, unless a style asks for whole pixels) and
  // hinting of metrics off.
  static Result<std::unique_ptr<Layouter>> create(FontRegistry* registry);
  // The same with a font map of its own instead of the thread's: a Layouter that moves between
  // threads (one thread at a time; pipeline/layout_prefetch.h keeps them for the workers).
  static Result<std::unique_ptr<Layouter>> create_unshared(FontRegistry* registry);
  ~Layouter();

  // Validates UTF-8 (kInvalidUtf8 with the byte offset), the size (kInvalidArgument for <= 0
  // or > 4096 px), the paragraph and rendering styles (check_paragraph_style,
  // check_rendering_style) and markup (kInvalidArgument with Pango's message), then lays out.
  // rendering.whole_pixel_positions: Pango rounds glyph positions and advances to whole pixels
  // (pango_context_set_round_glyph_positions, as pango-view without --subpixel-positions).
  Result<LayoutResult> layout(std::string_view utf8, const LayoutParams& params);

  // Makes an application font file available to layout (fontconfig app font).
  Status add_font_file(const std::string& path);
  // For a Layouter kept for another TextSystem (create_unshared): face ids from `registry`
  // from now on, and its font map told of application fonts any Layouter added since it last
  // looked (fontconfig's configuration is process-wide; a font map caches its fontsets). Cheap
  // when neither changed.
  void rebind(FontRegistry* registry);

 private:
  Layouter() = default;
  static Result<std::unique_ptr<Layouter>> make(FontRegistry* registry, ::_PangoFontMap* map,
                                                ::_PangoFontMap* hinted,
                                                std::shared_ptr<std::recursive_mutex> lock);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glyphstream::text
