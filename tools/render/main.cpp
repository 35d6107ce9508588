// glyphstream-render: text in, PNG out, through the whole GPU pipeline (Pango layout, FreeType
// rasterization, atlas, asynchronous upload, one draw per page), then a profile.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli_common.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "png_io.h"
#include "sample_text.h"

namespace gs = glyphstream;

namespace {

struct Options {
  std::string text;
  std::string file;
  bool markup = false;
  std::string font = "Sans 22";
  int width = 1100;  // wrap width, px
  int margin = 16;
  std::string out = "glyphstream.png";
  std::string fg = "#202020";
  std::string bg = "#ffffff";
  std::string dump_atlas;
  bool quiet = false;
  gs::tools::CommonOptions common;
};

gs::Result<std::string> read_all(std::istream& in, const std::string& what) {
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return gs::Status(gs::ErrorCode::kIoError, "cannot read " + what);
  return ss.str();
}

gs::Status run(const Options& o) {
  // Input: --text, --file, standard input, else the built-in sample (markup).
  std::string text;
  bool markup = o.markup;
  if (!o.text.empty()) {
    text = o.text;
  } else if (!o.file.empty()) {
    if (o.file == "-") {
      GS_ASSIGN_OR_RETURN(text, read_all(std::cin, "standard input"));
    } else {
      std::ifstream in(o.file, std::ios::binary);
      if (!in) return {gs::ErrorCode::kIoError, "cannot open " + o.file};
      GS_ASSIGN_OR_RETURN(text, read_all(in, o.file));
    }
  } else if (!isatty(STDIN_FILENO) && std::cin.peek() != std::char_traits<char>::eof()) {
    GS_ASSIGN_OR_RETURN(text, read_all(std::cin, "standard input"));
  } else {
    text = gs::tools::sample_markup();
    markup = true;
  }
  if (o.width < 16 || o.width > 16384) {
    return {gs::ErrorCode::kInvalidArgument, "--width must be 16..16384 px"};
  }
  GS_ASSIGN_OR_RETURN(gs::Color fg, gs::tools::parse_color(o.fg));
  GS_ASSIGN_OR_RETURN(gs::Color bg, gs::tools::parse_color(o.bg));

  gs::TextSystemDesc desc;
  GS_TRY(gs::tools::apply_common_options(o.common, &desc));

  // A small context first: the text's height is known only after layout, which needs the
  // text system, which needs a context.
  const int image_w = o.width + 2 * o.margin;
  GS_ASSIGN_OR_RETURN(auto gl, gs::HeadlessGl::create({image_w, 64}));
  GS_ASSIGN_OR_RETURN(auto ts, gs::TextSystem::create(desc));

  gs::TextStyle style;
  style.font = o.font;
  style.color = fg;
  style.wrap_width = float(o.width);
  style.markup = markup;
  GS_ASSIGN_OR_RETURN(gs::TextMetrics metrics, ts->measure(text, style));
  const int image_h = std::max(1, int(std::ceil(metrics.height)) + 2 * o.margin);
  if (image_h > 16384) {
    return {gs::ErrorCode::kInvalidArgument,
            "the text is " + std::to_string(image_h) + " px tall; the limit is 16384 px"};
  }
  GS_TRY(gl->resize(image_w, image_h));

  GS_TRY(gl->make_current());
  gl->clear(bg.r, bg.g, bg.b, bg.a);
  GS_TRY(ts->begin_frame(image_w, image_h));
  GS_TRY(ts->draw_text(float(o.margin), float(o.margin), text, style));
  GS_TRY(ts->commit());
  GS_TRY(ts->flush());
  GS_TRY(ts->finish());

  std::vector<uint8_t> rgba;
  GS_TRY(gl->read_pixels(&rgba));
  GS_TRY(gs::tools::write_premultiplied_png(o.out, rgba.data(), image_w, image_h));

  const gs::FrameStats& stats = ts->last_frame_stats();
  if (!o.common.stats_json.empty()) {
    GS_TRY(gs::tools::write_stats_jsonl(o.common.stats_json, ts->take_frame_stats()));
  }
  if (!o.dump_atlas.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.dump_atlas, ec);
    if (ec) return {gs::ErrorCode::kIoError, "cannot create " + o.dump_atlas + ": " + ec.message()};
    std::vector<std::pair<int, int>> sizes;
    const auto images = ts->debug_atlas_images(&sizes);
    for (size_t p = 0; p < images.size(); ++p) {
      const std::string path = o.dump_atlas + "/page-" + std::to_string(p) + ".png";
      GS_TRY(gs::tools::write_png(path, images[p].data(), sizes[p].first, sizes[p].second, 4));
    }
  }
  if (!o.quiet) {
    std::printf("wrote %s (%d x %d) on %s via EGL %s\n", o.out.c_str(), image_w, image_h,
                gl->renderer().c_str(), gl->platform().c_str());
    gs::tools::print_profile(stdout, stats, ts->gpu_renderer(), ts->async_path());
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "glyphstream-render: renders UTF-8 text to a PNG through the GPU pipeline.\n"
      "With no --text, --file or standard input it renders a built-in multilingual "
      "sample."};
  app.add_option("--text", o.text, "Text to render (UTF-8)");
  app.add_option("--file", o.file, "Read the text from a file ('-' = standard input)");
  app.add_flag("--markup", o.markup, "The text is Pango markup");
  app.add_option("--font", o.font, "Pango font description; sizes in px")->capture_default_str();
  app.add_option("--width", o.width, "Wrap width in px")->capture_default_str();
  app.add_option("--out", o.out, "Output PNG")->capture_default_str();
  app.add_option("--fg", o.fg, "Text colour (#rrggbb[aa])")->capture_default_str();
  app.add_option("--bg", o.bg, "Background colour (#rrggbb[aa])")->capture_default_str();
  app.add_option("--dump-atlas", o.dump_atlas,
                 "Write every atlas page (with its shelves) as PNG here");
  app.add_flag("--quiet", o.quiet, "Print nothing on success");
  gs::tools::add_common_options(app, &o.common);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  const gs::Status status = run(o);
  if (!status.ok()) {
    std::fprintf(stderr, "glyphstream-render: %s\n", status.to_string().c_str());
    return 1;
  }
  return 0;
}
