// The texel comes from integer pixel coordinates (gl_FragCoord), never from interpolation, so
// the 1:1 mapping is exact on every driver; the same math as the GL shader
// (src/gpu/gl/gl_renderer.cpp) and tests/support/reference_compositor.cpp for every
// InstanceKind. One pipeline per page format (kColorPage); glyphs flagged kSampleColorPage
// (0x100 in v_kind) sample the batch's colour page (set 1) instead. Compiled a second time with
// GS_RECTS_ONLY: the variant that samples nothing, for batches on no page (kNoPage).
#version 450
layout(constant_id = 0) const int kColorPage = 0;
layout(constant_id = 1) const int kLinear = 0;  // linear-light blending (an *_SRGB target)
#ifndef GS_RECTS_ONLY
layout(set = 0, binding = 0) uniform sampler2D u_tex;        // the batch's page
layout(set = 1, binding = 0) uniform sampler2D u_color_tex;  // its colour page
#endif
layout(location = 0) flat in vec4 v_rect;
layout(location = 1) flat in ivec4 v_tex;
layout(location = 2) flat in vec4 v_color;
layout(location = 3) flat in uint v_kind;
#ifdef GS_LCD
// Dual-source blending (dualSrcBlend): dst = o_color + dst * (1 - o_blend), each channel with
// its own coverage (VK_BLEND_FACTOR_ONE_MINUS_SRC1_COLOR).
layout(location = 0, index = 0) out vec4 o_color;
layout(location = 0, index = 1) out vec4 o_blend;
#define BLEND(x) o_blend = (x)
#else
layout(location = 0) out vec4 o_color;
#define BLEND(x)
#endif

float overlap(float a0, float a1, float b0, float b1) {
  return max(0.0, min(a1, b1) - max(a0, b0));
}

// pango-cairo's error underline: a band of vertical thickness h/2.5 around a 45-degree zigzag
// of whole units (1.5 band thicknesses) centred in the rect, with square ends. Exact in y, eight
// columns per pixel in x.
float squiggle_coverage(vec2 px, vec4 r) {
  float sq = r.w / 2.5;
  float unit = 1.5 * sq;
  float units = floor((r.z + unit * 0.5) / unit);
  if (units < 1.0) return 0.0;
  float x0 = r.x + (r.z - units * unit) * 0.5;
  float len = units * unit;
  float end_slope = (units - 2.0 * floor(units * 0.5)) == 1.0 ? 1.0 : -1.0;
  float cov = 0.0;
  for (int i = 0; i < 8; ++i) {
    float t = px.x + (float(i) + 0.5) / 8.0 - x0;
    float tc = clamp(t, 0.0, len);
    float phase = tc - 2.0 * unit * floor(tc / (2.0 * unit));
    float wave = phase <= unit ? phase : 2.0 * unit - phase;
    float slope = t < 0.0 ? 1.0 : end_slope;
    float yc = r.y + 0.5 * sq + wave + (t - tc) * slope;
    float lo = yc - 0.5 * sq, hi = yc + 0.5 * sq;
    if (t < 0.0) lo = max(lo, r.y - t);
    if (t > len && end_slope > 0.0) hi = min(hi, r.y + r.w - (t - len));
    if (t > len && end_slope < 0.0) lo = max(lo, r.y + (t - len));
    cov += overlap(lo, hi, px.y, px.y + 1.0);
  }
  return cov / 8.0;
}

#ifndef GS_RECTS_ONLY
// Pages are read in atlas pixels (v_tex too). An LCD page (lcd: the GS_LCD variant's u_tex) is
// R8, three texels a pixel: its R, G, B coverages, green's doubling as the alpha (as cairo's).
ivec2 page_size(sampler2D tex, bool lcd) {
  ivec2 s = textureSize(tex, 0);
  return lcd ? ivec2(s.x / 3, s.y) : s;
}

vec4 page_texel(sampler2D tex, ivec2 t, bool lcd) {
  if (!lcd) return texelFetch(tex, t, 0);
  float g = texelFetch(tex, ivec2(3 * t.x + 1, t.y), 0).r;
  return vec4(texelFetch(tex, ivec2(3 * t.x, t.y), 0).r, g,
              texelFetch(tex, ivec2(3 * t.x + 2, t.y), 0).r, g);
}

