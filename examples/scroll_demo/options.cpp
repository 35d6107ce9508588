// Command line of the demo (see options.h).
#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace gs = glyphstream;

namespace {

void usage(FILE* f) {
  std::fprintf(
      f,
      "usage: scroll_demo [--backend gl|vulkan] [--auto-scroll] [--frames N]\n"
      "                   [--screenshot FILE.png]\n"
      "                   [--upload-mode async|sync|whole-page] [--scroll-step PX]\n"
      "                   [--size WxH] [--show-stats] [--switch-mode-every N]\n"
      "                   [--resize-at N] [--no-transfer-queue] [--check]\n"
      "  --backend API   gl (an OpenGL 3.3 window) or vulkan (a Vulkan 1.3 window surface;\n"
      "                  GLYPHSTREAM_VK_VALIDATION=1 turns the validation layer on); default:\n"
      "                  GLYPHSTREAM_BACKEND, else gl\n"
      "  --no-transfer-queue  Vulkan: keep every copy on the graphics queue even where the\n"
      "                  device has a transfer-only queue family\n"
      "  --auto-scroll   scroll --scroll-step px per frame (default 6), render --frames frames\n"
      "                  (default 300), then exit; the overlay shows no timings\n"
      "  --screenshot F  write the last frame as PNG\n"
      "  --show-stats    draw the statistics overlay in --auto-scroll mode too\n"
      "  --switch-mode-every N  in --auto-scroll, cycle the upload mode every N frames (as M)\n"
      "  --resize-at N   in --auto-scroll, shrink the window by 100x60 px at frame N (the swap\n"
      "                  chain is recreated; the screenshot has the new size)\n"
      "  --check         verify the last frame: text in every visible line, margins clean\n"
      "Keys: wheel/arrows/PageUp/PageDown/Home/End scroll, Ctrl+wheel or +/- zoom (0 resets),\n"
      "      M cycles the upload mode, Q quits\n");
}

bool parse_int(const char* s, int lo, int hi, int* out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return false;
  *out = int(v);
  return true;
}

}  // namespace

int parse_options(int argc, char** argv, Options* o) {
  // The default backend follows GLYPHSTREAM_BACKEND, as in glyphstream's tools.
  const char* env = std::getenv("GLYPHSTREAM_BACKEND");
  if (env && *env && !gs::parse_gpu_api(env, &o->backend)) {
    std::fprintf(stderr, "scroll_demo: GLYPHSTREAM_BACKEND='%s' is not gl or vulkan: ignored\n",
                 env);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "scroll_demo: %s needs a value\n", name);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return -1;
    } else if (a == "--auto-scroll") {
      o->auto_scroll = true;
    } else if (a == "--show-stats") {
      o->show_stats = true;
    } else if (a == "--no-transfer-queue") {
      o->transfer_queue = false;
    } else if (a == "--check") {
      o->check = true;
    } else if (a == "--frames") {
      const char* v = value("--frames");
      if (!v || !parse_int(v, 1, 1000000, &o->frames)) return 2;
    } else if (a == "--scroll-step") {
      const char* v = value("--scroll-step");
      if (!v || !parse_int(v, 0, 10000, &o->scroll_step)) return 2;
    } else if (a == "--switch-mode-every") {
      const char* v = value("--switch-mode-every");
      if (!v || !parse_int(v, 1, 1000000, &o->switch_mode_every)) return 2;
    } else if (a == "--resize-at") {
      const char* v = value("--resize-at");
      if (!v || !parse_int(v, 1, 1000000, &o->resize_at)) return 2;
    } else if (a == "--screenshot") {
      const char* v = value("--screenshot");
      if (!v) return 2;
      o->screenshot = v;
    } else if (a == "--backend") {
      const char* v = value("--backend");
      if (!v || !gs::parse_gpu_api(v, &o->backend)) {
        std::fprintf(stderr, "scroll_demo: --backend is gl or vulkan\n");
        return 2;
      }
    } else if (a == "--upload-mode") {
      const char* v = value("--upload-mode");
      if (!v || !gs::parse_upload_mode(v, &o->mode)) {
        std::fprintf(stderr, "scroll_demo: --upload-mode is async, sync or whole-page\n");
        return 2;
      }
      o->mode_set = true;
    } else if (a == "--size") {
      const char* v = value("--size");
      if (!v || std::sscanf(v, "%dx%d", &o->width, &o->height) != 2 || o->width < 200 ||
          o->height < 200 || o->width > 8192 || o->height > 8192) {
        std::fprintf(stderr, "scroll_demo: --size is WxH, 200..8192 each\n");
        return 2;
      }
    } else {
      std::fprintf(stderr, "scroll_demo: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (o->check && o->screenshot.empty()) {
    std::fprintf(stderr, "scroll_demo: --check needs --screenshot\n");
    return 2;
  }
  if (!o->screenshot.empty() && !o->auto_scroll) {
    std::fprintf(stderr, "scroll_demo: --screenshot needs --auto-scroll\n");
    return 2;
  }
  return 0;
}
