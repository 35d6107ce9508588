#include "cairo_oracle.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangoft2.h>

#include <cmath>
#include <memory>

namespace glyphstream::oracle {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
void unref(void* o) { g_object_unref(o); }
using SurfacePtr =
    std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_t, cairo_surface_destroy>>;
using CairoPtr = std::unique_ptr<cairo_t, Deleter<cairo_t, cairo_destroy>>;
using ObjectPtr = std::unique_ptr<void, Deleter<void, unref>>;
using OptionsPtr = std::unique_ptr<cairo_font_options_t,
                                   Deleter<cairo_font_options_t, cairo_font_options_destroy>>;
using DescPtr = std::unique_ptr<PangoFontDescription,
                                Deleter<PangoFontDescription, pango_font_description_free>>;

void set_source(cairo_t* cr, uint32_t rgba) {
  cairo_set_source_rgba(cr, (rgba >> 24) / 255.0, ((rgba >> 16) & 0xff) / 255.0,
                        ((rgba >> 8) & 0xff) / 255.0, (rgba & 0xff) / 255.0);
}

// pango-view --pixels with the case's --antialias, --subpixel-order, --hinting, hint metrics
// and --subpixel-positions (by default --hinting none --subpixel-positions --antialias gray and
// cairo's hint metrics off: unhinted outlines and metrics, positions not rounded to whole
// pixels, grey antialiasing), as its viewer-pangocairo.c sets them on the context's cairo font
// options (--hinting auto: the hint style left to fontconfig); and what its do_output() sets on
// the context: --language (else the locale's) and --rtl. Hint metrics are set as the case's
// HintMetrics says, on or off, never left to cairo's default (an image surface's is on);
// pango-view 1.50 sets them inverted from its flag (oracle_case.h).
PangoContext* make_context(PangoFontMap* map, const ParagraphStyle& p, const RenderingStyle& r) {
  PangoContext* context = pango_font_map_create_context(map);
  OptionsPtr options(cairo_font_options_create());
  static constexpr cairo_antialias_t kAntialias[] = {CAIRO_ANTIALIAS_GRAY, CAIRO_ANTIALIAS_NONE,
                                                     CAIRO_ANTIALIAS_SUBPIXEL};
  static constexpr cairo_subpixel_order_t kOrder[] = {
      CAIRO_SUBPIXEL_ORDER_RGB, CAIRO_SUBPIXEL_ORDER_BGR, CAIRO_SUBPIXEL_ORDER_VRGB,
      CAIRO_SUBPIXEL_ORDER_VBGR};
  static constexpr cairo_hint_style_t kHintStyle[] = {
      CAIRO_HINT_STYLE_NONE, CAIRO_HINT_STYLE_DEFAULT, CAIRO_HINT_STYLE_SLIGHT,
      CAIRO_HINT_STYLE_MEDIUM, CAIRO_HINT_STYLE_FULL};
  cairo_font_options_set_antialias(options.get(), kAntialias[int(r.antialias)]);
  cairo_font_options_set_subpixel_order(options.get(), kOrder[int(r.subpixel_order)]);
  cairo_font_options_set_hint_style(options.get(), kHintStyle[int(r.hinting)]);
  cairo_font_options_set_hint_metrics(options.get(), r.hint_metrics == HintMetrics::kOn
                                                         ? CAIRO_HINT_METRICS_ON
                                                         : CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(context, options.get());
  pango_cairo_context_set_resolution(context, 72);
  pango_context_set_round_glyph_positions(context, r.whole_pixel_positions);
  pango_context_set_language(context, p.language.empty()
                                          ? pango_language_get_default()
                                          : pango_language_from_string(p.language.c_str()));
  pango_context_set_base_dir(context, p.rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
  static constexpr PangoGravity kGravity[] = {PANGO_GRAVITY_SOUTH, PANGO_GRAVITY_EAST,
                                              PANGO_GRAVITY_NORTH, PANGO_GRAVITY_WEST,
                                              PANGO_GRAVITY_AUTO};
  static constexpr PangoGravityHint kHint[] = {PANGO_GRAVITY_HINT_NATURAL,
                                               PANGO_GRAVITY_HINT_STRONG, PANGO_GRAVITY_HINT_LINE};
  pango_context_set_base_gravity(context, kGravity[int(p.gravity)]);
  pango_context_set_gravity_hint(context, kHint[int(p.gravity_hint)]);
  if (p.rotate != 0) {  // --rotate: the matrix (also what resolves --gravity auto)
    PangoMatrix matrix = PANGO_MATRIX_INIT;
    pango_matrix_rotate(&matrix, p.rotate);
    pango_context_set_matrix(context, &matrix);
  }
  return context;
}

int units(float px) { return int(std::lround(double(px) * PANGO_SCALE)); }

// pango-view's make_layout() (utils/viewer-render.c, Pango 1.50) for the paragraph flags, with
// --pixels: px are points. Written from pango-view, not from the library's code.
void set_paragraph_options(PangoLayout* layout, const ParagraphStyle& p, float width) {
  pango_layout_set_auto_dir(layout, !p.no_auto_dir);
  static constexpr PangoEllipsizeMode kEllipsize[] = {PANGO_ELLIPSIZE_NONE, PANGO_ELLIPSIZE_START,
                                                      PANGO_ELLIPSIZE_MIDDLE, PANGO_ELLIPSIZE_END};
  pango_layout_set_ellipsize(layout, kEllipsize[int(p.ellipsize)]);
  pango_layout_set_justify(layout, p.justify);
  pango_layout_set_justify_last_line(layout, p.justify_last_line);
  pango_layout_set_single_paragraph_mode(layout, p.single_par);
  static constexpr PangoWrapMode kWrap[] = {PANGO_WRAP_WORD_CHAR, PANGO_WRAP_WORD, PANGO_WRAP_CHAR};
  pango_layout_set_wrap(layout, kWrap[int(p.wrap)]);
  if (width > 0) pango_layout_set_width(layout, units(width));
  if (p.height > 0) pango_layout_set_height(layout, units(p.height));
  if (p.height < 0) pango_layout_set_height(layout, int(p.height));  // lines
  if (p.indent != 0) pango_layout_set_indent(layout, units(p.indent));
  if (p.spacing != 0) {
    pango_layout_set_spacing(layout, units(p.spacing));
    pango_layout_set_line_spacing(layout, 0.0f);
  }
  if (p.line_spacing > 0) pango_layout_set_line_spacing(layout, p.line_spacing);
  PangoAlignment align = p.align == Align::kCenter  ? PANGO_ALIGN_CENTER
                         : p.align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                    : PANGO_ALIGN_LEFT;
  // pango-view: "pango reverses left and right if base dir is rtl", so it swaps them first.
  if (align != PANGO_ALIGN_CENTER && p.rtl) {
    align = align == PANGO_ALIGN_LEFT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
  }
  pango_layout_set_alignment(layout, align);
  if (!p.tabs.empty()) {
    PangoTabArray* tabs = pango_tab_array_new(int(p.tabs.size()), FALSE);
    for (size_t i = 0; i < p.tabs.size(); ++i) {
      pango_tab_array_set_tab(tabs, int(i), PANGO_TAB_LEFT, units(p.tabs[i]));
    }
    pango_layout_set_tabs(layout, tabs);
    pango_tab_array_free(tabs);
  }
}

Status fill_layout(PangoLayout* layout, const OracleCase& c) {
  DescPtr desc(pango_font_description_from_string(c.font.c_str()));
  pango_layout_set_font_description(layout, desc.get());
  set_paragraph_options(layout, c.paragraph, c.width);
  if (!c.markup) {
    pango_layout_set_text(layout, c.text.data(), int(c.text.size()));
    return {};
  }
  GError* error = nullptr;
  if (!pango_parse_markup(c.text.data(), int(c.text.size()), 0, nullptr, nullptr, nullptr,
                          &error)) {
    std::string message = error != nullptr ? error->message : "?";
    if (error != nullptr) g_error_free(error);
    return Status(ErrorCode::kInvalidArgument, "markup: " + message);
  }
  pango_layout_set_markup(layout, c.text.data(), int(c.text.size()));
  return {};
}

// cairo's ARGB32 (premultiplied, native-endian 0xAARRGGBB words) to RGBA8 bytes.
std::vector<uint8_t> to_rgba(cairo_surface_t* surface, int w, int h) {
  cairo_surface_flush(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  std::vector<uint8_t> out(size_t(w) * size_t(h) * 4);
  for (int y = 0; y < h; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + std::ptrdiff_t(y) * stride);
    for (int x = 0; x < w; ++x) {
      const uint32_t p = row[x];
      uint8_t* o = &out[(size_t(y) * size_t(w) + size_t(x)) * 4];
      o[0] = uint8_t(p >> 16), o[1] = uint8_t(p >> 8), o[2] = uint8_t(p), o[3] = uint8_t(p >> 24);
    }
  }
  return out;
}

std::vector<LineBand> line_bands(PangoLayout* layout, int margin) {
  std::vector<LineBand> bands;
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    LineBand b;
    b.y0 = margin + int(std::floor(logical.y / double(PANGO_SCALE)));
    b.y1 = margin + int(std::ceil((logical.y + logical.height) / double(PANGO_SCALE)));
    bands.push_back(b);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return bands;
}

// pango-view's do_output() with --rotate (utils/viewer-render.c, viewer-pangocairo.c): the
// layout's box in pixels (output_body: at least the layout's width and height) turned by the
// matrix gives the image; the matrix's translation puts that box's corner at the margin, and
// cairo draws under it (pangocairo_view_transform: cairo_set_matrix, pango_cairo_update_context).
PangoMatrix rotated_placement(PangoLayout* layout, double degrees, int margin, int* w, int* h) {
  PangoMatrix matrix = PANGO_MATRIX_INIT;
  pango_matrix_rotate(&matrix, degrees);
  pango_context_set_matrix(pango_layout_get_context(layout), &matrix);
  pango_layout_context_changed(layout);
  PangoRectangle logical;
  pango_layout_get_pixel_extents(layout, nullptr, &logical);
  PangoRectangle rect{
      0, 0, std::max(logical.x + logical.width, PANGO_PIXELS(pango_layout_get_width(layout))),
      std::max(logical.y + logical.height, PANGO_PIXELS(pango_layout_get_height(layout)))};
  pango_matrix_transform_pixel_rectangle(&matrix, &rect);
  matrix.x0 = margin - rect.x;
  matrix.y0 = margin - rect.y;
  *w = rect.width + 2 * margin;
  *h = rect.height + 2 * margin;
  return matrix;
}

}  // namespace

Result<OracleImage> render_with_pango_cairo(const OracleCase& c, const std::string& png_path,
                                            RunClip run_clip) {
  // A font map of its own: the fontconfig configuration is the process's, as the library's.
  ObjectPtr map(pango_cairo_font_map_new());
  ObjectPtr context(make_context(PANGO_FONT_MAP(map.get()), c.paragraph, c.rendering));
  ObjectPtr layout_object(pango_layout_new(PANGO_CONTEXT(context.get())));
  PangoLayout* layout = PANGO_LAYOUT(layout_object.get());
  GS_TRY(fill_layout(layout, c));

  OracleImage image;
  const bool rotated = c.paragraph.rotate != 0;
  if (rotated && run_clip == RunClip::kNone) {
    return Status(ErrorCode::kInvalidArgument, "RunClip::kNone: rotated cases are not handled");
  }
  PangoMatrix matrix = PANGO_MATRIX_INIT;
  if (rotated) {
    matrix = rotated_placement(layout, c.paragraph.rotate, c.margin, &image.width, &image.height);
  } else {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    // No wrap width: as wide as the layout (pango-view's image too).
    const double width = c.width > 0 ? c.width : logical.width / double(PANGO_SCALE);
    image.width = int(std::ceil(width)) + 2 * c.margin;
    image.height = int(std::ceil(logical.height / double(PANGO_SCALE))) + 2 * c.margin;
  }
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, image.width, image.height));
  CairoPtr cr(cairo_create(surface.get()));
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_SOURCE);
  set_source(cr.get(), c.bg);
  cairo_paint(cr.get());
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_OVER);
  set_source(cr.get(), c.fg);
  if (rotated) {
    cairo_matrix_t m;
    cairo_matrix_init(&m, matrix.xx, matrix.yx, matrix.xy, matrix.yy, matrix.x0, matrix.y0);
    cairo_set_matrix(cr.get(), &m);
    pango_cairo_update_context(cr.get(), PANGO_CONTEXT(context.get()));
    pango_layout_context_changed(layout);
    cairo_move_to(cr.get(), 0, 0);
  } else {
    cairo_move_to(cr.get(), c.margin, c.margin);
    image.lines = line_bands(layout, c.margin);  // before widen_run_clips changes the runs
    auto clips = run_clip_boxes(layout, c.margin, c.margin);
    if (clips.ok()) {
      image.run_clips = std::move(*clips);
    } else if (c.rendering.antialias == Antialias::kSubpixel) {  // the cases that need them
      return clips.status();
    }
    if (run_clip == RunClip::kNone) {
      GS_TRY(widen_run_clips(layout, c.margin, c.margin, image.width, image.height));
    }
  }
  pango_cairo_show_layout(cr.get(), layout);
  cairo_identity_matrix(cr.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Status(ErrorCode::kInternal, cairo_status_to_string(cairo_status(cr.get())));
  }
  image.rgba = to_rgba(surface.get(), image.width, image.height);
  if (rotated) image.lines = {{0, image.height}};  // lines are not rows: one band
  if (!png_path.empty() &&
      cairo_surface_write_to_png(surface.get(), png_path.c_str()) != CAIRO_STATUS_SUCCESS) {
    return Status(ErrorCode::kIoError, "cairo could not write " + png_path);
  }
  return image;
}

