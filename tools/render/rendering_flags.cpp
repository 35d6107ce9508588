#include "rendering_flags.h"

#include <cmath>
#include <map>
#include <vector>

namespace glyphstream::tools {
namespace {

const std::map<std::string, Antialias> kAntialias = {
    {"none", Antialias::kNone}, {"gray", Antialias::kGray}, {"subpixel", Antialias::kSubpixel}};
const std::map<std::string, SubpixelOrder> kSubpixelOrder = {{"rgb", SubpixelOrder::kRgb},
                                                             {"bgr", SubpixelOrder::kBgr},
                                                             {"vrgb", SubpixelOrder::kVrgb},
                                                             {"vbgr", SubpixelOrder::kVbgr}};
const std::map<std::string, HintStyle> kHinting = {{"none", HintStyle::kNone},
                                                   {"auto", HintStyle::kAuto},
                                                   {"slight", HintStyle::kSlight},
                                                   {"medium", HintStyle::kMedium},
                                                   {"full", HintStyle::kFull}};
// pango-view 1.50 hands its --hint-metrics value to cairo inverted (its option enum lists on
// before off, cairo's lists off before on, and it casts one to the other): its "on" draws with
// cairo's hint metrics off, its "off" with them on. The flags mean what pango-view draws, so
// that one command line draws the same in both; HintMetrics has cairo's meaning.
const std::map<std::string, HintMetrics> kHintMetrics = {{"on", HintMetrics::kOff},
                                                         {"off", HintMetrics::kOn}};

template <typename E>
std::vector<std::string> names_of(const std::map<std::string, E>& names) {
  std::vector<std::string> keys;
  for (const auto& [key, unused] : names) keys.push_back(key);
  return keys;
}

template <typename E>
Status lookup(const char* flag, const std::map<std::string, E>& names, const std::string& value,
              E* out) {
  const auto it = names.find(value);
  if (it == names.end()) {
    std::string known;
    for (const std::string& name : names_of(names)) known += (known.empty() ? "" : "|") + name;
    return Status(ErrorCode::kInvalidArgument,
                  std::string(flag) + " '" + value + "' is not one of " + known);
  }
  *out = it->second;
  return {};
}

template <typename E>
void add_choice(CLI::App& app, const std::string& name, std::string* value,
                const std::map<std::string, E>& names, const std::string& help) {
  app.add_option(name, *value, help)->check(CLI::IsMember(names_of(names)))->capture_default_str();
}

}  // namespace

void add_rendering_flags(CLI::App& app, RenderingFlags* f) {
  add_choice(app, "--antialias", &f->antialias, kAntialias,
             "Antialiasing (pango-view's; subpixel: LCD glyphs, greyscale where the target cannot "
             "take them)");
  add_choice(app, "--subpixel-order", &f->subpixel_order, kSubpixelOrder,
             "Order of the colour stripes for --antialias subpixel");
  add_choice(app, "--hinting", &f->hinting, kHinting, "Hint style of glyph outlines");
  add_choice(app, "--hint-metrics", &f->hint_metrics, kHintMetrics,
             "As pango-view 1.50 draws it: on, font metrics as they are (the default); off, "
             "ascent and descent rounded up to whole pixels (pango-view passes the flag to "
             "cairo inverted)");
  app.add_option("--coverage-gamma", f->coverage_gamma,
                 "glyphstream's own (pango-view has none): glyph coverage a becomes "
                 "a^(1/gamma); > 1 thickens edges. 0 (default) off, else 0.5..3 (to 0.1)")
      ->capture_default_str();
  app.add_option("--coverage-contrast", f->coverage_contrast,
                 "glyphstream's own: Skia's contrast boost a + c a (1 - a) of glyph coverage "
                 "before the gamma; 0 (default) off, else up to 1 (to 0.2)")
      ->capture_default_str();
  app.add_flag("--linear-light", f->linear_light,
               "glyphstream's own (pango-view has none): draw into an sRGB image and blend in "
               "linear light (TextSystemDesc::linear_light); dark on light and light on dark "
               "then show the same ink");
  app.add_flag("--subpixel-positions,!--no-subpixel-positions", f->subpixel_positions,
               "Glyph positions to a quarter pixel (default; --no-subpixel-positions: whole "
               "pixels, pango-view's default)");
}

Result<RenderingStyle> rendering_style(const RenderingFlags& f) {
  RenderingStyle r;
  GS_TRY(lookup("--antialias", kAntialias, f.antialias, &r.antialias));
  GS_TRY(lookup("--subpixel-order", kSubpixelOrder, f.subpixel_order, &r.subpixel_order));
  GS_TRY(lookup("--hinting", kHinting, f.hinting, &r.hinting));
  GS_TRY(lookup("--hint-metrics", kHintMetrics, f.hint_metrics, &r.hint_metrics));
  r.whole_pixel_positions = !f.subpixel_positions;
  // NaN fails both comparisons.
  if (!(f.coverage_gamma == 0 || (f.coverage_gamma >= 0.5f && f.coverage_gamma <= 3.f))) {
    return Status(ErrorCode::kInvalidArgument,
                  "--coverage-gamma: " + std::to_string(f.coverage_gamma) +
                      " is neither 0 (off) nor in 0.5..3");
  }
  if (!(f.coverage_contrast >= 0.f && f.coverage_contrast <= 1.f)) {
    return Status(
        ErrorCode::kInvalidArgument,
        "--coverage-contrast: " + std::to_string(f.coverage_contrast) + " is not in 0..1");
  }
  r.coverage_gamma = f.coverage_gamma;
  r.coverage_contrast = f.coverage_contrast;
  return r;
}

}  // namespace glyphstream::tools
