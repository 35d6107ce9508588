// A headless OpenGL context through EGL, with an offscreen RGBA8 framebuffer bound. For tools,
// tests and servers; applications that have their own GL context do not need it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream {

struct HeadlessGlDesc {
  int width = 0;   // default 1024
  int height = 0;  // default 768
  // An sRGB colour buffer (GL_SRGB8_ALPHA8) instead of RGBA8: a target for
  // TextSystemDesc::linear_light. clear() and read_pixels() still take and give the stored
  // (sRGB-encoded) values.
  bool srgb = false;
};

class HeadlessGl {
 public:
  // Tries the EGL device platform first (a GPU without a display server), then Mesa's
  // surfaceless platform, then the default display. Asks for an OpenGL 4.6..4.1 core context,
  // then 3.3 core. Errors: kNoDisplay, kContextFailed, kUnsupported.
  static Result<std::unique_ptr<HeadlessGl>> create(const HeadlessGlDesc& desc = {});
  virtual ~HeadlessGl() = default;

  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual std::string platform() const = 0;    // "device", "surfaceless" or "default"
  virtual std::string renderer() const = 0;    // GL_RENDERER
  virtual std::string version() const = 0;     // GL_VERSION
  virtual bool srgb() const { return false; }  // the colour buffer is GL_SRGB8_ALPHA8
  // Makes the context current on the calling thread and binds the offscreen framebuffer.
  virtual Status make_current() = 0;
  // Re-creates the offscreen framebuffer at a new size (content undefined afterwards); the
  // context and every GL object in it stay.
  virtual Status resize(int width, int height) {
    (void)width, (void)height;
    return {ErrorCode::kUnsupported, "resize is not implemented by this context"};
  }
  // Clears the framebuffer to a straight-alpha colour (on an sRGB buffer: the encoded values
  // stored as given, glClear without GL_FRAMEBUFFER_SRGB).
  virtual void clear(float r, float g, float b, float a) = 0;
  // Reads the framebuffer back as RGBA8, top row first (width * height * 4 bytes); waits for
  // the GPU to finish. The pixels are premultiplied by alpha (what TextSystem's blending
  // leaves in the framebuffer, see text_system.h): un-premultiply before storing them in a
  // straight-alpha format such as PNG. On an sRGB buffer: the stored, encoded bytes.
  virtual Status read_pixels(std::vector<uint8_t>* rgba) = 0;
};

}  // namespace glyphstream
