// Paragraph and layout options (TextStyle::paragraph), with pango-view's names and meanings so
// that one command line drives glyphstream-render and pango-view alike. Zero / empty is the
// default everywhere, and every field is part of the layout cache key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace glyphstream {

// --align: where lines sit inside the wrap width (or, without one, inside the widest line).
enum class Align : uint8_t { kLeft = 0, kCenter, kRight };
// --wrap: where lines may break when a wrap width is set.
enum class WrapMode : uint8_t { kWordChar = 0, kWord, kChar };
// --ellipsize: where text that does not fit is replaced by an ellipsis.
enum class EllipsizeMode : uint8_t { kNone = 0, kStart, kMiddle, kEnd };
// --gravity (vertical text: kEast is vertical CJK) and --gravity-hint.
enum class Gravity : uint8_t { kSouth = 0, kEast, kNorth, kWest, kAuto };
enum class GravityHint : uint8_t { kNatural = 0, kStrong, kLine };

struct ParagraphStyle {
  // Bounds, checked by every entry point that takes a style (kInvalidArgument beyond them).
  static constexpr float kMaxLength = 1e6f;         // px: indent, spacing, height, tab stops
  static constexpr float kMaxLineSpacing = 100.0f;  // factor
  static constexpr int kMaxHeightLines = 1 << 20;   // height < 0: lines per paragraph
  static constexpr size_t kMaxTabStops = 1024;
  static constexpr size_t kMaxLanguageBytes = 64;
  static constexpr float kMaxRotateDegrees = 360.0f;  // |rotate|

  Align align = Align::kLeft;           // --align
  bool justify = false;                 // --justify (needs a wrap width)
  bool justify_last_line = false;       // --justify-last-line
  float indent = 0;                     // --indent, px; negative: a hanging indent
  float spacing = 0;                    // --spacing, px between lines
  float line_spacing = 0;               // --line-spacing, factor of the font height; 0 = the font's
  WrapMode wrap = WrapMode::kWordChar;  // --wrap
  EllipsizeMode ellipsize = EllipsizeMode::kNone;  // --ellipsize (needs a wrap width)
  float height = 0;          // --height, with ellipsize and a wrap width: > 0 px for the whole
                             // text, < 0 (a whole number) lines per paragraph, 0 = pango-view's
                             // default (Pango's -1: one line per paragraph). No effect without
                             // ellipsize. > 0 lays the whole text out as one PangoLayout (its
                             // cost grows faster than linearly with the lines).
  bool single_par = false;   // --single-par: line separators are drawn, not broken (the
                             // whole text is one PangoLayout, as one long paragraph is)
  bool rtl = false;          // --rtl: base direction right-to-left
  bool no_auto_dir = false;  // --no-auto-dir: the base direction is not taken from the text
  std::string language;      // --language, a BCP 47 tag ("ja", "zh-cn"); empty = the locale's
  // --gravity: Pango's base gravity (kEast: vertical CJK, wide glyphs turned a quarter
  // counter-clockwise; kAuto: from `rotate`). --rotate turns the whole layout; measure() and
  // draw_text's (x, y) are then the turned layout's bounding box, as pango-view sizes its image
  // (docs/USING.md, "Rotation and gravity").
  Gravity gravity = Gravity::kSouth;                 // --gravity
  GravityHint gravity_hint = GravityHint::kNatural;  // --gravity-hint (no effect upright)
  float rotate = 0;         // --rotate, degrees, counter-clockwise as pango-view
  std::vector<float> tabs;  // tab stops, px from the left edge, ascending; empty = every 8
                            // spaces (Pango's default)

  friend bool operator==(const ParagraphStyle&, const ParagraphStyle&) = default;
};

}  // namespace glyphstream
