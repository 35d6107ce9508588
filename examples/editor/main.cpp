// editor: a scrolling, clipped panel of mixed text (Latin, Arabic, Hebrew, CJK, emoji, a markup
// paragraph) laid out once by glyphstream (TextSystem::layout) and drawn with draw_layout,
// clipped to the panel. Click to place the caret, shift-click or drag to select, arrows move
// the caret visually (Up/Down by line, Home/End to the line's ends, with Shift they extend the
// selection), the wheel scrolls, A cycles the alignment (left, center, right), Ctrl+A selects
// all, Q or Escape quits.
//
// Unattended: --script "click X Y; shift-click X Y; drag X0 Y0 X1 Y1; key right; ..." applies
// one event per frame through the same input layer as the window's callbacks (input.h), then
// --screenshot FILE.png writes the last frame and --check verifies it against the layout's own
// answers (frame.h).
//
// Files: document (the text), editor (the model: caret, selection, scroll, alignment), input
// (events and the script), glfw_input (GLFW's callbacks as events), frame (GL drawing, read-back,
// the check).
#include <GLFW/glfw3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "document.h"
#include "editor.h"
#include "frame.h"
#include "glfw_input.h"
#include "input.h"

namespace gs = glyphstream;

namespace {

struct Options {
  int width = 900, height = 620;
  std::string script;
  bool scripted = false;
  std::string screenshot;
  bool check = false;
  bool trace = false;
};

void usage(FILE* f) {
  std::fprintf(f,
               "usage: editor [--size WxH] [--script COMMANDS] [--screenshot FILE.png] [--check]\n"
               "              [--trace]\n"
               "  --script C      apply these input events, one per frame, then exit (input.h:\n"
               "                  click X Y; shift-click X Y; drag X0 Y0 X1 Y1; key NAME;\n"
               "                  shift+key NAME; scroll DY)\n"
               "  --screenshot F  write the last frame as PNG (with --script)\n"
               "  --check         check the last frame against the layout's caret and selection\n"
               "  --trace         print the editor's state after every event\n"
               "Keys: arrows, Home/End (Shift extends), A alignment, Ctrl+A all, Q quits\n");
}

// Returns 0 to continue, -1 after --help, 2 on a usage error.
int parse_options(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return -1;
    } else if (arg == "--size" && has_value) {
      if (std::sscanf(argv[++i], "%dx%d", &o->width, &o->height) != 2 || o->width < 200 ||
          o->height < 200 || o->width > 8192 || o->height > 8192) {
        std::fprintf(stderr, "editor: --size: WxH, each 200..8192\n");
        return 2;
      }
    } else if (arg == "--script" && has_value) {
      o->script = argv[++i];
      o->scripted = true;
    } else if (arg == "--screenshot" && has_value) {
      o->screenshot = argv[++i];
    } else if (arg == "--check") {
      o->check = true;
    } else if (arg == "--trace") {
      o->trace = true;
    } else {
      std::fprintf(stderr, "editor: unknown or incomplete option: %s\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  return 0;
}

gs::TextStyle editor_style() {
  gs::TextStyle style;
  style.font = "Sans 20";
  style.color = gs::Color{0.10f, 0.11f, 0.14f, 1};
  style.markup = true;
  return style;
}

// The last frame of a scripted run: screenshot and check. Returns the exit code.
int finish_scripted(const Options& opt, const Editor& editor, int w, int h) {
  const std::vector<uint8_t> rgb = read_back_rgb(w, h);
  int exit_code = 0;
  if (!opt.screenshot.empty() && !write_png_rgb(opt.screenshot, rgb, w, h)) {
    std::fprintf(stderr, "editor: cannot write %s\n", opt.screenshot.c_str());
    exit_code = 1;
  }
  std::printf("editor: final %s\n", editor.describe().c_str());
  if (opt.check) {
    const std::vector<std::string> fails = check_frame(rgb, w, h, editor);
    for (const std::string& f : fails) std::fprintf(stderr, "editor: check: FAIL: %s\n", f.c_str());
    if (!fails.empty()) exit_code = 1;
    std::printf("editor: check: %s\n", fails.empty() ? "OK" : "FAILED");
  }
  return exit_code;
}

// The frame loop: interactive, or one scripted event per frame. Returns the exit code.
int run(GLFWwindow* window, const Options& opt, gs::TextSystem& ts) {
  gs::Result<std::vector<InputEvent>> script = parse_script(opt.script);
  if (!script.ok()) {
    std::fprintf(stderr, "%s\n", script.status().to_string().c_str());
    return 2;
  }
  const Box panel{40, 40, opt.width - 40, opt.height - 40};
  Editor editor(ts, make_editor_markup(), editor_style(), panel);
  if (const gs::Status st = editor.relayout(); !st.ok()) {
    std::fprintf(stderr, "editor: layout: %s\n", st.to_string().c_str());
    return 1;
  }
  WindowInput input;
  input.editor = &editor;
  if (!opt.scripted) install_glfw_input(window, &input);
  const std::vector<InputEvent>& events = script.value();
  // Scripted: every event gets its frame, then two more frames settle what the last one did.
  const size_t frames = events.size() + 2;
  for (size_t frame = 0; !glfwWindowShouldClose(window); ++frame) {
    glfwPollEvents();
    if (opt.scripted) {
      if (frame >= frames) break;
      if (frame < events.size()) {
        const gs::Status st = apply(editor, events[frame], &input.quit);
        if (!st.ok() && input.error.ok()) input.error = st;
        if (opt.trace) std::printf("editor: event %zu: %s\n", frame, editor.describe().c_str());
      }
    }
    if (!input.error.ok()) {
      std::fprintf(stderr, "editor: %s\n", input.error.to_string().c_str());
      return 1;
    }
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    if (w <= 0 || h <= 0) {
      glfwWaitEvents();
      continue;
    }
    if (const gs::Status st = draw_frame_gl(editor, ts, w, h); !st.ok()) {
      std::fprintf(stderr, "editor: frame %zu: %s\n", frame, st.to_string().c_str());
      return 1;
    }
    if (opt.scripted && frame + 1 == frames) return finish_scripted(opt, editor, w, h);
    glfwSwapBuffers(window);
  }
  return 0;
}

void on_glfw_error(int code, const char* message) {
  std::fprintf(stderr, "editor: GLFW error 0x%x: %s\n", code, message);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  const int parsed = parse_options(argc, argv, &opt);
  if (parsed != 0) return parsed < 0 ? 0 : parsed;
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "editor: cannot initialize GLFW (is DISPLAY set?)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);  // the panel is laid out for this size
  GLFWwindow* window =
      glfwCreateWindow(opt.width, opt.height, "glyphstream editor", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "editor: cannot create a window with an OpenGL 3.3 core context\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(opt.scripted ? 0 : 1);
  int exit_code = 1;
  {
    gs::Result<std::unique_ptr<gs::TextSystem>> created = gs::TextSystem::create();
    if (!created.ok()) {
      std::fprintf(stderr, "editor: %s\n", created.status().to_string().c_str());
    } else {
      std::unique_ptr<gs::TextSystem> ts = std::move(created).value();
      exit_code = run(window, opt, *ts);
      glFinish();
    }
  }
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
