// glyphstream-render's command line and environment, parsed without running the tool (the
// tool's main, tests and the cli fuzzer share it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli_common.h"
#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "paragraph_flags.h"
#include "rendering_flags.h"

namespace glyphstream::tools {

constexpr int kMinWrapWidth = 16;
// The image is width + 2 * margin wide and HeadlessGl allows 16384 px.
constexpr int kMargin = 16;  // --margin's default, pango-view's --margin 16
constexpr int kMaxMargin = 4096;
constexpr int kMaxImageSide = 16384;
constexpr int kMaxWrapWidth = kMaxImageSide - 2 * kMargin;

struct RenderOptions {
  std::string text;
  bool text_given = false;  // --text was given, maybe empty (an empty image, not the sample)
  std::string file;
  bool markup = false;
  std::string font = "Sans 22";
  int width = 1100;      // wrap width, px
  int margin = kMargin;  // --margin: px around the text on every side
  bool pixels = false;   // --pixels: accepted as pango-view's; font sizes are always px here
  std::string out = "glyphstream.png";
  std::string fg = "#202020";
  std::string bg = "#ffffff";
  std::string dump_atlas;
  bool quiet = false;
  ParagraphFlags paragraph;  // pango-view's paragraph flags (paragraph_flags.h)
  RenderingFlags rendering;  // pango-view's antialias and hinting flags (rendering_flags.h)
  CommonOptions common;
};

// Everything the tool needs before it opens a context: options checked, colours parsed, the
// TextSystemDesc filled from the options and the environment.
struct RenderJob {
  RenderOptions options;
  Color fg, bg;
  ParagraphStyle paragraph;  // from options.paragraph
  RenderingStyle rendering;  // from options.rendering
  TextSystemDesc desc;
  std::vector<std::string> warnings;  // environment values that were not understood
};

struct RenderCommandLine {
  std::optional<int> exit_code;  // set: stop with this status (--help, or an argument error)
  std::string out, err;          // what CLI11 printed for --help or an argument error
  RenderJob job;                 // valid when exit_code is not set
};

// args excludes the program name. An argument error sets exit_code = kExitError and the
// message in `err`.
RenderCommandLine parse_render_command_line(const std::vector<std::string>& args,
                                            const Getenv& getenv);
// The checks on option values that CLI11 does not make (colours, option combinations, paths).
Status validate_render_job(RenderJob* job);
// No output may be the input or another output, and no --dump-atlas page may replace either
// (tools/common/output_paths.h): kInvalidArgument naming both options.
Status check_render_paths(const RenderOptions& options);

}  // namespace glyphstream::tools
