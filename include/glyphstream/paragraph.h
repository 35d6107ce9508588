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

  Align align = Align::kLeft;           // --align
  bool justify = false;                 // --justify (needs a wrap width)
  bool justify_last_line = false;       // --justify-last-line
  float indent = 0;                     // --indent, px; negative: a hanging indent
  float spacing = 0;                    // --spacing, px between lines
  float line_spacing = 0;               // --line-spacing, factor of the font height; 0 = the font's
  WrapMode wrap = WrapMode::kWordChar;  // --wrap
  EllipsizeMode ellipsize = EllipsizeMode::kNone;  // --ellipsize (needs a wrap width)
  float height = 0;          // --height: > 0 px, < 0 lines per paragraph, 0 = unlimited; with
                             // ellipsize
  bool single_par = false;   // --single-par: line separators are drawn, not broken
  bool rtl = false;          // --rtl: base direction right-to-left
  bool no_auto_dir = false;  // --no-auto-dir: the base direction is not taken from the text
  std::string language;      // --language, a BCP 47 tag ("ja", "zh-cn"); empty = the locale's
  Gravity gravity = Gravity::kSouth;                 // --gravity
  GravityHint gravity_hint = GravityHint::kNatural;  // --gravity-hint
  float rotate = 0;         // --rotate, degrees, counter-clockwise as pango-view
  std::vector<float> tabs;  // tab stops, px from the left edge, ascending; empty = every 8
                            // spaces (Pango's default)

  friend bool operator==(const ParagraphStyle&, const ParagraphStyle&) = default;
};

}  // namespace glyphstream
