#include "text/rasterizer.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_BITMAP_H
#include FT_LCD_FILTER_H
#include FT_OUTLINE_H

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "text/drawn_glyphs.h"
#include "text/font_check.h"
#include "text/kept_outline.h"
#include "text/polygon_fill.h"
#include "text/rendering_options.h"
#include "text/resize.h"
#include "text/rotation.h"
#include "text/slot_bitmap.h"

namespace glyphstream::text {
namespace {

std::string ft_error_text(FT_Error error) {
  const char* s = FT_Error_String(error);  // null unless FreeType was built with error strings
  std::string text = "FreeType error " + std::to_string(error);
  if (s != nullptr) text += std::string(" (") + s + ")";
  return text;
}

struct FaceEntry {
  bool tried = false;  // opening was attempted (success or the error below)
  Status open_error;   // why the face cannot be used; ok if `face` is set
  FT_Face face = nullptr;
  std::shared_ptr<const std::vector<uint8_t>> data;  // keeps memory fonts alive
  std::string name;                                  // for messages
  bool color_bitmap = false;  // colour bitmap strikes only (CBDT/sbix): scale from a strike
  bool has_color = false;
  uint32_t size_26_6 = 0;  // the size last set on the face
  int strike = -1;         // the selected strike for colour bitmap faces
  float strike_ppem = 0;
  int bin = -1;  // the subpixel bin and angle whose transform is set
  int angle = 0;
};

// A failed FreeType call on one glyph: "<font>: cannot <what> glyph <id>: FreeType error ...".
Status glyph_failure(const FaceEntry& e, const char* what, uint32_t glyph_id, FT_Error ft) {
  return Status(ErrorCode::kFontLoadFailed, e.name + ": cannot " + what + " glyph " +
                                                std::to_string(glyph_id) + ": " +
                                                ft_error_text(ft));
}
}  // namespace

// FreeType's load flags for a render mode, as cairo chooses them (cairo-ft-font.c,
// _cairo_ft_options_merge and _cairo_ft_scaled_glyph_load_glyph): unhinted, else monochrome
// hinting for antialias none, light hinting for slight, normal hinting for medium and full.
static FT_Int32 load_flags_for(uint16_t mode) {
  const uint8_t hint = render_mode::hint(mode);
  if (hint == render_mode::kHintNone) return FT_LOAD_NO_HINTING | FT_LOAD_TARGET_NORMAL;
  FT_Int32 flags = FT_LOAD_TARGET_NORMAL;
  if (mode & render_mode::kMono) {
    flags = FT_LOAD_TARGET_MONO | FT_LOAD_MONOCHROME;
  } else if (hint == render_mode::kHintSlight) {
    flags = FT_LOAD_TARGET_LIGHT;
  } else if (hint == render_mode::kHintFull && (mode & render_mode::kLcd)) {
    flags = render_mode::vertical_lcd(mode) ? FT_LOAD_TARGET_LCD_V : FT_LOAD_TARGET_LCD;
  }
  if (mode & render_mode::kAutohint) flags |= FT_LOAD_FORCE_AUTOHINT;
  return flags;
}

struct Rasterizer::Impl {
  const FontRegistry* registry = nullptr;
  ColorStrikeCache* strikes = nullptr;
  FT_Library library = nullptr;
  Status library_error;
  std::vector<FaceEntry> faces;  // indexed by FaceId: O(1) lookup

  ~Impl() {
    for (FaceEntry& e : faces) {
      if (e.face != nullptr) FT_Done_Face(e.face);
    }
    if (library != nullptr) FT_Done_FreeType(library);
  }

  FaceEntry* open(FaceId id, Status* error);
  Status set_size(FaceEntry& e, uint32_t size_26_6);
  Result<PreparedGlyph> render_outline(FaceEntry& e, const RasterRequest& r);
  Status measure_outline(FaceEntry& e, const RasterRequest& r, GlyphBitmap* out);
  Status render_measured(uint8_t* dst, size_t stride);
  Result<GlyphBitmap> render_color_bitmap(FaceEntry& e, const RasterRequest& r);

