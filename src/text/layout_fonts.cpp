// The Layouter's fonts: what a PangoFont means to the pipeline (face, size, colour, ink box),
// missing glyphs as pango-cairo's hex boxes, the font map, application font files.
#include "text/layout_impl.h"

#include <atomic>

#include <algorithm>

namespace glyphstream::text {

const FontInfo& Layouter::Impl::font_info(PangoFont* font) {
  auto it = fonts.find(font);
  if (it != fonts.end()) return it->second;
  FontInfo info;
  if (PANGO_IS_FC_FONT(font)) {
    FcPattern* pattern = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcChar8* file = nullptr;
    int index = 0;
    if (pattern != nullptr && FcPatternGetString(pattern, FC_FILE, 0, &file) == FcResultMatch) {
      FcPatternGetInteger(pattern, FC_INDEX, 0, &index);
      FcChar8* family = nullptr;
      FcPatternGetString(pattern, FC_FAMILY, 0, &family);
      double px = 0;
      if (FcPatternGetDouble(pattern, FC_PIXEL_SIZE, 0, &px) != FcResultMatch || !(px > 0)) {
        // At 72 dpi points and pixels agree, so the description's size serves either way.
        FontDescPtr desc(pango_font_describe_with_absolute_size(font));
        px = pango_font_description_get_size(desc.get()) / double(PANGO_SCALE);
      }
      // Bitmap-only fonts (CBDT emoji) match at their strike size, and a matrix scales them to
      // the requested size: the size the glyph is laid out at is the product. The matrix also
      // holds a rotated context's turn (--rotate): its scale factor is what counts (as
      // pango_matrix_get_font_scale_factors finds it: the determinant over the x scale).
      FcMatrix* matrix = nullptr;
      if (FcPatternGetMatrix(pattern, FC_MATRIX, 0, &matrix) == FcResultMatch &&
          matrix != nullptr) {
        const double x_scale = std::hypot(matrix->xx, matrix->yx);
        const double det = matrix->xx * matrix->yy - matrix->xy * matrix->yx;
        if (x_scale > 0 && std::fabs(det) > 0) px *= std::fabs(det) / x_scale;
      }
      FcBool color = FcFalse;
      FcPatternGetBool(pattern, FC_COLOR, 0, &color);
      info.valid = px > 0;
      info.zero_size = !(px > 0);
      // The low 16 bits of FC_INDEX are the face in a collection; the rest name variations.
      info.face =
          registry->register_file(reinterpret_cast<const char*>(file), index & 0xFFFF,
                                  family != nullptr ? reinterpret_cast<const char*>(family) : "");
      // Clamped, never wrapped: a size past uint32 must still read as out of range.
      info.size_26_6 = static_cast<uint32_t>(std::lround(std::min(px * 64, 4294967295.0)));
      info.is_color = color == FcTrue;
      info.ink = font_ink_box(font, px, info.is_color);
      info.hinting = font_hinting(pattern);
    }
  }
  g_object_ref(font);
  return fonts.emplace(font, info).first->second;
}

// A missing glyph as pango-cairo draws it (pangocairo-render.c, draw_unknown_glyph): a stroked
// frame (a kHexFrameGlyphFlag glyph, placed at the frame's top-left corner) and the code
// point's hex digits in the mini font; a shown line or paragraph separator, an arrow. `at` is the
// glyph as placed by Pango. False if the font has no hex box metrics.
bool Layouter::Impl::append_hex_box(PangoFont* font, const PangoGlyphInfo& g, const ShapedGlyph& at,
                                    std::vector<ShapedGlyph>* out) {
  const HexBoxInfo* hbi = hex_box_info(font);
  if (hbi == nullptr) return false;
  const FontInfo& mini = font_info(hbi->mini_font);
  if (!mini.valid) return false;
  const double pad = hbi->pad, cx = at.x, cy = at.y;
  const uint32_t ch = g.glyph & ~PANGO_GLYPH_UNKNOWN_FLAG;
  if (ch == '\n' || ch == 0x2028 || ch == 0x2029) {  // a shown separator: an arrow instead
    const double width = g.geometry.width / double(PANGO_SCALE), length = 0.6 * width;
    ShapedGlyph arrow = at;
    arrow.is_color_font = false;
    arrow.glyph_id = line_break_arrow_glyph_id(length, std::min(hbi->digit_width, 0.75 * length),
                                               hbi->line_width);
    arrow.size_26_6 = uint32_t(std::lround(length * 64));
    arrow.x = float(cx + 0.2 * width);
    arrow.y = float(cy - (hbi->box_height - length) / 2);
    arrow.ink = flagged_glyph_ink(arrow.glyph_id, arrow.size_26_6);
    if (arrow.size_26_6 > 0) out->push_back(arrow);  // below 1/64 px: nothing to draw
    return true;
  }
  ShapedGlyph frame = at;
  frame.is_color_font = false;
  frame.size_26_6 = uint32_t(std::lround((hbi->box_height - pad) * 64));
  frame.glyph_id = hex_frame_glyph_id(g.geometry.width / double(PANGO_SCALE) - 3 * pad,
                                      hbi->line_width, frame.size_26_6 / 64.0);
  frame.x = float(cx + 1.5 * pad);
  frame.y = float(cy + hbi->box_descent - hbi->box_height + 0.5 * pad);
  frame.ink = flagged_glyph_ink(frame.glyph_id, frame.size_26_6);
  // A box below 1/64 px (a tiny font under nested <sub>) draws nothing: neither do its parts.
  if (frame.size_26_6 == 0) return true;
  out->push_back(frame);
  if (mini.size_26_6 == 0) return true;
  const int rows = hbi->rows, cols = hex_box_columns(g.glyph, rows);
  if (cols * rows < 4) return true;  // invalid input: the frame alone
  char digits[8];
  std::snprintf(digits, sizeof digits, ch > 0xFFFF ? "%06X" : "%04X", ch);
  for (int row = 0; row < rows; ++row) {
    const double y = cy + hbi->box_descent - 2 * pad - (rows - 1 - row) * (hbi->digit_height + pad);
    for (int col = 0; col < cols; ++col) {
      ShapedGlyph digit = frame;
      digit.face = mini.face;
      digit.size_26_6 = mini.size_26_6;
      digit.ink = mini.ink;
      digit.glyph_id = pango_fc_font_get_glyph(PANGO_FC_FONT(hbi->mini_font),
                                               gunichar(digits[row * cols + col]));
      digit.x = float(cx + 3 * pad + col * (hbi->digit_width + pad));
      digit.y = float(y);
      out->push_back(digit);
    }
  }
  return true;
}

namespace {

// Bumped by every add_font_file(): fontconfig's configuration is process-wide.
std::atomic<uint64_t> g_font_generation{0};

// A pangoft2 font map at glyphstream's settings: 72 dpi (pt == px), fonts' own hinting off
// (the rasterizer hints: rendering_options.h); `hinted`: for HintMetrics::kOn (hint_metrics.h).
PangoFontMap* new_font_map(bool hinted) {
  ensure_color_bitmaps_scale();
  PangoFontMap* map = pango_ft2_font_map_new();
  if (map == nullptr) return nullptr;
  pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(map), 72, 72);
  pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(map), substitute_no_hinting, nullptr,
                                           nullptr);
  if (hinted) mark_metrics_hinted(map);
  return map;
}

}  // namespace

