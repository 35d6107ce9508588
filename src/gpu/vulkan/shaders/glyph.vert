// Instanced quads, the Vulkan twin of the GL renderer's vertex shader
// (src/gpu/gl/gl_renderer.cpp): one instance per quad, four vertices as a triangle strip.
#version 450
layout(location = 0) in vec4 a_rect;  // x, y, w, h: destination, px, y down
layout(location = 1) in uvec4 a_tex;  // u, v, tw, th: source texels
layout(location = 2) in uint a_color; // straight 0xRRGGBBAA
layout(location = 3) in uint a_kind;  // InstanceKind | kSampleColorPage (0x100)
layout(location = 4) in uvec4 a_clip; // x0, y0, x1, y1: the pixels it may write, px
// Linear-light blending (an *_SRGB target): colours to linear (the GL shaders' GS_LINEAR).
layout(constant_id = 1) const int kLinear = 0;
layout(push_constant) uniform Push {
  vec2 viewport;
} pc;
layout(location = 0) flat out vec4 v_rect;
layout(location = 1) flat out ivec4 v_tex;
layout(location = 2) flat out vec4 v_color;
layout(location = 3) flat out uint v_kind;
void main() {
  vec2 corner = vec2(float(gl_VertexIndex & 1), float(gl_VertexIndex >> 1));
  // Every pixel the rect touches (whole pixels for kGlyph: exactly its quad); a squiggle's
  // ends reach past its rect by up to 0.35 h (whole units are centred, plus the end caps).
  vec2 grow = vec2((a_kind & ~256u) == 3u ? 0.5 * a_rect.w : 0.0, 0.0);
  vec2 p = mix(floor(a_rect.xy - grow), ceil(a_rect.xy + a_rect.zw + grow), corner);
  // The clip (whole px): only pixels whose centre lies inside it are rasterized.
  p = clamp(p, vec2(a_clip.xy), vec2(a_clip.zw));
  // Vulkan's framebuffer origin is the top-left corner: y needs no flip.
  gl_Position = vec4(p.x * 2.0 / pc.viewport.x - 1.0, p.y * 2.0 / pc.viewport.y - 1.0, 0.0, 1.0);
  v_rect = a_rect;
  v_tex = ivec4(a_tex);
  v_color = vec4(float((a_color >> 24) & 255u), float((a_color >> 16) & 255u),
                 float((a_color >> 8) & 255u), float(a_color & 255u)) / 255.0;
  if (kLinear != 0) {
    bvec3 high = greaterThan(v_color.rgb, vec3(0.04045));
    v_color.rgb = mix(v_color.rgb / 12.92, pow((v_color.rgb + 0.055) / 1.055, vec3(2.4)), high);
  }
  v_kind = a_kind;
}
