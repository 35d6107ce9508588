// The OpenGL backend (backend.h): ties the context check, page textures, staging ring,
// renderer, frame fences and timer queries together. Everything runs in the context that was
// current when it was created and leaves the application's GL state as it found it.
#pragma once

#include <optional>
#include <string>

#include "gpu/backend.h"
#include "gpu/gl/gl_context.h"
#include "gpu/gl/gl_frames.h"
#include "gpu/gl/gl_renderer.h"
#include "gpu/gl/gl_staging_ring.h"
#include "gpu/gl/gl_state.h"
#include "gpu/gl/gl_textures.h"
#include "gpu/gpu_device.h"

namespace glyphstream::gpu::gl {

// Host-to-device bandwidth (GB/s) in the current context: a mapped pixel-unpack buffer copied
// into a texture, `bytes` in one copy (gl_bandwidth.cpp). The caller checks the context.
Result<double> measure_upload_bandwidth(size_t bytes);

class GlBackend final : public Backend {
 public:
  // `desc` with defaults applied (with_defaults()); the current context becomes the device's.
  GlBackend(const GpuDeviceDesc& desc, const GlFeatures& features);
  ~GlBackend() override;

  Status init();

  Status begin_upload(UploadMode mode) override;
  Status ensure_page(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) override;
  int staging_slot_count() const override { return ring_.size(); }
  bool staging_slot_idle(int slot) override { return ring_.idle(slot); }
  Status wait_staging_slot(int slot) override { return ring_.wait(slot); }
  Result<uint8_t*> map_staging_slot(int slot, size_t bytes) override;
  bool parallel_staging_writes() const override { return ring_.persistent(); }
  Status copy_from_staging(int slot, std::span<const StagingCopy> copies) override;
  Status copy_from_client(std::span<const ClientCopy> copies) override;
  Status end_upload() override;

  Status draw(const DrawList& list) override;
  Status end_frame(FrameToken frame) override;
  FrameToken completed_frame() override;
  Status wait_frame(FrameToken frame) override;
  Status finish() override;

  bool timer_queries_available() const override { return timers_.available(); }
  std::vector<GpuTimings> take_timings() override;
  Result<double> measure_upload_bandwidth(size_t bytes) override;
  GpuApi api() const override { return GpuApi::kGl; }
  std::string name() const override { return "gl"; }
  std::string async_path() const override;
  std::string renderer() const override { return renderer_; }
  int max_texture_size() const override { return max_texture_size_; }
  bool dual_source_blend() const override { return quads_.dual_source_blend(); }
  Status read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                      int* height) override;

 private:
  void begin_upload_query();

  GlContext context_;
  GlFeatures features_;
  bool enable_timer_queries_;
  bool linear_light_;
  std::string renderer_;
  GLint max_texture_size_ = 0;

  PageTextures textures_;
  StagingRing ring_;
  QuadRenderer quads_;
  FrameFences fences_;
  TimerQueries timers_;

  // The upload pass in progress.
  std::optional<GlStateGuard> upload_guard_;
  UploadMode upload_mode_ = UploadMode::kAsync;
  bool upload_query_begun_ = false;
};

}  // namespace glyphstream::gpu::gl
