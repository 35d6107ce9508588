#include "text/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace glyphstream::text {
namespace {

// For each destination index along one axis, the source cells it covers and the overlap of
// each (in source cells): taps [first[d], first[d + 1]).
struct Taps {
  std::vector<int> first, index;
  std::vector<float> weight;
  std::vector<float> total;  // sum of the weights of each destination index
};

Taps box_taps(int src, int dst) {
  Taps t;
  t.first.reserve(size_t(dst) + 1);
  t.total.reserve(size_t(dst));
  const double scale = double(src) / dst;
  for (int d = 0; d < dst; ++d) {
    t.first.push_back(int(t.index.size()));
    const double a = d * scale, b = std::min<double>(src, (d + 1) * scale);
    double sum = 0;
    for (int i = int(a); i < int(std::ceil(b)) && i < src; ++i) {
      const double w = std::min<double>(i + 1, b) - std::max<double>(i, a);
      if (w <= 0) continue;
      t.index.push_back(i);
      t.weight.push_back(float(w));
      sum += w;
    }
    t.total.push_back(float(sum));
  }
  t.first.push_back(int(t.index.size()));
  return t;
}

}  // namespace

void resize_box_rgba(const uint8_t* src, std::ptrdiff_t src_pitch, int sw, int sh, bool src_bgra,
                     uint8_t* dst, int dw, int dh) {
  const Taps tx = box_taps(sw, dw), ty = box_taps(sh, dh);
#if !defined(__SSE2__)
  // Channel c of the output comes from byte order[c] of a source pixel.
  const int order[4] = {src_bgra ? 2 : 0, 1, src_bgra ? 0 : 2, 3};
#endif
  // Horizontal pass: every source row to dw pixels (sums, not yet divided). Four channels are
  // one SSE vector where available: this pass reads every source pixel.
  std::vector<float> rows(size_t(sh) * size_t(dw) * 4);
  for (int y = 0; y < sh; ++y) {
    const uint8_t* in = src + std::ptrdiff_t(y) * src_pitch;
    float* out = rows.data() + size_t(y) * size_t(dw) * 4;
    for (int x = 0; x < dw; ++x) {
#if defined(__SSE2__)
      const __m128i zero = _mm_setzero_si128();
      __m128 acc = _mm_setzero_ps();
      for (int k = tx.first[size_t(x)]; k < tx.first[size_t(x) + 1]; ++k) {
        int32_t bytes;
        std::memcpy(&bytes, in + size_t(tx.index[size_t(k)]) * 4, 4);
        const __m128i wide =
            _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(bytes), zero), zero);
        acc = _mm_add_ps(acc, _mm_mul_ps(_mm_cvtepi32_ps(wide), _mm_set1_ps(tx.weight[size_t(k)])));
      }
      if (src_bgra) acc = _mm_shuffle_ps(acc, acc, _MM_SHUFFLE(3, 0, 1, 2));  // BGRA -> RGBA
      _mm_storeu_ps(out + size_t(x) * 4, acc);
#else
      float acc[4] = {0, 0, 0, 0};
      for (int k = tx.first[size_t(x)]; k < tx.first[size_t(x) + 1]; ++k) {
        const uint8_t* p = in + size_t(tx.index[size_t(k)]) * 4;
        const float w = tx.weight[size_t(k)];
        for (int c = 0; c < 4; ++c) acc[c] += w * float(p[order[c]]);
      }
      for (int c = 0; c < 4; ++c) out[size_t(x) * 4 + size_t(c)] = acc[c];
#endif
    }
  }
  // Vertical pass, then the mean over the covered area, rounded and kept premultiplied.
  std::vector<float> acc(size_t(dw) * 4);
  for (int y = 0; y < dh; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    for (int k = ty.first[size_t(y)]; k < ty.first[size_t(y) + 1]; ++k) {
      const float* row = rows.data() + size_t(ty.index[size_t(k)]) * size_t(dw) * 4;
      const float w = ty.weight[size_t(k)];
      for (size_t i = 0; i < acc.size(); ++i) acc[i] += w * row[i];
    }
    uint8_t* out = dst + size_t(y) * size_t(dw) * 4;
    for (int x = 0; x < dw; ++x) {
      const float area = tx.total[size_t(x)] * ty.total[size_t(y)];
      uint8_t v[4];
      for (int c = 0; c < 4; ++c) {
        const float mean = area > 0 ? acc[size_t(x) * 4 + size_t(c)] / area : 0.0f;
        v[c] = uint8_t(std::clamp(std::lround(mean), 0L, 255L));
      }
      for (int c = 0; c < 3; ++c) v[c] = std::min(v[c], v[3]);
      std::copy(v, v + 4, out + size_t(x) * 4);
    }
  }
}

}  // namespace glyphstream::text
