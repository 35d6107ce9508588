// A CPU reference for the GPU quad renderer: composites GlyphInstances from CPU page images with
// exactly the math of the GL shader (src/gpu/gl/gl_device.cpp), so that tests can compare a
// framebuffer read back from the GPU with what it should hold (image_diff.h). No GL here.
// Test support, not library code: every backend's tests (GL now, Vulkan next) link it as
// glyphstream_gpu_reference; it changes whenever the shaders' blending changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "glyphstream/types.h"
#include "gpu/gpu_device.h"

namespace glyphstream::gpu {

// One atlas page as the CPU holds it. Pages are indexed by page id (DrawBatch::page); a page
// with no pixels draws nothing.
struct CpuPage {
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;
  const uint8_t* pixels = nullptr;  // height rows of stride bytes
  size_t stride = 0;
};

// Draws the batches in order over *rgba (w*h*4 bytes, RGBA8 premultiplied, top row first; resized
// and zeroed if it has the wrong size), with the GPU's math:
//   coverage page: src = vec4(rgb * a, a) * coverage   (color straight 0xRRGGBBAA)
//   colour page:   src = texel * a                     (texel premultiplied RGBA)
//   dst = src + dst * (1 - src.a), rounded to 8 bits.
// Pixels outside the viewport and texels outside the page are skipped, as on the GPU.
void composite(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
               std::span<const CpuPage> pages, int w, int h, std::vector<uint8_t>* rgba);

}  // namespace glyphstream::gpu
