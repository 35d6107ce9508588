// Test support for the Vulkan backend: CPU atlas pages with dirty rects, the upload pass the
// common side (GpuDevice) drives through gpu::Backend, and a fixture with a validated headless
// context that fails the test on any validation message.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gpu/backend.h"
#include "gpu/vulkan/vk_backend.h"
#include "gpu/vulkan/vk_reference_bridge.h"

namespace glyphstream::gpu::vktest {

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
  std::vector<uint8_t> tight() const;  // tight rows, as read_texture returns them
  RefPage ref() const { return {format, width, height, pixels.data(), stride}; }
};

// One commit's upload pass, the way the common side drives a backend (backend.h): pages
// ensured, then async rects through the next ring slot (a busy slot is waited for and counted
// as a stall), sync rects and whole pages from client memory. Clears the pages' dirty rects.
Status upload_pages(Backend& backend, std::vector<SimPage>& pages, UploadMode mode,
                    UploadStats* stats);
// Empty when the backend's page image equals the CPU page byte for byte.
std::string texture_mismatch(Backend& backend, const SimPage& page);

class VulkanTest : public ::testing::Test {
 public:
  static constexpr int kWidth = 256, kHeight = 192;

 protected:
  void SetUp() override;
  void TearDown() override;
  std::unique_ptr<VulkanBackend> make_backend(VulkanBackendDesc desc = {});
  // Fails the test when validation reported anything since the last call.
  void expect_no_validation_messages();
  // The screen after the draws so far, and the reference composite of `list` over `before`.
  void expect_screen(const std::vector<uint8_t>& want, int tolerance, const std::string& what,
                     int* max_diff = nullptr);

  std::unique_ptr<VulkanContext> ctx_;
};

}  // namespace glyphstream::gpu::vktest
