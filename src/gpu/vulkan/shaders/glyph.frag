// The texel comes from integer pixel coordinates (gl_FragCoord), never from interpolation, so
// the 1:1 mapping is exact on every driver; the same math as the GL shader and
// src/gpu/reference_compositor.cpp. One pipeline per page format (kColorPage).
#version 450
layout(constant_id = 0) const int kColorPage = 0;
layout(set = 0, binding = 0) uniform sampler2D u_tex;
layout(location = 0) flat in ivec4 v_rect;
layout(location = 1) flat in ivec2 v_uv;
layout(location = 2) flat in vec4 v_color;
layout(location = 0) out vec4 o_color;
void main() {
  ivec2 px = ivec2(gl_FragCoord.xy);
  ivec2 local = px - v_rect.xy;
  if (any(lessThan(local, ivec2(0))) || any(greaterThanEqual(local, v_rect.zw))) discard;
  ivec2 t = v_uv + local;
  if (any(greaterThanEqual(t, textureSize(u_tex, 0)))) discard;
  vec4 texel = texelFetch(u_tex, t, 0);
  if (kColorPage != 0) {
    o_color = texel * v_color.a;
  } else {
    o_color = vec4(v_color.rgb * v_color.a, v_color.a) * texel.r;
  }
}
