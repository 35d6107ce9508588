// A CPU reference for the GPU quad renderer: composites GlyphInstances from CPU page images with
// exactly the math of the shaders (src/gpu/gl/gl_renderer.cpp, src/gpu/vulkan/shaders/), so that
// tests can compare a framebuffer read back from the GPU with what it should hold (image_diff.h).
// No GL here. Test support, not library code: every backend's tests (GL now, Vulkan next) link it
// as glyphstream_gpu_reference; it changes whenever the shaders' blending changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
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
// and zeroed if it has the wrong size), with the GPU's math for every InstanceKind:
//   coverage page: src = vec4(rgb * a, a) * coverage   (color straight 0xRRGGBBAA)
//   colour page:   src = texel * a                     (texel premultiplied RGBA)
//   kScaledGlyph:  the texel bilinear at the pixel centre mapped into the glyph's texels
//   kRect:         src = vec4(rgb * a, a) * (the pixel's overlap with the rect)
//   kErrorSquiggle: the same with the zigzag's coverage (8 columns per pixel, exact in y)
//   dst = src + dst * (1 - src.a), rounded to 8 bits.
// Pixels outside the viewport or the instance's clip and kGlyph texels outside the page are
// skipped, as on the GPU;
// kNoPage batches draw their rect kinds; glyphs flagged kSampleColorPage sample the batch's
// color_page (a colour page), as on the GPU.
// `linear_light`: *rgba is sRGB-encoded (an sRGB target with TextSystemDesc::linear_light):
// instance colours are decoded to linear (the exact sRGB curve, gpu/srgb.h), colour-page texels
// un-premultiplied, decoded and premultiplied again, and each colour channel blends as
//   dst = encode(src + decode(dst) * (1 - factor))   (src not rounded; alpha as above).
void composite(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
               std::span<const CpuPage> pages, int w, int h, std::vector<uint8_t>* rgba,
               bool linear_light = false);

// Test input for the instance kinds: `n` instances at fractional positions and sizes in a
// view_w x view_h viewport (partly off-screen). With `page` set (page_w x page_h texels) they
// mix every kind; without (kNoPage batches) only kRect and kErrorSquiggle.
std::vector<GlyphInstance> random_kind_instances(std::mt19937& rng, int n, bool page, int page_w,
                                                 int page_h, int view_w, int view_h);
// Four batches of 40 such instances: on no page, on pages 0 and 1 of `pages`, on no page.
void random_kind_batches(std::mt19937& rng, std::span<const CpuPage> pages, int view_w, int view_h,
                         std::vector<GlyphInstance>* instances, std::vector<DrawBatch>* batches);

}  // namespace glyphstream::gpu
