// What differs per graphics API in a GLFW application that draws with glyphstream: window
// surface, clears, submission, read-back, present. GlPresenter (gl_presenter.h) and
// VulkanPresenter (vk_presenter.h) implement it; scroll_demo and examples/editor use both.
#pragma once

#include <glyphstream/text_system.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct RectI {
  int x0, y0, x1, y1;  // half-open, top-left origin
};

// A displayed frame is one or more passes, each one glyphstream frame (scroll_demo: the
// document, then, after the panel is cleared over it, the overlay). Every call returns a non-ok
// Status only on a real failure.
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
  // Inside a pass (after begin_pass, before end_pass): clears `area` to `color`, ordered with
  // glyphstream's draws of the pass (before flush(): under them; after flush(): over them).
  virtual glyphstream::Status clear(RectI area, const float color[3]) = 0;
  // After ts.flush(). The last pass of a frame reads the image back as RGB (top row first)
  // when `rgb` is not null.
  virtual glyphstream::Status end_pass(glyphstream::TextSystem& ts, bool last,
                                       std::vector<uint8_t>* rgb) = 0;
  // Shows the frame.
  virtual glyphstream::Status present() = 0;
  // Before the TextSystem goes: what it submitted has finished.
  virtual void wait_idle() = 0;
};