Result<PangoLayout*> pango_cairo_layout(const OracleCase& c) {
  ObjectPtr map(pango_cairo_font_map_new());
  ObjectPtr context(make_context(PANGO_FONT_MAP(map.get()), c.paragraph, c.rendering));
  ObjectPtr layout(pango_layout_new(PANGO_CONTEXT(context.get())));
  GS_TRY(fill_layout(PANGO_LAYOUT(layout.get()), c));
  return PANGO_LAYOUT(layout.release());
}

}  // namespace glyphstream::oracle

namespace glyphstream::oracle {

Result<PangoLayout*> pango_ft2_layout(const OracleCase& c) {
  PangoFontMap* map = pango_ft2_font_map_new();
  pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(map), 72, 72);
  pango_fc_font_map_set_default_substitute(
      PANGO_FC_FONT_MAP(map),
      [](FcPattern* pattern, gpointer) {
        FcPatternDel(pattern, FC_HINTING);
        FcPatternAddBool(pattern, FC_HINTING, FcFalse);
      },
      nullptr, nullptr);
  PangoContext* context = make_context(map, c.paragraph, c.rendering);
  g_object_unref(map);  // the context holds it
  ObjectPtr layout(pango_layout_new(context));
  g_object_unref(context);  // the layout holds it
  GS_TRY(fill_layout(PANGO_LAYOUT(layout.get()), c));
  return PANGO_LAYOUT(layout.release());
}

}  // namespace glyphstream::oracle