vec4 fetch(sampler2D tex, ivec2 t, bool lcd) {
  return page_texel(tex, min(t, page_size(tex, lcd) - 1), lcd);
}

// Bilinear over the glyph's own pixels (an LCD page: each channel alike): the pixel centre
// mapped into the glyph's pixels.
vec4 scaled_texel(sampler2D tex, vec2 c, bool lcd) {
  vec2 s = (c - v_rect.xy) * vec2(v_tex.zw) / v_rect.zw - 0.5;
  vec2 f0 = floor(s);
  vec2 f = s - f0;
  ivec2 i0 = clamp(ivec2(f0), ivec2(0), v_tex.zw - 1) + v_tex.xy;
  ivec2 i1 = clamp(ivec2(f0) + 1, ivec2(0), v_tex.zw - 1) + v_tex.xy;
  vec4 top = mix(fetch(tex, i0, lcd), fetch(tex, ivec2(i1.x, i0.y), lcd), f.x);
  vec4 bottom = mix(fetch(tex, ivec2(i0.x, i1.y), lcd), fetch(tex, i1, lcd), f.x);
  return mix(top, bottom, f.y);
}

// The texel of a glyph kind at pixel px; discards outside the glyph.
vec4 glyph_texel(sampler2D tex, uint kind, ivec2 px, bool lcd) {
  if (kind == 1u) {
    vec2 c = vec2(px) + 0.5;
    if (any(lessThan(c, v_rect.xy)) || any(greaterThanEqual(c, v_rect.xy + v_rect.zw)) ||
        any(lessThanEqual(v_tex.zw, ivec2(0)))) discard;
    return scaled_texel(tex, c, lcd);
  }
  ivec2 local = px - ivec2(v_rect.xy);
  if (any(lessThan(local, ivec2(0))) || any(greaterThanEqual(local, ivec2(v_rect.zw)))) discard;
  ivec2 t = v_tex.xy + local;
  if (any(greaterThanEqual(t, page_size(tex, lcd)))) discard;
  return page_texel(tex, t, lcd);
}
#endif

// A colour glyph's texel (premultiplied, sRGB-encoded) for linear-light blending: straight
// colour decoded, then premultiplied again.
vec4 color_texel(vec4 t) {
  if (kLinear == 0 || t.a <= 0.0) return t;
  vec3 c = min(t.rgb / t.a, vec3(1.0));
  c = mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), greaterThan(c, vec3(0.04045)));
  return vec4(c * t.a, t.a);
}

void main() {
  ivec2 px = ivec2(gl_FragCoord.xy);
  vec4 premul = vec4(v_color.rgb * v_color.a, v_color.a);
  uint kind = v_kind & ~256u;
  if (kind >= 2u) {
    float cov = kind == 2u
        ? overlap(v_rect.x, v_rect.x + v_rect.z, float(px.x), float(px.x) + 1.0) *
              overlap(v_rect.y, v_rect.y + v_rect.w, float(px.y), float(px.y) + 1.0)
        : squiggle_coverage(vec2(px), v_rect);
    if (cov <= 0.0) discard;
    o_color = premul * cov;
    BLEND(vec4(o_color.a));
    return;
  }
#ifdef GS_RECTS_ONLY
  // Glyph kinds never reach this variant; reading v_tex keeps the interfaces matched.
  o_color = premul * float(v_tex.z >= 0 ? 0 : 1);
#else
  bool from_color_page = (v_kind & 256u) != 0u;
#ifdef GS_LCD
  vec4 texel = from_color_page ? glyph_texel(u_color_tex, kind, px, false)
                               : glyph_texel(u_tex, kind, px, true);
  // An LCD page: r, g, b are the channels' coverages (a: green's). The text colour, straight,
  // times each channel's coverage times its alpha: correct for translucent colours too.
  if (from_color_page) {
    o_color = color_texel(texel) * v_color.a;
    o_blend = vec4(o_color.a);
  } else {
    o_blend = texel * v_color.a;
    o_color = vec4(v_color.rgb, 1.0) * o_blend;
  }
#else
  vec4 texel = from_color_page ? glyph_texel(u_color_tex, kind, px, false)
                               : glyph_texel(u_tex, kind, px, false);
  o_color = from_color_page || kColorPage != 0 ? color_texel(texel) * v_color.a
                                               : premul * texel.r;
#endif
#endif
}
