#include "text/fontconfig_setup.h"

#include <cmath>
#include <mutex>

namespace glyphstream::text {
namespace {

// Bitmap-only colour fonts (Noto Color Emoji: one 109 ppem strike) match at their strike size.
// Distributions ship a fontconfig rule (Debian: 10-scale-bitmap-fonts.conf) that gives them a
// matrix scaling them to the requested size; a configuration without it (a container's bare
// fonts.conf) lays emoji out at strike size, 5x too large at 20 px. This rule does the same
// for colour bitmap fonts: factor = requested / strike pixel size, applied to the matrix.
constexpr const char* kScaleColorBitmapsRule = R"(<?xml version="1.0"?>
<fontconfig>
  <match target="font">
    <test name="outline" compare="eq"><bool>false</bool></test>
    <test name="color" compare="eq"><bool>true</bool></test>
    <edit name="pixelsizefixupfactor" mode="assign">
      <divide><name target="pattern">pixelsize</name><name target="font">pixelsize</name></divide>
    </edit>
  </match>
  <match target="font">
    <test name="outline" compare="eq"><bool>false</bool></test>
    <test name="color" compare="eq"><bool>true</bool></test>
    <test name="pixelsizefixupfactor" compare="not_eq"><double>1.0</double></test>
    <edit name="matrix" mode="assign">
      <times>
        <name>matrix</name>
        <matrix>
          <name>pixelsizefixupfactor</name><double>0</double>
          <double>0</double><name>pixelsizefixupfactor</name>
        </matrix>
      </times>
    </edit>
    <edit name="size" mode="assign">
      <divide><name>size</name><name>pixelsizefixupfactor</name></divide>
    </edit>
  </match>
</fontconfig>
)";

// True unless a colour bitmap font matched at 20 px keeps its strike size unscaled.
bool color_bitmaps_scale(FcConfig* config) {
  constexpr double kProbePx = 20;
  FcPattern* probe = FcPatternCreate();
  FcPatternAddBool(probe, FC_COLOR, FcTrue);
  FcPatternAddBool(probe, FC_OUTLINE, FcFalse);
  FcPatternAddDouble(probe, FC_PIXEL_SIZE, kProbePx);
  FcConfigSubstitute(config, probe, FcMatchPattern);
  FcDefaultSubstitute(probe);
  FcResult result = FcResultNoMatch;
  FcPattern* font = FcFontMatch(config, probe, &result);
  FcPatternDestroy(probe);
  if (font == nullptr) return true;
  FcBool outline = FcTrue, color = FcFalse;
  FcPatternGetBool(font, FC_OUTLINE, 0, &outline);
  FcPatternGetBool(font, FC_COLOR, 0, &color);
  double px = kProbePx;
  FcPatternGetDouble(font, FC_PIXEL_SIZE, 0, &px);
  FcMatrix* matrix = nullptr;
  const bool has_scale = FcPatternGetMatrix(font, FC_MATRIX, 0, &matrix) == FcResultMatch &&
                         matrix != nullptr && std::fabs(matrix->yy - 1.0) > 1e-9;
  FcPatternDestroy(font);
  return outline || !color || std::fabs(px - kProbePx) < 0.5 || has_scale;
}

}  // namespace

void substitute_no_hinting(FcPattern* pattern, gpointer) {
  FcPatternDel(pattern, FC_HINTING);
  FcPatternAddBool(pattern, FC_HINTING, FcFalse);
  FcPatternDel(pattern, FC_HINT_STYLE);
  FcPatternAddInteger(pattern, FC_HINT_STYLE, FC_HINT_NONE);
}

void ensure_color_bitmaps_scale() {
  static std::once_flag once;
  std::call_once(once, [] {
    FcConfig* config = FcConfigGetCurrent();
    if (config == nullptr || color_bitmaps_scale(config)) return;
    FcConfigParseAndLoadFromMemory(config, reinterpret_cast<const FcChar8*>(kScaleColorBitmapsRule),
                                   FcTrue);
  });
}

}  // namespace glyphstream::text
