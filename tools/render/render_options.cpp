#include "render_options.h"

#include <sstream>

#include "input_text.h"
#include "output_paths.h"

namespace glyphstream::tools {

RenderCommandLine parse_render_command_line(const std::vector<std::string>& args,
                                            const Getenv& getenv) {
  RenderCommandLine r;
  RenderOptions& o = r.job.options;
  CLI::App app{
      "glyphstream-render: renders UTF-8 text to a PNG through the GPU pipeline.\n"
      "Standard input is read when it is a pipe or a file; with no --text or --file and none\n"
      "(a terminal, /dev/null) it renders a built-in multilingual sample. Empty text gives an\n"
      "empty image.\n"
      "Input from --file or standard input is limited to " +
      std::string(kMaxInputText) +
      " of valid UTF-8. Exit status: 0 on success, 1 on any error (arguments included)."};
  app.add_option("--text", o.text, "Text to render (UTF-8)");
  app.add_option("--file", o.file,
                 "Read the text from a regular file ('-' = standard input); at most " +
                     std::string(kMaxInputText));
  app.add_flag("--markup", o.markup, "The text is Pango markup");
  app.add_option("--font", o.font, "Pango font description; sizes in px (0 < size <= 4096)")
      ->capture_default_str();
  app.add_option("--width", o.width, "Wrap width in px")
      ->check(int_range(kMinWrapWidth, kMaxWrapWidth))
      ->capture_default_str();
  app.add_option("--margin", o.margin, "Margin around the text in px (pango-view's --margin)")
      ->check(int_range(0, kMaxMargin))
      ->capture_default_str();
  app.add_flag("--pixels", o.pixels,
               "Font sizes are px (always so here; accepted for pango-view's command line)");
  app.add_option("--out", o.out, "Output PNG")->capture_default_str();
  app.add_option("--fg", o.fg, "Text colour (#rrggbb[aa])")->capture_default_str();
  app.add_option("--bg", o.bg, "Background colour (#rrggbb[aa])")->capture_default_str();
  app.add_option("--dump-atlas", o.dump_atlas,
                 "Write every atlas page (with its shelves) as PNG here");
  app.add_flag("--quiet", o.quiet, "Print nothing on success (errors still go to stderr)");
  add_paragraph_flags(app, &o.paragraph);
  add_rendering_flags(app, &o.rendering);
  add_common_options(app, &o.common);
  std::ostringstream out, err;
  r.exit_code = parse_command_line(app, args, out, err);
  r.out = out.str();
  r.err = err.str();
  if (r.exit_code) return r;
  o.text_given = app.count("--text") > 0;
  const EnvironmentOptions env = read_environment(getenv);
  r.job.warnings = env.warnings;
  const Status applied = apply_common_options(o.common, env, &r.job.desc);
  if (!applied.ok()) {
    r.exit_code = kExitError;
    r.err = "glyphstream-render: " + applied.to_string() + "\n";
  }
  return r;
}

Status validate_render_job(RenderJob* job) {
  const RenderOptions& o = job->options;
  if (o.width < kMinWrapWidth || o.width > kMaxWrapWidth) {
    return {ErrorCode::kInvalidArgument, "--width must be " + std::to_string(kMinWrapWidth) + ".." +
                                             std::to_string(kMaxWrapWidth) + " px"};
  }
  if (o.margin < 0 || o.margin > kMaxMargin || o.width + 2 * o.margin > kMaxImageSide) {
    return {ErrorCode::kInvalidArgument, "--margin must be 0.." + std::to_string(kMaxMargin) +
                                             " px, and --width plus twice --margin at most " +
                                             std::to_string(kMaxImageSide) + " px"};
  }
  GS_ASSIGN_OR_RETURN(job->fg, parse_color(o.fg));
  GS_ASSIGN_OR_RETURN(job->bg, parse_color(o.bg));
  GS_ASSIGN_OR_RETURN(job->paragraph, paragraph_style(o.paragraph));
  GS_ASSIGN_OR_RETURN(job->rendering, rendering_style(o.rendering));
  return check_render_paths(o);
}

Status check_render_paths(const RenderOptions& o) {
  GS_TRY(check_distinct_paths({{"--file", o.file, /*output=*/false},
                               {"--out", o.out},
                               {"--stats-json", o.common.stats_json},
                               {"--dump-atlas", o.dump_atlas}}));
  // --dump-atlas DIR writes DIR/page-<n>.png.
  for (const PathUse& use : {PathUse{"--file", o.file, false}, PathUse{"--out", o.out},
                             PathUse{"--stats-json", o.common.stats_json}}) {
    if (o.dump_atlas.empty() ||
        !matches_written_name(use.path, o.dump_atlas, "page-", NameMiddle::kDigits, ".png")) {
      continue;
    }
    return {ErrorCode::kInvalidArgument,
            use.option + " " + use.path + " would be replaced by an atlas page: --dump-atlas " +
                o.dump_atlas + " writes page-<n>.png there (nothing was written)"};
  }
  return {};
}

}  // namespace glyphstream::tools
