#version 450
// The busy scene (a benchmark aid, the bench's W5): a dependent chain of `work` multiply-adds
// per pixel, as in HeadlessGl's. The count is a push constant, so it is not unrolled; the
// result reaches the output far below one 8-bit step, so it is not dropped and the colour is
// exactly `color` (straight alpha, stored premultiplied).
layout(push_constant) uniform Busy {
  vec4 color;
  uint work;
} busy;
layout(location = 0) out vec4 o_color;
void main() {
  float v = fract(gl_FragCoord.x * 0.00123 + gl_FragCoord.y * 0.00071);
  for (uint i = 0u; i < busy.work; ++i) v = fract(v * 1.618034 + 0.318310);
  o_color = vec4(busy.color.rgb * busy.color.a, busy.color.a) + vec4(v * 1e-7);
}
