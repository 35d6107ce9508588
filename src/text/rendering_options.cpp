#include "text/rendering_options.h"

#include <fontconfig/fontconfig.h>

#include <array>
#include <cmath>
#include <mutex>
#include <string>

namespace glyphstream::text {
namespace {

template <typename E>
Status check_enum(const char* field, E v, E last) {
  if (static_cast<unsigned>(v) <= static_cast<unsigned>(last)) return {};
  return Status(ErrorCode::kInvalidArgument, std::string("rendering style: ") + field + " " +
                                                 std::to_string(static_cast<unsigned>(v)) +
                                                 " is not a value of its enum");
}

}  // namespace

Status check_rendering_style(const RenderingStyle& r) {
  GS_TRY(check_enum("antialias", r.antialias, Antialias::kSubpixel));
  GS_TRY(check_enum("subpixel_order", r.subpixel_order, SubpixelOrder::kVbgr));
  GS_TRY(check_enum("hinting", r.hinting, HintStyle::kFull));
  GS_TRY(check_enum("hint_metrics", r.hint_metrics, HintMetrics::kOn));
  // gamma: 0 is off; NaN fails every comparison.
  if (!(r.coverage_gamma == 0 || (r.coverage_gamma >= 0.5f && r.coverage_gamma <= 3.f))) {
    return Status(ErrorCode::kInvalidArgument, "rendering style: coverage_gamma " +
                                                   std::to_string(r.coverage_gamma) +
                                                   " is neither 0 (off) nor in [0.5, 3]");
  }
  if (!(r.coverage_contrast >= 0.f && r.coverage_contrast <= 1.f)) {
    return Status(ErrorCode::kInvalidArgument, "rendering style: coverage_contrast " +
                                                   std::to_string(r.coverage_contrast) +
                                                   " is not in [0, 1]");
  }
  return {};
}

uint8_t coverage_curve_of(const RenderingStyle& r) {
  const int gamma = r.coverage_gamma == 0 ? 6 : int(std::lround(r.coverage_gamma * 10)) - 4;
  const int contrast = int(std::lround(r.coverage_contrast * 5));
  if (gamma == 6 && contrast == 0) return 0;  // gamma 1, no contrast: off
  return uint8_t(gamma | contrast << 5);
}

uint16_t render_word_of(const RenderingStyle& r, const FontHinting& font, bool color_glyph) {
  if (color_glyph) return 0;
  return render_mode::with_curve(render_mode_of(r, font), coverage_curve_of(r));
}

float curve_gamma(uint8_t curve) { return curve == 0 ? 1.f : float((curve & 31) + 4) / 10.f; }
float curve_contrast(uint8_t curve) { return float(curve >> 5) / 5.f; }

void apply_coverage_curve(uint8_t curve, uint8_t* coverage, size_t count) {
  if (curve == 0) return;
  using Table = std::array<uint8_t, 256>;
  static std::array<Table, 256> tables;
  static std::array<std::once_flag, 256> made;
  std::call_once(made[curve], [curve] {
    const double gamma = curve_gamma(curve), contrast = curve_contrast(curve);
    for (int i = 0; i < 256; ++i) {
      const double a = i / 255.0;
      const double boosted = a + contrast * a * (1 - a);
      tables[curve][size_t(i)] = uint8_t(std::lround(255 * std::pow(boosted, 1 / gamma)));
    }
  });
  const Table& t = tables[curve];
  for (size_t i = 0; i < count; ++i) coverage[i] = t[coverage[i]];
}

FontHinting font_hinting(const void* fc_pattern) {
  FontHinting out;
  if (fc_pattern == nullptr) return out;
  const auto* font = static_cast<const FcPattern*>(fc_pattern);
  // The pattern rules' hinting defaults (Debian's hintslight) for the font's family and size:
  // a pattern of only those, since the font's own pattern would pick up every alias family
  // and then match other families' font rules.
  FcPattern* query = FcPatternCreate();
  FcChar8* family = nullptr;
  if (FcPatternGetString(font, FC_FAMILY, 0, &family) == FcResultMatch) {
    FcPatternAddString(query, FC_FAMILY, family);
  }
  double px = 0;
  if (FcPatternGetDouble(font, FC_PIXEL_SIZE, 0, &px) == FcResultMatch) {
    FcPatternAddDouble(query, FC_PIXEL_SIZE, px);
  }
  FcConfigSubstitute(nullptr, query, FcMatchPattern);
  FcDefaultSubstitute(query);
  FcBool hinting = FcTrue, autohint = FcFalse;
  int style = FC_HINT_FULL;
  FcPatternGetBool(query, FC_HINTING, 0, &hinting);
  FcPatternGetBool(query, FC_AUTOHINT, 0, &autohint);
  FcPatternGetInteger(query, FC_HINT_STYLE, 0, &style);
  FcPatternDestroy(query);
  // Then the font rules (WenQuanYi Micro Hei refuses hinting) on the font's own pattern.
  FcPattern* p = FcPatternDuplicate(font);
  if (p == nullptr) return out;
  FcPatternDel(p, FC_HINTING);
  FcPatternDel(p, FC_HINT_STYLE);
  FcPatternDel(p, FC_AUTOHINT);
  FcPatternAddBool(p, FC_HINTING, hinting);
  FcPatternAddBool(p, FC_AUTOHINT, autohint);
  FcPatternAddInteger(p, FC_HINT_STYLE, style);
  FcConfigSubstitute(nullptr, p, FcMatchFont);
  FcPatternGetBool(p, FC_HINTING, 0, &hinting);
  FcPatternGetBool(p, FC_AUTOHINT, 0, &autohint);
  FcPatternGetInteger(p, FC_HINT_STYLE, 0, &style);
  FcPatternDestroy(p);
  out.hinting = hinting != FcFalse;
  out.autohint = autohint != FcFalse;
  out.style = style == FC_HINT_NONE     ? render_mode::kHintNone
              : style == FC_HINT_SLIGHT ? render_mode::kHintSlight
              : style == FC_HINT_MEDIUM ? render_mode::kHintMedium
                                        : render_mode::kHintFull;
  return out;
}

uint8_t render_mode_of(const RenderingStyle& r, const FontHinting& font) {
  uint8_t hint = render_mode::kHintNone;
  switch (r.hinting) {
    case HintStyle::kNone:
      break;
    case HintStyle::kAuto:
      hint = font.style;
      break;
    case HintStyle::kSlight:
      hint = render_mode::kHintSlight;
      break;
    case HintStyle::kMedium:
      hint = render_mode::kHintMedium;
      break;
    case HintStyle::kFull:
      hint = render_mode::kHintFull;
      break;
  }
  if (!font.hinting) hint = render_mode::kHintNone;
  uint8_t mode = uint8_t(hint << render_mode::kHintShift);
  if (hint != render_mode::kHintNone && font.autohint) mode |= render_mode::kAutohint;
  if (r.antialias == Antialias::kNone) mode |= render_mode::kMono;
  if (r.antialias == Antialias::kSubpixel) {
    mode |= uint8_t(render_mode::kLcd | (uint8_t(r.subpixel_order) << render_mode::kOrderShift));
  }
  return mode;
}

}  // namespace glyphstream::text
