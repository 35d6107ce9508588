// glyphstream-render: text in, PNG out, through the whole GPU pipeline (Pango layout, FreeType
// rasterization, atlas, asynchronous upload, one draw per page), then a profile.
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli_common.h"
#include "glyphstream/text_system.h"
#include "headless_target.h"
#include "input_text.h"
#include "png_io.h"
#include "render_options.h"
#include "sample_text.h"

namespace gs = glyphstream;

namespace {

struct Input {
  std::string text;
  bool markup = false;
};

// Whether standard input brings text: a pipe, a file or a socket does (even an empty one: an
// empty image); a terminal, /dev/null (character devices) or a closed descriptor does not.
bool stdin_given() {
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode);
}

// --text (also ""), --file, standard input, else the built-in sample (markup).
gs::Result<Input> read_input(const gs::tools::RenderOptions& o) {
  Input in{o.text, o.markup};
  if (o.text_given) return in;
  if (o.file == "-" || (o.file.empty() && stdin_given())) {
    GS_ASSIGN_OR_RETURN(in.text, gs::tools::read_text_fd(STDIN_FILENO, "standard input"));
    return in;
  }
  if (!o.file.empty()) {
    GS_ASSIGN_OR_RETURN(in.text, gs::tools::read_text_file(o.file));
    return in;
  }
  return Input{gs::tools::sample_markup(), true};
}

// A frame whose every glyph with pixels failed is an error, not a blank image. Glyphs without
// pixels (spaces) are neither drawn nor failed: whitespace-only text draws what it has (its
// backgrounds) and succeeds.
gs::Status check_something_drawn(const gs::FrameStats& s) {
  if (s.raster_errors == 0 || s.glyphs_drawn > 0) return {};
  std::string why = s.raster_error_messages.empty() ? std::string("no reason given")
                                                    : s.raster_error_messages.front();
  const bool too_large = why.find("larger than an atlas page") != std::string::npos;
  return {
      too_large ? gs::ErrorCode::kInvalidArgument : gs::ErrorCode::kFontLoadFailed,
      "none of the " + std::to_string(s.raster_errors) + " glyphs could be drawn (" + why + ")"};
}

gs::Status dump_atlas(gs::TextSystem* ts, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {gs::ErrorCode::kIoError, "cannot create " + dir + ": " + ec.message()};
  std::vector<std::pair<int, int>> sizes;
  const auto images = ts->debug_atlas_images(&sizes);
  for (size_t p = 0; p < images.size(); ++p) {
    const std::string path = dir + "/page-" + std::to_string(p) + ".png";
    GS_TRY(gs::tools::write_png(path, images[p].data(), sizes[p].first, sizes[p].second, 4));
  }
  return {};
}

gs::Status run(const gs::tools::RenderJob& job) {
  const gs::tools::RenderOptions& o = job.options;
  GS_ASSIGN_OR_RETURN(Input input, read_input(o));
  const int margin = o.margin;

  // A small context first: the text's height is known only after layout, which needs the
  // text system, which needs a context.
  int image_w = o.width + 2 * margin;
  gs::tools::HeadlessTargetDesc target_desc;
  target_desc.api = job.desc.backend;
  target_desc.width = image_w;
  target_desc.height = 64;
  target_desc.srgb = o.rendering.linear_light;  // configure() turns linear_light on with it
  GS_ASSIGN_OR_RETURN(auto target, gs::tools::HeadlessTarget::create(target_desc));
  gs::TextSystemDesc desc = job.desc;
  // A translucent --background: LCD text has no right answer over it (drawn greyscale).
  desc.translucent_target = job.bg.a < 1.f;
  target->configure(&desc);
  GS_ASSIGN_OR_RETURN(auto ts, gs::TextSystem::create(desc));

  gs::TextStyle style;
  style.font = o.font;
  style.color = job.fg;
  style.wrap_width = float(o.width);
  style.markup = input.markup;
  style.paragraph = job.paragraph;
  style.rendering = job.rendering;
  GS_ASSIGN_OR_RETURN(gs::TextMetrics metrics, ts->measure(input.text, style));
  if (!std::isfinite(metrics.height) || metrics.height > 16384) {
    return {gs::ErrorCode::kInvalidArgument,
            "the text is " + std::to_string(metrics.height) + " px tall; the limit is 16384 px"};
  }
  const int image_h = std::max(1, int(std::ceil(metrics.height)) + 2 * margin);
  if (image_h > 16384) {
    return {gs::ErrorCode::kInvalidArgument,
            "the text is " + std::to_string(image_h) + " px tall; the limit is 16384 px"};
  }
  // --rotate: as pango-view, the image is the turned layout's box (the metrics' width), not the
  // wrap width.
  if (style.paragraph.rotate != 0) {
    if (!std::isfinite(metrics.width) || metrics.width > 16384) {
      return {gs::ErrorCode::kInvalidArgument, "the rotated text is " +
                                                   std::to_string(metrics.width) +
                                                   " px wide; the limit is 16384 px"};
    }
    image_w = std::max(1, int(std::ceil(metrics.width)) + 2 * margin);
  }
  GS_TRY(target->resize(image_w, image_h));

  GS_TRY(target->make_current());
  GS_TRY(target->clear(job.bg));
  GS_TRY(ts->begin_frame(image_w, image_h));
  GS_TRY(ts->draw_text(float(margin), float(margin), input.text, style));
  GS_TRY(ts->commit());
  GS_TRY(ts->flush());
  GS_TRY(ts->finish());

  const gs::FrameStats stats = ts->last_frame_stats();
  GS_TRY(check_something_drawn(stats));
  std::vector<uint8_t> rgba;
  GS_TRY(target->read_pixels(&rgba));
  GS_TRY(gs::tools::write_premultiplied_png(o.out, rgba.data(), image_w, image_h));

  if (!o.common.stats_json.empty()) {
    GS_TRY(gs::tools::write_stats_jsonl(o.common.stats_json, ts->take_frame_stats()));
  }
  if (!o.dump_atlas.empty()) GS_TRY(dump_atlas(ts.get(), o.dump_atlas));
  if (!o.quiet) {
    std::printf("wrote %s (%d x %d) on %s\n", o.out.c_str(), image_w, image_h,
                target->description().c_str());
    gs::tools::print_profile(stdout, stats, ts->gpu_renderer(), ts->async_path());
  }
  ts.reset();  // its teardown is validated too
  GS_TRY(gs::tools::check_validation(target.get()));
  return gs::tools::flush_stdout();
}

}  // namespace

int main(int argc, char** argv) {
  gs::tools::RenderCommandLine cl =
      gs::tools::parse_render_command_line(std::vector<std::string>(argv + 1, argv + argc),
                                           [](const char* name) { return std::getenv(name); });
  std::fputs(cl.out.c_str(), stdout);
  std::fputs(cl.err.c_str(), stderr);
  if (cl.exit_code) {
    return *cl.exit_code;
  }
  gs::tools::print_environment_warnings("glyphstream-render", cl.job.warnings);
  gs::Status status = gs::tools::validate_render_job(&cl.job);
  try {
    if (status.ok()) status = run(cl.job);
  } catch (const std::exception& e) {  // a bug: still a message and exit 1, not an abort
    status = {gs::ErrorCode::kInternal, std::string("unexpected exception: ") + e.what()};
  }
  if (!status.ok()) {
    std::fprintf(stderr, "glyphstream-render: %s\n", status.to_string().c_str());
    return gs::tools::kExitError;
  }
  return gs::tools::kExitOk;
}
