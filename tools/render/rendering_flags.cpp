#include "rendering_flags.h"

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
const std::map<std::string, HintMetrics> kHintMetrics = {{"on", HintMetrics::kOn},
                                                         {"off", HintMetrics::kOff}};

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
             "Font metrics rounded to whole pixels (on is not implemented yet)");
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
  if (r.hint_metrics == HintMetrics::kOn) {
    return Status(ErrorCode::kUnsupported, "--hint-metrics on: not implemented yet");
  }
  return r;
}

}  // namespace glyphstream::tools
