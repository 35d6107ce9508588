#include "headless_target.h"

#include "busy_scene.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/vulkan.h"

namespace glyphstream::tools {
namespace {

// The target's busy scene (bench support, bench/busy_scene), made at its first use.
template <typename Context>
Result<bench::BusyScene*> busy_scene(Context* context, std::unique_ptr<bench::BusyScene>* scene) {
  if (!*scene) {
    GS_ASSIGN_OR_RETURN(*scene, bench::BusyScene::create(context));
  }
  return scene->get();
}

class GlTarget final : public HeadlessTarget {
 public:
  explicit GlTarget(std::unique_ptr<HeadlessGl> gl) : gl_(std::move(gl)) {}
  GpuApi api() const override { return GpuApi::kGl; }
  int width() const override { return gl_->width(); }
  int height() const override { return gl_->height(); }
  std::string description() const override {
    return gl_->renderer() + " via EGL " + gl_->platform() +
           (gl_->srgb() ? ", sRGB target, linear light" : "");
  }
  void configure(TextSystemDesc* desc) override {
    desc->backend = GpuApi::kGl;
    desc->vulkan.context = nullptr;
    desc->linear_light = gl_->srgb();
  }
  Status make_current() override { return gl_->make_current(); }
  Status resize(int width, int height) override { return gl_->resize(width, height); }
  Status clear(const Color& c) override {
    gl_->clear(c.r, c.g, c.b, c.a);
    return {};
  }
  Status read_pixels(std::vector<uint8_t>* rgba) override { return gl_->read_pixels(rgba); }
  Status draw_busy_scene(const Color& c, uint32_t work) override {
    GS_ASSIGN_OR_RETURN(bench::BusyScene * scene, busy_scene(gl_.get(), &busy_));
    return scene->draw(c, work);
  }
  Result<double> time_busy_scene(uint32_t work) override {
    GS_ASSIGN_OR_RETURN(bench::BusyScene * scene, busy_scene(gl_.get(), &busy_));
    return scene->time(work);
  }

 private:
  std::unique_ptr<HeadlessGl> gl_;
  std::unique_ptr<bench::BusyScene> busy_;  // before the context goes
};

class VulkanTarget final : public HeadlessTarget {
 public:
  explicit VulkanTarget(std::unique_ptr<VulkanContext> vk) : vk_(std::move(vk)) {}
  GpuApi api() const override { return GpuApi::kVulkan; }
  int width() const override { return vk_->width(); }
  int height() const override { return vk_->height(); }
  std::string description() const override {
    return vk_->renderer() + " via Vulkan" + (vk_->srgb() ? ", sRGB target, linear light" : "");
  }
  void configure(TextSystemDesc* desc) override {
    desc->backend = GpuApi::kVulkan;
    desc->vulkan.context = vk_.get();
    desc->linear_light = vk_->srgb();
  }
  Status make_current() override { return {}; }
  Status resize(int width, int height) override { return vk_->resize(width, height); }
  Status clear(const Color& c) override { return vk_->clear(c.r, c.g, c.b, c.a); }
  Status read_pixels(std::vector<uint8_t>* rgba) override { return vk_->read_pixels(rgba); }
  Status draw_busy_scene(const Color& c, uint32_t work) override {
    GS_ASSIGN_OR_RETURN(bench::BusyScene * scene, busy_scene(vk_.get(), &busy_));
    return scene->draw(c, work);
  }
  Result<double> time_busy_scene(uint32_t work) override {
    GS_ASSIGN_OR_RETURN(bench::BusyScene * scene, busy_scene(vk_.get(), &busy_));
    return scene->time(work);
  }
  Result<GpuSpan> last_busy_scene_span() override {
    if (!busy_) return Status(ErrorCode::kInvalidArgument, "busy scene: none drawn yet");
    return busy_->last_span();
  }
  std::vector<std::string> take_validation_messages() override {
    return vk_->take_validation_messages();
  }

 private:
  std::unique_ptr<VulkanContext> vk_;
  std::unique_ptr<bench::BusyScene> busy_;  // before the context goes
};

}  // namespace

Result<std::unique_ptr<HeadlessTarget>> HeadlessTarget::create(const HeadlessTargetDesc& desc) {
  if (desc.api == GpuApi::kVulkan) {
    VulkanContextDesc vd;
    vd.width = desc.width;
    vd.height = desc.height;
    vd.validation = desc.validation;
    vd.srgb = desc.srgb;
    GS_ASSIGN_OR_RETURN(auto vk, VulkanContext::create(vd));
    return Result<std::unique_ptr<HeadlessTarget>>(std::make_unique<VulkanTarget>(std::move(vk)));
  }
  HeadlessGlDesc gd{desc.width, desc.height};
  gd.srgb = desc.srgb;
  GS_ASSIGN_OR_RETURN(auto gl, HeadlessGl::create(gd));
  return Result<std::unique_ptr<HeadlessTarget>>(std::make_unique<GlTarget>(std::move(gl)));
}

Status check_validation(HeadlessTarget* target) {
  const std::vector<std::string> messages = target->take_validation_messages();
  if (messages.empty()) return {};
  std::string all = std::to_string(messages.size()) + " Vulkan validation message(s):";
  for (const std::string& m : messages) all += "\n  " + m;
  return {ErrorCode::kInternal, all};
}

}  // namespace glyphstream::tools