Result<std::unique_ptr<Layouter>> Layouter::create(FontRegistry* registry) {
  // The process's current fontconfig configuration, not a private one: Pango 1.50 never
  // releases the reference pango_fc_font_map_set_config takes, so a private config (a full copy
  // of the font list) would leak with every Layouter. Hence application fonts are process-wide.
  // One font map per thread, shared by every Layouter on it (as pango_cairo does): a new
  // TextSystem then finds the fonts already loaded instead of opening and matching them again.
  // A second map per thread for HintMetrics::kOn (hint_metrics.h); its fonts load when used.
  struct ThreadFontMap {
    PangoFontMap* map = nullptr;
    PangoFontMap* hinted = nullptr;
    PangoLock lock = std::make_shared<std::recursive_mutex>();
    ~ThreadFontMap() {
      if (map != nullptr) g_object_unref(map);
      if (hinted != nullptr) g_object_unref(hinted);
    }
  };
  static thread_local ThreadFontMap shared;
  std::lock_guard<std::recursive_mutex> guard(*shared.lock);
  if (shared.map == nullptr) shared.map = new_font_map(false);
  if (shared.hinted == nullptr) shared.hinted = new_font_map(true);
  if (shared.map == nullptr || shared.hinted == nullptr) {
    return Status(ErrorCode::kInternal, "pango_ft2_font_map_new failed");
  }
  return make(registry, shared.map, shared.hinted, shared.lock);
}

