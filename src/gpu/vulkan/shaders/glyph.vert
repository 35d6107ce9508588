// Instanced glyph quads, the Vulkan twin of the GL renderer's vertex shader
// (src/gpu/gl/gl_device.cpp): one instance per glyph, four vertices as a triangle strip.
#version 450
layout(location = 0) in ivec2 a_pos;      // top-left in the viewport, px, y down
layout(location = 1) in uvec4 a_size_uv;  // w, h, u, v
layout(location = 2) in uint a_color;     // straight 0xRRGGBBAA
layout(push_constant) uniform Push {
  vec2 viewport;
} pc;
layout(location = 0) flat out ivec4 v_rect;
layout(location = 1) flat out ivec2 v_uv;
layout(location = 2) flat out vec4 v_color;
void main() {
  vec2 corner = vec2(float(gl_VertexIndex & 1), float(gl_VertexIndex >> 1));
  vec2 p = vec2(a_pos) + corner * vec2(a_size_uv.xy);
  // Vulkan's framebuffer origin is the top-left corner: y needs no flip.
  gl_Position = vec4(p.x * 2.0 / pc.viewport.x - 1.0, p.y * 2.0 / pc.viewport.y - 1.0, 0.0, 1.0);
  v_rect = ivec4(a_pos, ivec2(a_size_uv.xy));
  v_uv = ivec2(a_size_uv.zw);
  v_color = vec4(float((a_color >> 24) & 255u), float((a_color >> 16) & 255u),
                 float((a_color >> 8) & 255u), float(a_color & 255u)) / 255.0;
}
