// SPIR-V of the shaders in shaders/, compiled by glslc at build time (CMakeLists.txt) and
// embedded: no shader compiler at run time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace glyphstream::gpu::vk {

std::span<const uint32_t> glyph_vertex_spirv();
std::span<const uint32_t> glyph_fragment_spirv();
// The fragment shader without a sampler: kNoPage batches (rect kinds only).
std::span<const uint32_t> rect_fragment_spirv();
// The fragment shader with a second output for dual-source blending: kLcd24 pages (GS_LCD).
std::span<const uint32_t> lcd_fragment_spirv();

}  // namespace glyphstream::gpu::vk
