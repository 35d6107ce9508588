#include "pipeline/desc_validation.h"

#include <string>

namespace glyphstream::pipeline {

bool valid_upload_mode(UploadMode mode) {
  return mode == UploadMode::kAsync || mode == UploadMode::kSync || mode == UploadMode::kWholePage;
}

namespace {

Status out_of_range(const char* field, long long max) {
  return Status(ErrorCode::kInvalidArgument,
                std::string(field) + " must be 0 (default) or 1.." + std::to_string(max));
}

}  // namespace

// Every value of the description against its documented bound (text_system.h).
Status validate_desc(const TextSystemDesc& desc) {
  using D = TextSystemDesc;
  if (desc.threads < 0 || desc.threads > D::kMaxThreads)
    return out_of_range("threads", D::kMaxThreads);
  for (const int size : {desc.page_width, desc.page_max_height, desc.page_initial_height}) {
    if (size < 0 || size > D::kMaxPageSize)
      return out_of_range("atlas page sizes", D::kMaxPageSize);
  }
  if (desc.atlas_budget_bytes > D::kMaxAtlasBudgetBytes) {
    return out_of_range("atlas_budget_bytes", (long long)D::kMaxAtlasBudgetBytes);
  }
  if (desc.staging_ring_depth < 0 || desc.staging_ring_depth > D::kMaxStagingRingDepth) {
    return out_of_range("staging_ring_depth", D::kMaxStagingRingDepth);
  }
  if (desc.frames_in_flight < 0 || desc.frames_in_flight > D::kMaxFramesInFlight) {
    return out_of_range("frames_in_flight", D::kMaxFramesInFlight);
  }
  if (desc.layout_cache_entries > D::kMaxLayoutCacheEntries) {
    return out_of_range("layout_cache_entries", (long long)D::kMaxLayoutCacheEntries);
  }
  for (const int knob :
       {desc.zoom_stable_frames, desc.zoom_background_glyphs, desc.zoom_ladder_steps}) {
    if (knob < 0 || knob > D::kMaxZoomKnob) return out_of_range("zoom knobs", D::kMaxZoomKnob);
  }
  if (desc.backend != GpuApi::kGl && desc.backend != GpuApi::kVulkan) {
    return Status(ErrorCode::kInvalidArgument, "backend is not a GpuApi value");
  }
  if (!valid_upload_mode(desc.upload_mode)) {
    return Status(ErrorCode::kInvalidArgument, "upload_mode is not an UploadMode value");
  }
  return {};
}

}  // namespace glyphstream::pipeline
