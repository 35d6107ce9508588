#include "paragraph_flags.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace glyphstream::tools {
namespace {

using P = ParagraphStyle;

// CLI::Range lets NaN through (every comparison with it is false): finite first.
CLI::Validator finite_within(double min, double max, const std::string& unit) {
  char range[96];
  std::snprintf(range, sizeof range, "[%.10g, %.10g]%s", min, max, unit.c_str());
  const std::string description = range;
  return CLI::Validator(
      [min, max, description](std::string& value) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end != '\0') return "'" + value + "' is not a number";
        if (!std::isfinite(v) || v < min || v > max) {
          return "'" + value + "' is not a finite number in " + description;
        }
        return {};
      },
      description);
}

template <typename E>
E lookup(const std::map<std::string, E>& names, const std::string& value) {
  const auto it = names.find(value);
  return it != names.end() ? it->second : E{};  // the flag's IsMember check ran first
}

const std::map<std::string, Align> kAlign = {
    {"left", Align::kLeft}, {"center", Align::kCenter}, {"right", Align::kRight}};
const std::map<std::string, WrapMode> kWrap = {
    {"word", WrapMode::kWord}, {"char", WrapMode::kChar}, {"word-char", WrapMode::kWordChar}};
const std::map<std::string, EllipsizeMode> kEllipsize = {{"none", EllipsizeMode::kNone},
                                                         {"start", EllipsizeMode::kStart},
                                                         {"middle", EllipsizeMode::kMiddle},
                                                         {"end", EllipsizeMode::kEnd}};
const std::map<std::string, Gravity> kGravity = {{"south", Gravity::kSouth},
                                                 {"east", Gravity::kEast},
                                                 {"north", Gravity::kNorth},
                                                 {"west", Gravity::kWest},
                                                 {"auto", Gravity::kAuto}};
const std::map<std::string, GravityHint> kGravityHint = {{"natural", GravityHint::kNatural},
                                                         {"strong", GravityHint::kStrong},
                                                         {"line", GravityHint::kLine}};

template <typename E>
CLI::Option* add_choice(CLI::App& app, const std::string& name, std::string* value,
                        const std::map<std::string, E>& names, const std::string& help) {
  std::vector<std::string> keys;
  for (const auto& [key, unused] : names) keys.push_back(key);
  return app.add_option(name, *value, help)->check(CLI::IsMember(keys))->capture_default_str();
}

}  // namespace

void add_paragraph_flags(CLI::App& app, ParagraphFlags* f) {
  const double len = P::kMaxLength;
  add_choice(app, "--align", &f->align, kAlign, "Text alignment (pango-view's --align)");
  app.add_flag("--justify", f->justify, "Stretch paragraph lines to be justified");
  app.add_flag("--justify-last-line", f->justify_last_line,
               "Justify the last line of each paragraph too");
  app.add_option("--indent", f->indent, "Indent of paragraphs in px; negative: hanging")
      ->check(finite_within(-len, len, " px"));
  app.add_option("--spacing", f->spacing, "Spacing between lines in px")
      ->check(finite_within(-len, len, " px"));
  app.add_option("--line-spacing", f->line_spacing,
                 "Factor of the line height between baselines (0: the font's)")
      ->check(finite_within(0, P::kMaxLineSpacing, ""));
  add_choice(app, "--wrap", &f->wrap, kWrap, "Where lines may break");
  add_choice(app, "--ellipsize", &f->ellipsize, kEllipsize,
             "Where text that does not fit gets an ellipsis");
  app.add_option("--height", f->height,
                 "With --ellipsize: height in px (positive) or lines per paragraph (negative)")
      ->check(finite_within(-double(P::kMaxHeightLines), len, ""));
  app.add_flag("--single-par", f->single_par, "Line separators are drawn, not broken");
  app.add_flag("--rtl", f->rtl, "Base direction right-to-left");
  app.add_flag("--no-auto-dir", f->no_auto_dir,
               "Paragraph directions come from the base direction, not the text");
  app.add_option("--language", f->language,
                 "BCP 47 language tag for font selection and shaping (ja, zh-CN, ...)");
  add_choice(app, "--gravity", &f->gravity, kGravity,
             "Base gravity (east: vertical CJK turned, auto: from --rotate)");
  add_choice(app, "--gravity-hint", &f->gravity_hint, kGravityHint, "Gravity hint");
  app.add_option("--rotate", f->rotate,
                 "Angle in degrees, counter-clockwise; the image is the turned layout's box")
      ->check(finite_within(-P::kMaxRotateDegrees, P::kMaxRotateDegrees, " degrees"));
}

Result<ParagraphStyle> paragraph_style(const ParagraphFlags& f) {
  ParagraphStyle p;
  p.align = lookup(kAlign, f.align);
  p.justify = f.justify;
  p.justify_last_line = f.justify_last_line;
  p.indent = f.indent;
  p.spacing = f.spacing;
  p.line_spacing = f.line_spacing;
  p.wrap = lookup(kWrap, f.wrap);
  p.ellipsize = lookup(kEllipsize, f.ellipsize);
  if (f.height < 0 && f.height != std::floor(f.height)) {
    char value[32];
    std::snprintf(value, sizeof value, "%g", f.height);
    return Status(ErrorCode::kInvalidArgument,
                  std::string("--height ") + value +
                      ": a negative height is a number of lines, a whole number");
  }
  p.height = f.height;
  p.single_par = f.single_par;
  p.rtl = f.rtl;
  p.no_auto_dir = f.no_auto_dir;
  p.language = f.language;
  p.gravity = lookup(kGravity, f.gravity);
  p.gravity_hint = lookup(kGravityHint, f.gravity_hint);
  p.rotate = f.rotate;
  return p;
}

}  // namespace glyphstream::tools
