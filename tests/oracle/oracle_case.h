// One oracle case: a data file tests/oracle/cases/<name>.txt. A header of "key: value" lines,
// a line "---", then the text (everything after it, the final newline dropped).
//   font: Pango font description (sizes in px)      width: wrap width, px; none (or 0): no
//                                                     wrapping, the image as wide as the text
//   markup: yes|no                                   margin: px around the text (default 16)
//   fg: #RRGGBBAA text colour                        bg: #RRGGBBAA clear colour (straight)
//   expect: pass (default) | a reason to skip the case (reported as skipped with that reason)
//   check: space-separated extra checks: straight-alpha-png
//   about: what the case covers (free text)
//   tolerance-px: a looser bound for ink centre, ink box and image size, px (default: the
//     test's own, 0.3 / 1 / 0); a case that sets it says why in `about`
// Paragraph options, named and spelled like glyphstream-render's and pango-view's flags
// (glyphstream/paragraph.h):
//   align: left|center|right     justify: yes|no       justify-last-line: yes|no
//   indent: px (negative: hanging)   spacing: px        line-spacing: factor
//   wrap: word|char|word-char    ellipsize: none|start|middle|end
//   height: px (> 0) or -lines   single-par: yes|no    rtl: yes|no    no-auto-dir: yes|no
//   language: BCP 47 tag         tabs: px px ... (left-aligned stops)
//   gravity: south|east|north|west|auto   gravity-hint: natural|strong|line
//   rotate: degrees (counter-clockwise; the image is the rotated layout's box, as pango-view's)
// Text quality options, pango-view's flags (glyphstream/rendering.h; defaults glyphstream's):
//   antialias: none|gray|subpixel    subpixel-order: rgb|bgr|vrgb|vbgr
//   hinting: none|auto|slight|medium|full
//   hint-metrics: off (default) | on -- cairo's hint metrics, HintMetrics' meaning, set
//     explicitly on both sides (never cairo's default, which an image surface turns on).
//     pango-view 1.50 hands its --hint-metrics to cairo inverted: a case without the key (off)
//     is what `pango-view --hint-metrics on` draws, one with `on` what pango-view draws with
//     `--hint-metrics off` or without the flag. The hint_metrics_on_<case> files are copies of
//     <case> with `hint-metrics: on` (oracle_test checks that they stay copies).
//   subpixel-positions: yes (default) | no (whole pixels, pango-view without the flag)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "glyphstream/paragraph.h"
#include "glyphstream/rendering.h"
#include "glyphstream/status.h"

namespace glyphstream::oracle {

struct OracleCase {
  std::string name;  // file stem
  std::string font = "DejaVu Sans 16";
  float width = 400;
  bool markup = false;
  int margin = 16;
  uint32_t fg = 0x202020ffu;
  uint32_t bg = 0xffffffffu;
  std::string expect = "pass";
  std::vector<std::string> checks;
  std::string about;
  float tolerance_px = 0;  // 0: oracle_test's bounds
  ParagraphStyle paragraph;
  RenderingStyle rendering;
  std::string text;
  bool has_check(const std::string& c) const;
};

Result<OracleCase> load_case(const std::string& path);
// Every *.txt in `dir`, sorted by name.
std::vector<std::string> case_files(const std::string& dir);

}  // namespace glyphstream::oracle
