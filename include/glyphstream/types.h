// Small value types shared by every layer of glyphstream.
#pragma once

#include <cstdint>
#include <string_view>

namespace glyphstream {

// How commit() moves dirty atlas pixels to the GPU (docs/ARCHITECTURE.md, "The upload contract").
enum class UploadMode : uint8_t {
  kAsync = 0,  // coalesced dirty rects -> persistently mapped PBO ring (fenced) -> texture
  kSync,       // the same dirty rects straight from client memory (the kill switch)
  kWholePage,  // every dirty page re-uploaded entirely (baseline for benchmarks only)
};
std::string_view upload_mode_name(UploadMode mode);
// Parses "async", "sync", "whole-page"; returns false for anything else.
bool parse_upload_mode(std::string_view text, UploadMode* out);

// The graphics API a TextSystem draws with (TextSystemDesc::backend).
enum class GpuApi : uint8_t {
  kGl = 0,      // OpenGL 3.3+ in the current context (EGL headless or the application's)
  kVulkan = 1,  // Vulkan 1.3: a VulkanContext (headless) or the application's device
};
std::string_view gpu_api_name(GpuApi api);  // "gl", "vulkan"
// Parses "gl", "vulkan"; returns false for anything else.
bool parse_gpu_api(std::string_view text, GpuApi* out);

// Pixel format of an atlas page and of a rasterized glyph.
enum class PixelFormat : uint8_t {
  kCoverage8 = 0,  // one byte of coverage per pixel (R8 texture)
  kColor32 = 1,    // premultiplied RGBA, four bytes per pixel (RGBA8 texture), colour glyphs
  kLcd24 = 2,      // LCD (subpixel) glyphs: one coverage per colour channel, R, G, B (in the
                   // target's channel order, whatever the stripe order), three bytes per pixel
                   // (an R8 texture three texels wide per pixel; the shaders take green's
                   // coverage as the alpha, as cairo does)
};
constexpr int bytes_per_pixel(PixelFormat f) {
  return f == PixelFormat::kCoverage8 ? 1 : f == PixelFormat::kLcd24 ? 3 : 4;
}
constexpr int kPixelFormatCount = 3;

// Straight (not premultiplied) RGBA colour, components 0..1.
struct Color {
  float r = 0, g = 0, b = 0, a = 1;
  static Color from_rgba8(uint32_t rgba);  // 0xRRGGBBAA
  uint32_t to_rgba8() const;
  friend bool operator==(const Color&, const Color&) = default;
};

// Integer rectangle in pixels.
struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
  int right() const { return x + w; }
  int bottom() const { return y + h; }
  bool empty() const { return w <= 0 || h <= 0; }
  friend bool operator==(const Rect&, const Rect&) = default;
};

// Rectangle in pixels with fractional edges (layout answers, clip rectangles).
struct RectF {
  float x = 0, y = 0, w = 0, h = 0;
  friend bool operator==(const RectF&, const RectF&) = default;
};

}  // namespace glyphstream
