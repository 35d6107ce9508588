// The scroll state and the frame loop shared by both backends (see app.h).
#include "app.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "input.h"
#include "overlay.h"
#include "screenshot.h"

namespace gs = glyphstream;

void App::measure_next() {
  Line& line = doc[measured];
  line.top = measured == 0 ? 0 : doc[measured - 1].top + doc[measured - 1].height;
  line.style.wrap_width = wrap_width;
  auto m = ts->measure(line.markup, line.style);
  if (!m.ok()) {
    std::fprintf(stderr, "scroll_demo: measure: %s\n", m.status().to_string().c_str());
    failed = true;
    line.height = 0;
  } else {
    line.height = std::ceil(m->height) + kLineGap;
  }
  ++measured;
}

float App::measure_until(double bottom) {
  while (measured < doc.size() && measured_height() <= bottom) measure_next();
  return measured_height();
}

float App::measured_height() const {
  return measured == 0 ? 0 : doc[measured - 1].top + doc[measured - 1].height;
}

void App::set_wrap_width(float w) {
  if (w == wrap_width) return;
  // Keep the line at the top of the window in place while the layout changes.
  size_t anchor = 0;
  double offset = 0;
  for (size_t i = 0; i < measured; ++i) {
    if (doc[i].top + doc[i].height > scroll) {
      anchor = i;
      offset = scroll - doc[i].top;
      break;
    }
  }
  wrap_width = w;
  measured = 0;
  while (measured <= anchor && measured < doc.size()) measure_next();
  scroll = anchor < measured ? std::max(0.0, doc[anchor].top + offset) : 0;
}

void App::scroll_by(double dy) {
  scroll = std::max(0.0, scroll + dy);
  const float height = measure_until(scroll + fb_height);
  scroll = std::min(scroll, std::max(0.0, double(height) - fb_height));
}

void App::cycle_mode() {
  const gs::UploadMode next = ts->upload_mode() == gs::UploadMode::kAsync ? gs::UploadMode::kSync
                              : ts->upload_mode() == gs::UploadMode::kSync
                                  ? gs::UploadMode::kWholePage
                                  : gs::UploadMode::kAsync;
  const gs::Status st = ts->set_upload_mode(next);
  if (!st.ok()) {  // kWrongThread, or a mode this build does not know: say so and stop
    std::fprintf(stderr, "scroll_demo: set_upload_mode: %s\n", st.to_string().c_str());
    failed = true;
  }
}

