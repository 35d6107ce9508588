// What both backends share: the scroll state over the document, and the frame loop that draws
// the document and the statistics overlay through glyphstream. A Presenter supplies what
// differs per graphics API (window surface, clears, submission, read-back, present).
#pragma once

#include <glyphstream/text_system.h>

#include <memory>
#include <string>
#include <vector>

#include "document.h"
#include "options.h"

struct GLFWwindow;

constexpr float kMargin = 24;
constexpr float kLineGap = 6;
constexpr float kBackground[3] = {0.97f, 0.96f, 0.94f};
constexpr float kPanel[3] = {0.13f, 0.15f, 0.19f};

struct RectI {
  int x0, y0, x1, y1;  // half-open, top-left origin
};

struct App {
  Options opt;
  std::unique_ptr<glyphstream::TextSystem> ts;
  std::vector<Line> doc;
  float wrap_width = 0;
  size_t measured = 0;  // lines [0, measured) have height and top
  double scroll = 0;
  float zoom = 1;  // Ctrl + wheel, +/-: the document drawn with draw_text_scaled
  int fb_width = 0, fb_height = 0;
  bool failed = false;

  void measure_next();
  // Lines are measured lazily, only as far down as someone looks; returns the height of the
  // measured part.
  float measure_until(double bottom);
  float measured_height() const;
  void set_wrap_width(float w);
  void scroll_by(double dy);
  void cycle_mode();
};

// One displayed frame is two glyphstream frames: the document, then (after the panel is
// cleared over it) the overlay. Every call returns a non-ok Status only on a real failure.
class Presenter {
 public:
  virtual ~Presenter() = default;
  // Creates the TextSystem for this API (the window and device exist by now).
  virtual glyphstream::Result<std::unique_ptr<glyphstream::TextSystem>> create_text_system(
      const glyphstream::TextSystemDesc& desc) = 0;
  virtual std::string describe() const = 0;  // API and version, for the first line printed
  // Starts a displayed frame of w x h px. *skip: nothing to draw this time (minimized, or the
  // swap chain was just recreated).
  virtual glyphstream::Status begin_frame(int w, int h, bool* skip) = 0;
  // After ts.begin_frame(): the pass clears `area` (the whole window for the document, the
  // panel for the overlay) to `color`, then glyphstream's draws follow.
  virtual glyphstream::Status begin_pass(glyphstream::TextSystem& ts, RectI area,
                                         const float color[3]) = 0;
  // After ts.flush(). The last pass of a frame reads the image back as RGB (top row first)
  // when `rgb` is not null.
  virtual glyphstream::Status end_pass(glyphstream::TextSystem& ts, bool last,
                                       std::vector<uint8_t>* rgb) = 0;
  // Shows the frame.
  virtual glyphstream::Status present() = 0;
  // Before the TextSystem goes: what it submitted has finished.
  virtual void wait_idle() = 0;
};

// Runs the demo in `window` (input callbacks installed here); returns the exit code.
int run_demo(GLFWwindow* window, const Options& opt, Presenter& presenter);
