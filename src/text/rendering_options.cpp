#include "text/rendering_options.h"

#include <fontconfig/fontconfig.h>

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
  if (r.hint_metrics == HintMetrics::kOn) {
    return Status(ErrorCode::kUnsupported,
                  "rendering style: hint_metrics on (font metrics rounded to whole pixels) is not "
                  "implemented yet");
  }
  return {};
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
