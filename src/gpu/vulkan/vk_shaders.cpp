#include "gpu/vulkan/vk_shaders.h"

namespace glyphstream::gpu::vk {
namespace {

// glslc -mfmt=c writes the words as a brace-enclosed initializer list.
constexpr uint32_t kVertex[] =
#include "glyph.vert.inc"
    ;
constexpr uint32_t kFragment[] =
#include "glyph.frag.inc"
    ;
constexpr uint32_t kRectFragment[] =
#include "glyph_rects.frag.inc"
    ;
constexpr uint32_t kLcdFragment[] =
#include "glyph_lcd.frag.inc"
    ;

}  // namespace

std::span<const uint32_t> glyph_vertex_spirv() { return kVertex; }
std::span<const uint32_t> glyph_fragment_spirv() { return kFragment; }
std::span<const uint32_t> rect_fragment_spirv() { return kRectFragment; }
std::span<const uint32_t> lcd_fragment_spirv() { return kLcdFragment; }

}  // namespace glyphstream::gpu::vk
