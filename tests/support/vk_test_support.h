// Test support for the Vulkan backend: a headless VulkanContext with the validation layer and
// synchronization validation on, the conformance suite's Vulkan harness (one variant per async
// path, devices made through GpuDevice as the pipeline makes them), and a fixture for the
// Vulkan-only tests. Any validation message fails the test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "device_test_support.h"
#include "glyphstream/vulkan.h"
#include "gpu/gpu_device.h"
#include "gpu/vulkan/vk_backend.h"

namespace glyphstream::gpu::vktest {

// A headless context of w x h with validation on. kUnsupported only when this machine has no
// usable Vulkan device (the tests skip); a missing validation layer is an error (they fail).
Result<std::unique_ptr<VulkanContext>> create_validated_context(int width, int height,
                                                                bool srgb = false);

// A GpuDevice over a Vulkan backend on `context` whose async uploads take `path` (GpuDeviceDesc
// alone reaches kSeparateSubmission only on a device with a transfer queue).
Result<std::unique_ptr<GpuDevice>> make_vulkan_device(VulkanContext& context,
                                                      const GpuDeviceDesc& desc,
                                                      VulkanUploadPath path);
// The same on the application's device (embedded mode).
Result<std::unique_ptr<GpuDevice>> make_vulkan_device(const VulkanDeviceDesc& device,
                                                      const GpuDeviceDesc& desc,
                                                      VulkanUploadPath path);

// The conformance suite's variant for one async path.
DeviceVariant vulkan_variant(std::string name, VulkanUploadPath path);

// Vulkan-only tests: a validated context of kWidth x kHeight.
class VulkanTest : public ::testing::Test {
 public:
  static constexpr int kWidth = 256, kHeight = 192;

 protected:
  void SetUp() override;
  void TearDown() override;
  std::unique_ptr<GpuDevice> make_device(GpuDeviceDesc desc = {},
                                         VulkanUploadPath path = VulkanUploadPath::kAuto);
  // Fails the test when validation reported anything since the last call.
  void expect_no_validation_messages();

  std::unique_ptr<VulkanContext> ctx_;
};

}  // namespace glyphstream::gpu::vktest