namespace {

// Pass 1: the visible part of the document, over a cleared window.
gs::Status draw_document(App& app, Presenter& presenter, ScreenshotLayout* layout) {
  const int w = app.fb_width, h = app.fb_height;
  GS_TRY(app.ts->begin_frame(w, h));
  GS_TRY(presenter.begin_pass(*app.ts, RectI{0, 0, w, h}, kBackground));
  layout->visible.clear();
  for (size_t i = 0; i < app.measured; ++i) {
    const Line& line = app.doc[i];
    // Zoomed about the top-left corner: document px times the zoom.
    const double y = (line.top - app.scroll) * app.zoom;
    if (y + line.height * app.zoom < 0) continue;
    if (y > h) break;
    GS_TRY(app.zoom == 1
               ? app.ts->draw_text(kMargin, float(y), line.markup, line.style)
               : app.ts->draw_text_scaled(kMargin, float(y), app.zoom, line.markup, line.style));
    layout->visible.push_back({i, RectI{int(kMargin), int(std::lround(y)), w - int(kMargin),
                                        int(std::lround(y + line.height - kLineGap))}});
  }
  GS_TRY(app.ts->commit());
  GS_TRY(app.ts->flush());
  return presenter.end_pass(*app.ts, false, nullptr);
}

// Pass 2: the overlay, a panel cleared over the document, then its text.
gs::Status draw_overlay(App& app, Presenter& presenter, const std::vector<std::string>& lines,
                        ScreenshotLayout* layout, std::vector<uint8_t>* rgb) {
  static const gs::TextStyle style = [] {
    gs::TextStyle s;
    s.font = "Mono 13";
    s.color = gs::Color{0.92f, 0.94f, 0.97f, 1};
    return s;
  }();
  static const gs::TextStyle title = [] {
    gs::TextStyle s;
    s.font = "Sans Bold 14";
    s.color = gs::Color{1.0f, 0.78f, 0.35f, 1};
    return s;
  }();
  const int w = app.fb_width, h = app.fb_height;
  const int panel_w = 390, line_h = 19;
  const int panel_h = 34 + line_h * int(lines.size()) + 8;
  const RectI panel{w - panel_w - 12, 12, w - 12, 12 + panel_h};
  layout->panel = panel;
  GS_TRY(app.ts->begin_frame(w, h));
  GS_TRY(presenter.begin_pass(*app.ts, panel, kPanel));
  GS_TRY(app.ts->draw_text(float(panel.x0 + 12), float(panel.y0 + 8), "glyphstream", title));
  for (size_t i = 0; i < lines.size(); ++i) {
    GS_TRY(app.ts->draw_text(float(panel.x0 + 12), float(panel.y0 + 34 + int(i) * line_h), lines[i],
                             style));
  }
  GS_TRY(app.ts->commit());
  GS_TRY(app.ts->flush());
  return presenter.end_pass(*app.ts, true, rgb);
}

void print_summary(const App& app, std::vector<double> cpu_ms, const OverlayState& totals,
                   uint64_t copies, uint64_t stalls) {
  if (cpu_ms.empty()) return;
  std::sort(cpu_ms.begin(), cpu_ms.end());
  auto pct = [&](double p) {
    return cpu_ms[std::min(cpu_ms.size() - 1, size_t(p * double(cpu_ms.size())))];
  };
  std::printf("frames %zu  cpu ms p50 %.2f p99 %.2f max %.2f  rasterized %" PRIu64
              "  uploaded %s in %" PRIu64 " copies  stalls %" PRIu64 "  mode %s  backend %s\n",
              cpu_ms.size(), pct(0.5), pct(0.99), cpu_ms.back(), totals.total_rasterized,
              format_bytes(totals.total_bytes).c_str(), copies, stalls,
              std::string(gs::upload_mode_name(app.ts->upload_mode())).c_str(),
              app.ts->backend_name().c_str());
}

// The frame loop; returns the exit code.
int frame_loop(GLFWwindow* window, App& app, Presenter& presenter) {
  using Clock = std::chrono::steady_clock;
  const Options& opt = app.opt;
  OverlayState ov;
  ov.backend = app.ts->backend_name();
  ov.interactive = !opt.auto_scroll;
  FrameTotals last;
  uint64_t total_copies = 0, total_stalls = 0;
  std::vector<double> cpu_ms_samples;
  ScreenshotLayout layout;
  int exit_code = 0;
  for (int frame = 0; !glfwWindowShouldClose(window); ++frame) {
    if (opt.auto_scroll && frame >= opt.frames) break;
    const auto t0 = Clock::now();
    glfwPollEvents();
    glfwGetFramebufferSize(window, &app.fb_width, &app.fb_height);
    const int w = app.fb_width, h = app.fb_height;
    bool skip = w <= 0 || h <= 0;  // minimized
    gs::Status st = skip ? gs::Status{} : presenter.begin_frame(w, h, &skip);
    if (st.ok() && skip) {
      if (w <= 0 || h <= 0) glfwWaitEvents();
      --frame;  // a skipped frame is not one of --frames
      continue;
    }
    app.set_wrap_width(std::max(100.f, float(w) - 2 * kMargin));
    if (opt.auto_scroll) {
      app.scroll = 0, app.scroll_by(double(frame) * opt.scroll_step);
      // The same path as the M key: the upload mode changes live, between frames.
      if (opt.switch_mode_every > 0 && frame > 0 && frame % opt.switch_mode_every == 0) {
        app.cycle_mode();
      }
      // Takes effect in a later frame, once the window system has resized the window.
      if (opt.resize_at > 0 && frame == opt.resize_at) {
        glfwSetWindowSize(window, opt.width - 100, opt.height - 60);
      }
    }
    app.measure_until(app.scroll + h / app.zoom);
    if (st.ok()) st = draw_document(app, presenter, &layout);
    ov.upload_mode = std::string(gs::upload_mode_name(app.ts->upload_mode()));
    ov.zoom = app.zoom;
    const bool stats_visible = !opt.auto_scroll || opt.show_stats;
    const std::vector<std::string> lines =
        stats_visible ? stats_lines(ov, last)
                      : auto_scroll_lines(frame, opt.frames, app.scroll, app.doc.size());
    const bool final_frame = opt.auto_scroll && frame + 1 == opt.frames;
    const bool shoot = final_frame && !opt.screenshot.empty();
    std::vector<uint8_t> rgb;
    if (st.ok()) st = draw_overlay(app, presenter, lines, &layout, shoot ? &rgb : nullptr);
    if (!st.ok() || app.failed) {
      std::fprintf(stderr, "scroll_demo: frame %d: %s\n", frame, st.to_string().c_str());
      exit_code = 1;
      break;
    }
    last = FrameTotals{};
    for (const gs::FrameStats& s : app.ts->take_frame_stats()) last.add(s);
    ov.total_rasterized += last.rasterized;
    ov.total_bytes += last.bytes;
    total_copies += last.copies;
    total_stalls += last.stalls;
    ov.last_cpu_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    cpu_ms_samples.push_back(ov.last_cpu_ms);
    if (shoot) {
      layout.width = w, layout.height = h;
      if (!save_and_check_screenshot(opt.screenshot, rgb, layout, opt.check)) exit_code = 1;
    }
    st = presenter.present();
    if (!st.ok()) {
      std::fprintf(stderr, "scroll_demo: present: %s\n", st.to_string().c_str());
      exit_code = 1;
      break;
    }
    ov.last_frame_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }
  if (opt.auto_scroll) print_summary(app, cpu_ms_samples, ov, total_copies, total_stalls);
  return exit_code;
}

}  // namespace

int run_demo(GLFWwindow* window, const Options& opt, Presenter& presenter) {
  App app;
  app.opt = opt;
  gs::TextSystemDesc desc;
  desc.upload_mode_set = opt.mode_set;
  desc.upload_mode = opt.mode;
  desc.vulkan.disable_transfer_queue = !opt.transfer_queue;
  auto created = presenter.create_text_system(desc);
  if (!created.ok()) {
    std::fprintf(stderr, "scroll_demo: %s\n", created.status().to_string().c_str());
    return 1;
  }
  app.ts = std::move(created).value();
  app.doc = make_document();
  std::printf("scroll_demo: %zu lines, %s on %s, upload mode %s\n", app.doc.size(),
              presenter.describe().c_str(), app.ts->gpu_renderer().c_str(),
              std::string(gs::upload_mode_name(app.ts->upload_mode())).c_str());
  install_input(window, &app);
  const int exit_code = frame_loop(window, app, presenter);
  glfwSetWindowUserPointer(window, nullptr);
  presenter.wait_idle();
  app.ts.reset();  // GPU objects go while the context or device is still there
  return exit_code;
}
