#include "vk_test_support.h"

#include <utility>

namespace glyphstream::gpu::vktest {
namespace {

class VulkanHarness final : public DeviceHarness {
 public:
  VulkanHarness(std::unique_ptr<VulkanContext> ctx, VulkanUploadPath path)
      : ctx_(std::move(ctx)), path_(path) {}
  std::string backend_name() const override { return "vulkan"; }
  std::string async_path_mark() const override {
    return path_ == VulkanUploadPath::kSeparateSubmission ? "timeline" : "";
  }
  Result<std::unique_ptr<GpuDevice>> make_device(const GpuDeviceDesc& desc) override {
    return make_vulkan_device(*ctx_, desc, path_);
  }
  Status clear(float r, float g, float b, float a) override { return ctx_->clear(r, g, b, a); }
  Status read_pixels(std::vector<uint8_t>* rgba) override { return ctx_->read_pixels(rgba); }
  std::vector<std::string> take_messages() override { return ctx_->take_validation_messages(); }

 private:
  std::unique_ptr<VulkanContext> ctx_;
  VulkanUploadPath path_;
};

Result<std::unique_ptr<GpuDevice>> wrap(Result<std::unique_ptr<VulkanBackend>> backend,
                                        const GpuDeviceDesc& desc) {
  if (!backend.ok()) return backend.status();
  return std::make_unique<GpuDevice>(std::move(backend).value(), desc);
}

VulkanBackendDesc with_path(const GpuDeviceDesc& desc, VulkanUploadPath path) {
  VulkanBackendDesc v = vulkan_backend_desc(desc);
  v.upload_path = path;
  return v;
}

}  // namespace

Result<std::unique_ptr<VulkanContext>> create_validated_context(int width, int height, bool srgb) {
  VulkanContextDesc desc;
  desc.width = width;
  desc.height = height;
  desc.srgb = srgb;
  desc.validation = true;  // with synchronization validation
  auto ctx = VulkanContext::create(desc);
  if (!ctx.ok() && ctx.status().code() == ErrorCode::kUnsupported &&
      ctx.status().message().find("validation") != std::string::npos) {
    return Status(ErrorCode::kInternal,
                  "the validation layer is required: " + ctx.status().to_string());
  }
  if (ctx.ok() && !(*ctx)->validation_enabled()) {
    return Status(ErrorCode::kInternal, "the context came up without validation");
  }
  return ctx;
}

Result<std::unique_ptr<GpuDevice>> make_vulkan_device(VulkanContext& context,
                                                      const GpuDeviceDesc& desc,
                                                      VulkanUploadPath path) {
  return wrap(create_vulkan_backend(context, with_path(desc, path)), desc);
}

Result<std::unique_ptr<GpuDevice>> make_vulkan_device(const VulkanDeviceDesc& device,
                                                      const GpuDeviceDesc& desc,
                                                      VulkanUploadPath path) {
  return wrap(create_vulkan_backend(device, with_path(desc, path)), desc);
}

DeviceVariant vulkan_variant(std::string name, VulkanUploadPath path) {
  auto make = [path](bool srgb) {
    return [path, srgb](int w, int h) -> Result<std::unique_ptr<DeviceHarness>> {
      GS_ASSIGN_OR_RETURN(std::unique_ptr<VulkanContext> ctx, create_validated_context(w, h, srgb));
      return std::unique_ptr<DeviceHarness>(new VulkanHarness(std::move(ctx), path));
    };
  };
  return {std::move(name), make(false), make(true)};
}

void VulkanTest::SetUp() {
  auto ctx = create_validated_context(kWidth, kHeight);
  if (!ctx.ok() && ctx.status().code() == ErrorCode::kUnsupported) {
    GTEST_SKIP() << "no usable Vulkan device: " << ctx.status().to_string();
  }
  ASSERT_TRUE(ctx.ok()) << ctx.status().to_string();
  ctx_ = std::move(ctx).value();
}

// The devices of a test are gone by now: their teardown is validated too.
void VulkanTest::TearDown() {
  if (ctx_) expect_no_validation_messages();
}

std::unique_ptr<GpuDevice> VulkanTest::make_device(GpuDeviceDesc desc, VulkanUploadPath path) {
  auto dev = make_vulkan_device(*ctx_, desc, path);
  EXPECT_TRUE(dev.ok()) << dev.status().to_string();
  return dev.ok() ? std::move(dev).value() : nullptr;
}

void VulkanTest::expect_no_validation_messages() {
  for (const std::string& m : ctx_->take_validation_messages())
    ADD_FAILURE() << "validation: " << m;
}

}  // namespace glyphstream::gpu::vktest