  // The last prepare()'s direct glyph (in prepared_face's glyph slot) and its box: an outline,
  // or (prepared_lcd) an LCD bitmap FreeType rendered already, converted by render_prepared().
  FaceEntry* prepared_face = nullptr;
  bool prepared_lcd = false;
  bool prepared_swap_rb = false;  // bgr / vbgr
  FaceEntry* prepared_face_for_errors = nullptr;
  uint8_t prepared_curve = 0;  // the coverage curve render_prepared() applies to its box
  uint32_t prepared_glyph = 0;
  GlyphBitmap prepared;
};

FaceEntry* Rasterizer::Impl::open(FaceId id, Status* error) {
  if (id >= faces.size()) {
    // Grow to the registry's size once instead of per id.
    faces.resize(std::max<size_t>(size_t{id} + 1, registry->size()));
  }
  FaceEntry& e = faces[id];
  if (e.face != nullptr) return &e;
  if (e.tried) {
    *error = e.open_error;
    return nullptr;
  }
  e.tried = true;
  FaceSource source = registry->source(id);
  FT_Error ft = 0;
  if (source.data) {
    e.name = "in-memory font (face id " + std::to_string(id) + ")";
    e.open_error =
        check_sfnt_memory(source.data->data(), source.data->size(), source.face_index, e.name);
    if (e.open_error.ok()) {
      e.data = source.data;
      ft = FT_New_Memory_Face(library, e.data->data(), static_cast<FT_Long>(e.data->size()),
                              source.face_index, &e.face);
    }
  } else if (!source.path.empty()) {
    e.name = "font file '" + source.path + "'";
    e.open_error = check_sfnt_file(source.path, source.face_index);
    if (e.open_error.code() == ErrorCode::kIoError) {
      // From the rasterizer's point of view an unreadable registered font is a font failure.
      e.open_error = Status(ErrorCode::kFontLoadFailed, e.open_error.message());
    }
    if (e.open_error.ok())
      ft = FT_New_Face(library, source.path.c_str(), source.face_index, &e.face);
  } else {
    e.open_error = Status(ErrorCode::kFontLoadFailed, "unknown face id " + std::to_string(id));
  }
  if (e.open_error.ok() && ft != 0) {
    e.face = nullptr;
    e.open_error = Status(ErrorCode::kFontLoadFailed, e.name + ": " + ft_error_text(ft));
  }
  if (!e.open_error.ok()) {
    e.data.reset();
    *error = e.open_error;
    return nullptr;
  }
  e.has_color = FT_HAS_COLOR(e.face);
  e.color_bitmap = e.has_color && !FT_IS_SCALABLE(e.face) && e.face->num_fixed_sizes > 0;
  if (!FT_IS_SCALABLE(e.face) && !e.color_bitmap) {
    FT_Done_Face(e.face);
    e.face = nullptr;
    e.open_error = Status(ErrorCode::kFontLoadFailed,
                          e.name + ": bitmap-only fonts without colour are not supported");
    *error = e.open_error;
    return nullptr;
  }
  return &e;
}

Status Rasterizer::Impl::set_size(FaceEntry& e, uint32_t size_26_6) {
  if (e.size_26_6 == size_26_6) return Status::ok_status();
  if (e.color_bitmap) {
    // Best strike: the smallest one at least as large as the request (downscaling looks
    // better than upscaling), else the largest.
    const double want = size_26_6 / 64.0;
    int best = -1, largest = 0;
    for (int i = 0; i < e.face->num_fixed_sizes; ++i) {
      const double ppem = e.face->available_sizes[i].y_ppem / 64.0;
      if (ppem > e.face->available_sizes[largest].y_ppem / 64.0) largest = i;
      if (ppem >= want && (best < 0 || ppem < e.face->available_sizes[best].y_ppem / 64.0))
        best = i;
    }
    if (best < 0) best = largest;
    if (best != e.strike) {
      FT_Error ft = FT_Select_Size(e.face, best);
      if (ft != 0) {
        return Status(ErrorCode::kFontLoadFailed,
                      e.name + ": cannot select strike: " + ft_error_text(ft));
      }
      e.strike = best;
      e.strike_ppem = e.face->available_sizes[best].y_ppem / 64.0f;
      if (e.strike_ppem <= 0) e.strike_ppem = e.face->available_sizes[best].height;
    }
  } else {
    FT_Error ft = FT_Set_Char_Size(e.face, 0, static_cast<FT_F26Dot6>(size_26_6), 72, 72);
    if (ft != 0) {
      e.size_26_6 = 0;
      return Status(ErrorCode::kInvalidArgument, e.name + ": cannot set size " +
                                                     std::to_string(size_26_6 / 64.0) +
                                                     " px: " + ft_error_text(ft));
    }
  }
  e.size_26_6 = size_26_6;
  return Status::ok_status();
}

// Measures the loaded outline (its pixel box, in *out without pixels) and moves it to the
// box's origin, for render_measured(): FreeType's own render path allocates and frees a slot
// bitmap per glyph and the result would need a copy.
Status Rasterizer::Impl::measure_outline(FaceEntry& e, const RasterRequest& r, GlyphBitmap* out) {
  FT_Outline& outline = e.face->glyph->outline;
  if (outline.n_points == 0) return {};  // space and friends: no pixels
  FT_BBox box;
  FT_Outline_Get_CBox(&outline, &box);
  const FT_Pos x0 = box.xMin >> 6, y0 = box.yMin >> 6;                // floor
  const FT_Pos x1 = (box.xMax + 63) >> 6, y1 = (box.yMax + 63) >> 6;  // ceil
  if (x1 <= x0 || y1 <= y0) return {};
  if (x1 - x0 > 0x7FFF || y1 - y0 > 0x7FFF) {
    return Status(ErrorCode::kInvalidArgument, e.name + ": glyph " + std::to_string(r.glyph_id) +
                                                   " is too large to rasterize at this size");
  }
  out->width = static_cast<int>(x1 - x0);
  out->height = static_cast<int>(y1 - y0);
  out->left = static_cast<int>(x0);
  out->top = static_cast<int>(y1);
  out->format = PixelFormat::kCoverage8;
  FT_Outline_Translate(&outline, -x0 * 64, -y0 * 64);
  return {};
}

Status Rasterizer::Impl::render_measured(uint8_t* dst, size_t stride) {
  if (prepared_lcd) {
    lcd_bitmap_to_rgb(prepared_face->face->glyph->bitmap, prepared_swap_rb, dst, stride);
    prepared_face = nullptr;
    return {};
  }
  const FT_Error ft = render_grey_outline(library, prepared_face->face->glyph->outline,
                                          prepared.width, prepared.height, dst, stride);
  prepared_face = nullptr;
  if (ft != 0) return glyph_failure(*prepared_face_for_errors, "render", prepared_glyph, ft);
  return {};
}

Result<PreparedGlyph> Rasterizer::Impl::render_outline(FaceEntry& e, const RasterRequest& r) {
  if (e.bin != r.subpixel_bin || e.angle != r.angle_bin) {
    FT_Vector delta{static_cast<FT_Pos>(r.subpixel_bin) * 16, 0};  // bin / 4 px in 26.6
    if (r.angle_bin == 0) {
      FT_Set_Transform(e.face, nullptr, &delta);
    } else {
      // Rotated text: the outline turned about its origin, then shifted (FreeType applies the
      // matrix first). 16.16; y up, so counter-clockwise is the usual rotation matrix.
      const double a = angle_degrees(r.angle_bin) * 3.14159265358979323846 / 180.0;
      const FT_Fixed c = FT_Fixed(std::lround(std::cos(a) * 65536.0));
      const FT_Fixed s = FT_Fixed(std::lround(std::sin(a) * 65536.0));
      FT_Matrix m{c, -s, s, c};
      FT_Set_Transform(e.face, &m, &delta);
    }
    e.bin = r.subpixel_bin;
    e.angle = r.angle_bin;
  }
  // No embedded bitmaps: they ignore the transform and may be 1-bit. The sub-pixel shift is
  // applied after hinting (FT_Set_Transform), as cairo shifts a hinted glyph by its phase.
  const bool mono = (r.render & render_mode::kMono) != 0;
  FT_Int32 flags = FT_LOAD_NO_BITMAP | load_flags_for(r.render);
  if (e.has_color) flags |= FT_LOAD_COLOR | FT_LOAD_RENDER;  // COLR fonts render to BGRA
  FT_Error ft = FT_Load_Glyph(e.face, r.glyph_id, flags);
  if (ft != 0) return glyph_failure(e, "load", r.glyph_id, ft);
  const bool lcd = (r.render & render_mode::kLcd) != 0;
  if (e.face->glyph->format == FT_GLYPH_FORMAT_OUTLINE && !mono && !lcd) {
    PreparedGlyph p;
    GS_TRY(measure_outline(e, r, &p.bitmap));
    p.direct = p.keepable = p.bitmap.width > 0;
    prepared = p.bitmap;
    prepared_face = p.direct ? &e : nullptr;
    prepared_face_for_errors = &e;
    prepared_glyph = r.glyph_id;
    return p;
  }
  if (e.face->glyph->format != FT_GLYPH_FORMAT_BITMAP) {
    // LCD: cairo's render modes; the library's LCD filter (FT_LCD_FILTER_DEFAULT) was set once.
    const FT_Render_Mode mode = mono                                  ? FT_RENDER_MODE_MONO
                                : !lcd                                ? FT_RENDER_MODE_NORMAL
                                : render_mode::vertical_lcd(r.render) ? FT_RENDER_MODE_LCD_V
                                                                      : FT_RENDER_MODE_LCD;
    ft = FT_Render_Glyph(e.face->glyph, mode);
    if (ft != 0) return glyph_failure(e, "render", r.glyph_id, ft);
    const FT_Bitmap& bm = e.face->glyph->bitmap;
    const bool lcd_bitmap =
        bm.pixel_mode == FT_PIXEL_MODE_LCD || bm.pixel_mode == FT_PIXEL_MODE_LCD_V;
    if (lcd && lcd_bitmap && lcd_pixel_width(bm) > 0 && lcd_pixel_height(bm) > 0) {
      // Direct: the caller places the box, then render_prepared() converts the slot's bitmap
      // straight into the page (no bitmap of our own, no second copy).
      PreparedGlyph p{true, GlyphBitmap{}};
      p.bitmap.width = lcd_pixel_width(bm), p.bitmap.height = lcd_pixel_height(bm);
      p.bitmap.left = e.face->glyph->bitmap_left, p.bitmap.top = e.face->glyph->bitmap_top;
      p.bitmap.format = PixelFormat::kLcd24;
      const SubpixelOrder order = render_mode::order(r.render);
      prepared_swap_rb = order == SubpixelOrder::kBgr || order == SubpixelOrder::kVbgr;
      prepared_lcd = true;
      prepared = p.bitmap;
      prepared_face = prepared_face_for_errors = &e;
      prepared_glyph = r.glyph_id;
      return p;
    }
  }
  const FT_GlyphSlot slot = e.face->glyph;
  GlyphBitmap out;
  if (!slot_to_glyph_bitmap(slot->bitmap, render_mode::order(r.render), &out)) {
    return Status(ErrorCode::kUnsupported, e.name + ": glyph " + std::to_string(r.glyph_id) +
                                               " rendered in unsupported pixel mode " +
                                               std::to_string(slot->bitmap.pixel_mode));
  }
  if (out.width > 0) out.left = slot->bitmap_left, out.top = slot->bitmap_top;
  return PreparedGlyph{false, std::move(out)};
}

Result<GlyphBitmap> Rasterizer::Impl::render_color_bitmap(FaceEntry& e, const RasterRequest& r) {
  // Strikes cannot be shifted by a transform; the subpixel bin is ignored for bitmap emoji
  // (they are wide, and the renderer snaps them to whole pixels anyway).
  GlyphBitmap out;
  std::shared_ptr<const ColorStrikeCache::Strike> cached =
      strikes != nullptr ? strikes->find(r.face, e.strike, r.glyph_id) : nullptr;
  const uint8_t* pixels = nullptr;
  std::ptrdiff_t pitch = 0;
  int sw = 0, sh = 0, strike_left = 0, strike_top = 0;
  if (cached) {
    pixels = cached->bgra.data();
    pitch = std::ptrdiff_t(cached->width) * 4;
    sw = cached->width, sh = cached->height;
    strike_left = cached->left, strike_top = cached->top;
  } else {
    FT_Error ft = FT_Load_Glyph(e.face, r.glyph_id, FT_LOAD_COLOR | FT_LOAD_RENDER);
    if (ft != 0) return glyph_failure(e, "load colour", r.glyph_id, ft);
    const FT_GlyphSlot slot = e.face->glyph;
    const FT_Bitmap& bm = slot->bitmap;
    if (bm.width == 0 || bm.rows == 0) return out;
    if (bm.pixel_mode != FT_PIXEL_MODE_BGRA) {
      return Status(ErrorCode::kUnsupported,
                    e.name + ": colour glyph " + std::to_string(r.glyph_id) +
                        " is not BGRA (pixel mode " + std::to_string(bm.pixel_mode) + ")");
    }
    sw = static_cast<int>(bm.width), sh = static_cast<int>(bm.rows);
    strike_left = slot->bitmap_left, strike_top = slot->bitmap_top;
    pixels = bm.buffer;
    pitch = bm.pitch;
    if (strikes != nullptr) {
      auto strike = std::make_shared<ColorStrikeCache::Strike>();
      strike->width = sw, strike->height = sh, strike->left = strike_left, strike->top = strike_top;
      strike->bgra.resize(size_t(sw) * size_t(sh) * 4);
      for (int y = 0; y < sh; ++y) {
        std::memcpy(strike->bgra.data() + size_t(y) * size_t(sw) * 4,
                    bm.buffer + std::ptrdiff_t(y) * bm.pitch, size_t(sw) * 4);
      }
      strikes->insert(r.face, e.strike, r.glyph_id, strike);
    }
  }
  const double scale = (r.size_26_6 / 64.0) / e.strike_ppem;  // 1 at the strike's own size
  out.format = PixelFormat::kColor32;
  out.width = std::max(1, static_cast<int>(std::lround(sw * scale)));
  out.height = std::max(1, static_cast<int>(std::lround(sh * scale)));
  // The scaled size is rounded to whole pixels; the edges are placed so that the bitmap's
  // centre lands on the exactly scaled strike's centre (as cairo draws it): rounding each edge
  // on its own put emoji up to 0.75 px off (1 px up at 20 px).
  out.left = static_cast<int>(std::lround(strike_left * scale + (sw * scale - out.width) / 2));
  out.top = static_cast<int>(std::lround(strike_top * scale - (sh * scale - out.height) / 2));
  // Premultiplied BGRA strike to premultiplied RGBA at the requested size (a plain reorder when
  // the size is the strike's).
  out.pixels.resize(size_t(out.width) * size_t(out.height) * 4);
  resize_box_rgba(pixels, pitch, sw, sh, /*src_bgra=*/true, out.pixels.data(), out.width,
                  out.height);
  // Rotated text: the scaled strike resampled under the rotation (a strike has no outline).
  if (r.angle_bin != 0) return turn_color_bitmap(out, angle_degrees(r.angle_bin), 0);
  return out;
}

Rasterizer::Rasterizer(const FontRegistry* registry, ColorStrikeCache* strikes)
    : impl_(std::make_unique<Impl>()) {
  impl_->registry = registry;
  impl_->strikes = strikes;
  FT_Error ft = FT_Init_FreeType(&impl_->library);
  if (ft != 0) {
    impl_->library = nullptr;
    impl_->library_error =
        Status(ErrorCode::kInternal, "FT_Init_FreeType failed: " + ft_error_text(ft));
  } else {
    // The LCD filter cairo sets around its LCD renders (cairo-ft-font.c: its default filter is
    // FIR5, FreeType's FT_LCD_FILTER_DEFAULT). It affects only FT_RENDER_MODE_LCD(_V). A
    // FreeType without the patented filtering answers Unimplemented_Feature and renders with
    // its "Harmony" method, as it does for cairo.
    FT_Library_SetLcdFilter(impl_->library, FT_LCD_FILTER_DEFAULT);
  }
}

Rasterizer::~Rasterizer() = default;

Result<GlyphBitmap> Rasterizer::rasterize(const RasterRequest& request) {
  GS_ASSIGN_OR_RETURN(PreparedGlyph p, prepare(request));
  return finish(std::move(p));
}

Result<GlyphBitmap> Rasterizer::finish(PreparedGlyph p) {
  if (p.direct) {
    GlyphBitmap& out = p.bitmap;
    const size_t row = size_t(out.width) * size_t(bytes_per_pixel(out.format));
    out.pixels.assign(row * size_t(out.height), 0);
    GS_TRY(render_prepared(out.pixels.data(), row));
  }
  return std::move(p.bitmap);
}

Status Rasterizer::render_prepared(uint8_t* dst, size_t stride) {
  if (impl_->prepared_face == nullptr) {
    return Status(ErrorCode::kInternal, "render_prepared without a prepared outline");
  }
  GS_TRY(impl_->render_measured(dst, stride));
  // The coverage curve (RenderingStyle::coverage_gamma, coverage_contrast), on the box's rows.
  for (int y = 0; impl_->prepared_curve != 0 && y < impl_->prepared.height; ++y) {
    apply_coverage_curve(impl_->prepared_curve, dst + size_t(y) * stride, impl_->prepared.width);
  }
  return {};
}

KeptOutline Rasterizer::keep_prepared(OutlineArena& arena) {
  Impl& impl = *impl_;
  if (impl.prepared_face == nullptr || impl.prepared_lcd) return {};
  KeptOutline kept = keep_outline(impl.prepared_face->face->glyph->outline, arena);
  kept.width = impl.prepared.width;
  kept.height = impl.prepared.height;
  kept.glyph_id = impl.prepared_glyph;
  kept.curve = impl.prepared_curve;
  impl.prepared_face = nullptr;
  return kept;
}

Status Rasterizer::render_kept(const KeptOutline& kept, uint8_t* dst, size_t stride) {
  if (!kept.valid()) return Status(ErrorCode::kInternal, "render_kept without an outline");
  if (impl_->library == nullptr) return impl_->library_error;
  const FT_Error ft = render_kept_outline(impl_->library, kept, dst, stride);
  if (ft != 0) {
    return Status(
        ErrorCode::kFontLoadFailed,
        "cannot render glyph " + std::to_string(kept.glyph_id) + ": " + ft_error_text(ft));
  }
  for (int y = 0; kept.curve != 0 && y < kept.height; ++y) {
    apply_coverage_curve(kept.curve, dst + size_t(y) * stride, kept.width);
  }
  return {};
}

Result<PreparedGlyph> Rasterizer::prepare(const RasterRequest& request) {
  GS_ASSIGN_OR_RETURN(PreparedGlyph p, prepare_uncurved(request));
  const uint8_t curve = render_mode::curve(request.render);
  // LCD coverage takes no curve (nor did it before it went direct).
  impl_->prepared_curve = p.direct && !impl_->prepared_lcd ? curve : 0;
  if (!p.direct && p.bitmap.format == PixelFormat::kCoverage8) {
    apply_coverage_curve(curve, p.bitmap.pixels.data(), p.bitmap.pixels.size());
  }
  return p;
}

Result<PreparedGlyph> Rasterizer::prepare_uncurved(const RasterRequest& request) {
  Impl& impl = *impl_;
  impl.prepared_face = nullptr;
  impl.prepared_lcd = false;
  if (impl.library == nullptr) return impl.library_error;
  if (impl.registry == nullptr)
    return Status(ErrorCode::kInvalidArgument, "rasterizer has no font registry");
  if (request.size_26_6 == 0 || request.size_26_6 > kMaxRasterSize26_6) {
    return Status(ErrorCode::kInvalidArgument, "glyph size " +
                                                   std::to_string(request.size_26_6 / 64.0) +
                                                   " px out of range (must be > 0 and <= 4096 px)");
  }
  if (request.subpixel_bin > 3) {
    return Status(ErrorCode::kInvalidArgument,
                  "subpixel bin " + std::to_string(request.subpixel_bin) + " out of range (0..3)");
  }
  if (request.angle_bin >= kAngleBins) {
    return Status(ErrorCode::kInvalidArgument, "angle bin " + std::to_string(request.angle_bin) +
                                                   " out of range (0.." +
                                                   std::to_string(kAngleBins - 1) + ")");
  }
  if (!render_mode::valid(request.render)) {
    return Status(ErrorCode::kInvalidArgument,
                  "render mode " + std::to_string(request.render) + " has unknown bits");
  }
  const auto whole = [](GlyphBitmap b) { return PreparedGlyph{false, std::move(b)}; };
  if (request.glyph_id & kHexFrameGlyphFlag) return whole(render_hex_frame(request));
  if (request.glyph_id & kLineBreakArrowGlyphFlag) return whole(render_line_break_arrow(request));
  if (request.glyph_id & kRotatedRectGlyphFlag) return whole(render_rotated_rect(request));
  Status error;
  FaceEntry* e = impl.open(request.face, &error);
  if (e == nullptr) return error;
  if (request.glyph_id >= static_cast<uint32_t>(e->face->num_glyphs)) {
    return Status(ErrorCode::kInvalidArgument,
                  e->name + ": glyph id " + std::to_string(request.glyph_id) +
                      " out of range (the face has " + std::to_string(e->face->num_glyphs) +
                      " glyphs)");
  }
  GS_TRY(impl.set_size(*e, request.size_26_6));
  if (!e->color_bitmap) return impl.render_outline(*e, request);
  GS_ASSIGN_OR_RETURN(GlyphBitmap colour, impl.render_color_bitmap(*e, request));
  return whole(std::move(colour));
}

// ColorStrikeCache: color_strike_cache.cpp.

}  // namespace glyphstream::text
