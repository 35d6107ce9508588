// Area-averaging (box filter) resize of premultiplied 4-channel pixels, used to bring colour
// emoji strikes (Noto Color Emoji: one 109 ppem strike) to the requested size.
#pragma once

#include <cstddef>
#include <cstdint>

namespace glyphstream::text {

// Resizes sw x sh pixels (rows `src_pitch` bytes apart; BGRA when `src_bgra`, else RGBA) to
// dw x dh tightly packed RGBA. Every output pixel is the area-weighted mean of the source pixels
// it covers, rounded, with colour clamped to alpha (premultiplied). Separable: two passes of
// O(source pixels) each, instead of a 2D window per output pixel.
void resize_box_rgba(const uint8_t* src, std::ptrdiff_t src_pitch, int sw, int sh, bool src_bgra,
                     uint8_t* dst, int dw, int dh);

}  // namespace glyphstream::text
