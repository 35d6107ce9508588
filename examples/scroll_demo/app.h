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
#include "presenter.h"

struct GLFWwindow;

constexpr float kMargin = 24;
constexpr float kLineGap = 6;
constexpr float kBackground[3] = {0.97f, 0.96f, 0.94f};
constexpr float kPanel[3] = {0.13f, 0.15f, 0.19f};

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

// Runs the demo in `window` (input callbacks installed here); returns the exit code.
int run_demo(GLFWwindow* window, const Options& opt, Presenter& presenter);
