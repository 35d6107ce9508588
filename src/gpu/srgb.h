// The sRGB transfer function (IEC 61966-2-1), the exact piecewise curve that sRGB formats use:
// for clears of sRGB targets, and for the CPU reference of linear-light blending
// (tests/support/reference_compositor.h). The shaders carry the same formulas in GLSL.
#pragma once

#include <cmath>

namespace glyphstream::gpu {

// An encoded value (0..1) to linear light.
inline float srgb_to_linear(float v) {
  return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f);
}

// Linear light (0..1) to the encoded value.
inline float linear_to_srgb(float v) {
  return v <= 0.0031308f ? v * 12.92f : 1.055f * std::pow(v, 1.f / 2.4f) - 0.055f;
}

}  // namespace glyphstream::gpu
