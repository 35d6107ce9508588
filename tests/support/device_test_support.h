// Test support shared by every backend's device tests: CPU atlas pages with dirty rects, their
// upload through GpuDevice (the way the pipeline's stager hands them over), page readback
// comparison, and the fixture of the backend conformance suite (device_conformance_test.cpp),
// which each backend's test binary instantiates with its own harness (gl/gl_device_test.cpp,
// vulkan/vk_backend_test.cpp). No graphics API type here: a harness hides its context.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "gpu/gpu_device.h"
#include "reference_compositor.h"

namespace glyphstream::gpu {

// A CPU atlas page with the bookkeeping the atlas module does: pixels plus dirty rects.
struct SimPage {
  uint32_t id = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0, height = 0;
  size_t stride = 0;
  std::vector<uint8_t> pixels;
  std::vector<Rect> dirty;

  SimPage(uint32_t id_, PixelFormat f, int w, int h, size_t pad = 0);
  int bpp() const { return bytes_per_pixel(format); }
  // Fills r with random bytes (premultiplied-valid for colour pages) and marks it dirty.
  void write(const Rect& r, std::mt19937& rng);
  Rect random_rect(std::mt19937& rng, int max_side) const;
  void grow(int new_height);
  PageUpload upload() const;
  std::vector<uint8_t> tight() const;  // tight rows, as read_texture returns them
  CpuPage cpu() const { return {format, width, height, pixels.data(), stride}; }
};

// The pages as the reference compositor reads them (views of their pixels).
inline std::vector<CpuPage> cpu_pages(const std::vector<SimPage>& pages) {
  std::vector<CpuPage> cpu;
  for (const SimPage& p : pages) cpu.push_back(p.cpu());
  return cpu;
}

// Uploads every page's dirty rects in one GpuDevice::upload() call and clears them.
Status upload_pages(GpuDevice& dev, std::vector<SimPage>& pages, UploadMode mode,
                    UploadStats* stats);
// Empty when the device's page texture equals the CPU page byte for byte.
std::string texture_mismatch(GpuDevice& dev, const SimPage& page);

// One backend under test: its context (GL: a HeadlessGl; Vulkan: a validated VulkanContext)
// with an offscreen target, and how devices are made on it.
class DeviceHarness {
 public:
  virtual ~DeviceHarness() = default;
  virtual std::string backend_name() const = 0;  // GpuDevice::backend_name()
  // A substring of every device's async_path() (the variant's path), or empty.
  virtual std::string async_path_mark() const { return {}; }
  // A device drawing into the target, with the variant's settings applied to desc.
  virtual Result<std::unique_ptr<GpuDevice>> make_device(const GpuDeviceDesc& desc) = 0;
  virtual Status clear(float r, float g, float b, float a) = 0;
  // Premultiplied RGBA8, top row first; waits for the draws submitted before it.
  virtual Status read_pixels(std::vector<uint8_t>* rgba) = 0;
  // What the backend's checker (the Vulkan validation layer) reported since the last call.
  virtual std::vector<std::string> take_messages() { return {}; }
};

// A backend in one configuration (GL, GL with the 3.3 fallbacks, Vulkan with each async path).
struct DeviceVariant {
  std::string name;  // the instantiated tests' suffix
  // kUnsupported skips the test (no such device here); any other error fails it.
  std::function<Result<std::unique_ptr<DeviceHarness>>(int width, int height)> create;
  // The same backend drawing into an sRGB target (HeadlessGlDesc / VulkanContextDesc::srgb),
  // for the linear-light cases (device_linear_light_test.cpp); empty: not offered.
  std::function<Result<std::unique_ptr<DeviceHarness>>(int width, int height)> create_srgb;
};
inline void PrintTo(const DeviceVariant& v, std::ostream* os) { *os << v.name; }
inline std::string variant_name(const ::testing::TestParamInfo<DeviceVariant>& info) {
  return info.param.name;
}

// The conformance suite's fixture: a harness per test, any checker message fails the test.
class BackendConformance : public ::testing::TestWithParam<DeviceVariant> {
 public:
  static constexpr int kWidth = 256, kHeight = 192;

 protected:
  void SetUp() override;
  void TearDown() override;
  std::unique_ptr<GpuDevice> make_device(GpuDeviceDesc desc = {});
  void clear(float r, float g, float b, float a);
  std::vector<uint8_t> screen();
  // Compares the screen with want (within tolerance per channel); *max_diff gets the largest
  // channel difference.
  void expect_screen(const std::vector<uint8_t>& want, int tolerance, const std::string& what,
                     int* max_diff = nullptr);
  // Round `round` of a reference test: clears (alpha 0.5 or 1 by round), draws the list as
  // frame round + 1 and expects the screen within 3 per channel of the reference compositor
  // (overlapping quads accumulate the blender's rounding: llvmpipe is within 1, the NVIDIA
  // driver within 3, measured on an H200); returns the largest channel difference.
  int draw_matches_reference(GpuDevice& dev, const std::vector<GlyphInstance>& instances,
                             const std::vector<DrawBatch>& batches,
                             const std::vector<CpuPage>& pages, int round);

  std::unique_ptr<DeviceHarness> harness_;
};

}  // namespace glyphstream::gpu
