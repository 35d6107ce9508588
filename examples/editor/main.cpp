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
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "document.h"
#include "editor.h"
#include "frame.h"
#include "gl_presenter.h"
#include "glfw_input.h"
#include "input.h"
#include "vk_presenter.h"
#include "vk_window.h"

namespace gs = glyphstream;

namespace {

struct Options {
  gs::GpuApi backend = gs::GpuApi::kGl;
  int width = 900, height = 620;
  std::string script;
  bool scripted = false;
  std::string screenshot;
  bool check = false;
  bool trace = false;
};

void usage(FILE* f) {
  std::fprintf(f,
               "usage: editor [--backend gl|vulkan] [--size WxH] [--script COMMANDS]\n"
               "              [--screenshot FILE.png] [--check] [--trace]\n"
               "  --backend API   gl (an OpenGL 3.3 window, the default) or vulkan (the window's\n"
               "                  own Vulkan 1.3 device, glyphstream embedded; validation with\n"
               "                  GLYPHSTREAM_VK_VALIDATION=1)\n"
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
    } else if (arg == "--backend" && has_value) {
      if (!gs::parse_gpu_api(argv[++i], &o->backend)) {
        std::fprintf(stderr, "editor: --backend: gl or vulkan\n");
        return 2;
      }
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
int finish_scripted(const Options& opt, const Editor& editor, const std::vector<uint8_t>& rgb,
                    int w, int h) {
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
int run(GLFWwindow* window, const Options& opt, Presenter& presenter, gs::TextSystem& ts) {
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
  for (size_t frame = 0; !glfwWindowShouldClose(window);) {
    glfwPollEvents();
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    bool skip = w <= 0 || h <= 0;  // minimized
    if (const gs::Status st = skip ? gs::Status() : presenter.begin_frame(w, h, &skip); !st.ok()) {
      std::fprintf(stderr, "editor: %s\n", st.to_string().c_str());
      return 1;
    }
    if (skip) {
      if (w <= 0 || h <= 0) glfwWaitEvents();
      continue;
    }
    if (opt.scripted && frame < events.size()) {
      const gs::Status st = apply(editor, events[frame], &input.quit);
      if (!st.ok() && input.error.ok()) input.error = st;
      if (opt.trace) std::printf("editor: event %zu: %s\n", frame, editor.describe().c_str());
    }
    if (!input.error.ok()) {
      std::fprintf(stderr, "editor: %s\n", input.error.to_string().c_str());
      return 1;
    }
    const bool last = opt.scripted && frame + 1 == frames;
    std::vector<uint8_t> rgb;
    if (const gs::Status st = draw_frame(presenter, editor, ts, w, h, last ? &rgb : nullptr);
        !st.ok()) {
      std::fprintf(stderr, "editor: frame %zu: %s\n", frame, st.to_string().c_str());
      return 1;
    }
    if (last) return finish_scripted(opt, editor, rgb, w, h);
    if (const gs::Status st = presenter.present(); !st.ok()) {
      std::fprintf(stderr, "editor: present: %s\n", st.to_string().c_str());
      return 1;
    }
    ++frame;
  }
  return 0;
}

// Creates the TextSystem for the presenter's API, runs, and lets the GPU finish before the
// TextSystem goes. Returns the exit code.
int run_with(GLFWwindow* window, const Options& opt, Presenter& presenter) {
  gs::Result<std::unique_ptr<gs::TextSystem>> created = presenter.create_text_system({});
  if (!created.ok()) {
    std::fprintf(stderr, "editor: %s\n", created.status().to_string().c_str());
    return 1;
  }
  std::unique_ptr<gs::TextSystem> ts = std::move(created).value();
  std::printf("editor: %s on %s\n", presenter.describe().c_str(), ts->gpu_renderer().c_str());
  const int exit_code = run(window, opt, presenter, *ts);
  glfwSetWindowUserPointer(window, nullptr);
  presenter.wait_idle();
  return exit_code;
}

GLFWwindow* create_window(const Options& opt) {
  glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);  // the panel is laid out for this size
  GLFWwindow* window =
      glfwCreateWindow(opt.width, opt.height, "glyphstream editor", nullptr, nullptr);
  if (!window) std::fprintf(stderr, "editor: cannot create the window\n");
  return window;
}

int run_gl(const Options& opt) {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  GLFWwindow* window = create_window(opt);
  if (!window) return 1;
  glfwMakeContextCurrent(window);
  glfwSwapInterval(opt.scripted ? 0 : 1);
  int exit_code = 1;
  {
    const std::unique_ptr<Presenter> presenter = make_gl_presenter(window);
    exit_code = run_with(window, opt, *presenter);
  }
  glfwDestroyWindow(window);
  return exit_code;
}

// scroll_demo's Vulkan window and presenter (vk_window.h, vk_presenter.h), not a copy.
int run_vulkan(const Options& opt) {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  GLFWwindow* window = create_window(opt);
  if (!window) return 1;
  int exit_code = 1;
  {
    gs::Result<std::unique_ptr<VkWindow>> win = VkWindow::create(window);
    if (!win.ok()) {
      std::fprintf(stderr, "editor: %s\n", win.status().to_string().c_str());
    } else {
      VulkanPresenter presenter(*win.value(), !opt.scripted);
      if (const gs::Status st = presenter.init(); !st.ok()) {
        std::fprintf(stderr, "editor: %s\n", st.to_string().c_str());
      } else {
        exit_code = run_with(window, opt, presenter);
      }
    }
  }
  if (vk_validation_messages() > 0) {
    std::fprintf(stderr, "editor: %d Vulkan validation message(s): failing\n",
                 vk_validation_messages());
    exit_code = 1;
  }
  glfwDestroyWindow(window);
  return exit_code;
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
  const int exit_code = opt.backend == gs::GpuApi::kVulkan ? run_vulkan(opt) : run_gl(opt);
  glfwTerminate();
  return exit_code;
}