Result<std::unique_ptr<Layouter>> Layouter::create_unshared(FontRegistry* registry) {
  PangoFontMap* map = new_font_map(false);
  PangoFontMap* hinted = new_font_map(true);
  Result<std::unique_ptr<Layouter>> made =
      map != nullptr && hinted != nullptr
          ? make(registry, map, hinted, std::make_shared<std::recursive_mutex>())
          : Status(ErrorCode::kInternal, "pango_ft2_font_map_new failed");
  if (map != nullptr) g_object_unref(map);  // the Layouter holds its references
  if (hinted != nullptr) g_object_unref(hinted);
  return made;
}

Result<std::unique_ptr<Layouter>> Layouter::make(FontRegistry* registry, PangoFontMap* map,
                                                 PangoFontMap* hinted, PangoLock lock) {
  if (registry == nullptr)
    return Status(ErrorCode::kInvalidArgument, "Layouter needs a FontRegistry");
  std::unique_ptr<Layouter> layouter(new Layouter());
  layouter->impl_ = std::make_unique<Impl>();
  Impl& impl = *layouter->impl_;
  impl.registry = registry;
  impl.pango_lock = std::move(lock);
  std::lock_guard<std::recursive_mutex> guard(*impl.pango_lock);
  impl.font_generation = g_font_generation.load(std::memory_order_acquire);
  impl.hinted_map = PANGO_FONT_MAP(g_object_ref(hinted));
  // Kept layouts (LayoutQueries) are laid out again by Pango when this context's serial moves:
  // it is never changed after this point.
  impl.font_map = PANGO_FONT_MAP(g_object_ref(map));
  impl.context = pango_font_map_create_context(impl.font_map);
  pango_context_set_round_glyph_positions(impl.context, FALSE);
  install_pango_cairo_metrics(impl.font_map, impl.context);
  return layouter;
}

void Layouter::rebind(FontRegistry* registry) {
  std::lock_guard<std::recursive_mutex> guard(*impl_->pango_lock);
  if (impl_->registry != registry) {
    impl_->clear_fonts();  // their face ids were the old registry's
    impl_->registry = registry;
  }
  const uint64_t generation = g_font_generation.load(std::memory_order_acquire);
  if (impl_->font_generation != generation) {
    impl_->clear_fonts();
    pango_fc_font_map_config_changed(PANGO_FC_FONT_MAP(impl_->font_map));
    pango_fc_font_map_config_changed(PANGO_FC_FONT_MAP(impl_->hinted_map));
    impl_->font_generation = generation;
  }
}

Layouter::~Layouter() = default;

Status Layouter::add_font_file(const std::string& path) {
  // A FIFO or device would block the reads below forever (or never end): only regular files.
  // A path that does not exist is left to check_sfnt_file (kIoError).
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return Status(ErrorCode::kInvalidArgument,
                  "font file '" + path + "' is not a regular file (a directory, FIFO or device)");
  }
  // Checks reachability and structure first: fontconfig would accept some truncated files and
  // only fail much later, or report nothing useful.
  GS_TRY(check_sfnt_file(path, 0));
  std::lock_guard<std::recursive_mutex> guard(*impl_->pango_lock);
  // Null: the current configuration, the one the font map uses.
  FcConfig* config = pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(impl_->font_map));
  if (!FcConfigAppFontAddFile(config, reinterpret_cast<const FcChar8*>(path.c_str()))) {
    return Status(ErrorCode::kFontLoadFailed, "fontconfig could not load font file '" + path + "'");
  }
  pango_fc_font_map_config_changed(PANGO_FC_FONT_MAP(impl_->font_map));
  pango_fc_font_map_config_changed(PANGO_FC_FONT_MAP(impl_->hinted_map));
  impl_->font_generation = g_font_generation.fetch_add(1, std::memory_order_acq_rel) + 1;
  return Status::ok_status();
}

// With no usable font (an empty font folder), Pango lays out with no font and returns
// uninitialised extents: refused here, before any layout, as kFontNotFound.
Status Layouter::Impl::check_font_available(const PangoFontDescription* desc,
                                            const std::string& description) {
  PangoFont* font = pango_font_map_load_font(font_map, context, desc);
  if (font == nullptr) {
    return Status(ErrorCode::kFontNotFound,
                  "no usable font for \"" + description +
                      "\": fontconfig lists no font file (check FONTCONFIG_FILE and the font "
                      "folders it names)");
  }
  const bool valid = font_info(font).valid;
  g_object_unref(font);
  if (!valid) {
    return Status(ErrorCode::kFontNotFound,
                  "no usable font for \"" + description + "\": the matched font has no file");
  }
  return Status::ok_status();
}

}  // namespace glyphstream::text
