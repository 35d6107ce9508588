#include "pipeline/layout_cache.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>

#include "pipeline/clock.h"

namespace glyphstream::pipeline {
namespace {

static_assert(sizeof(float) == sizeof(uint32_t));

// Pen offsets beyond this cannot reach a viewport (the batcher culls quads beyond 2^22 px):
// clamped, never converted to int out of range (undefined behaviour; in practice a glyph
// 2^32 px away wrapped into the viewport).
constexpr double kMaxPenOffset = double(1 << 30);
int clamp_pen(double v) {
  if (!(v >= -kMaxPenOffset)) return -int(kMaxPenOffset);  // NaN too
  return v > kMaxPenOffset ? int(kMaxPenOffset) : int(v);
}

LayoutKey owned_key(const LayoutKeyRef& key) {
  LayoutKey owned{std::string(key.font), std::string(key.text), key.wrap_bits, key.markup,
                  *key.paragraph};
  owned.rendering = key.rendering;
  return owned;
}

text::LayoutParams layout_params(const TextStyle& style, const RenderingStyle& rendering,
                                 bool with_queries) {
  text::LayoutParams params;
  params.font = style.font;
  params.wrap_width = style.wrap_width;
  params.markup = style.markup;
  params.paragraph = style.paragraph;
  params.rendering = rendering;  // the key's (LCD laid out as grey where it cannot be drawn)
  params.keep_queries = with_queries;
  return params;
}

LayoutKeyRef key_ref(const LayoutKey& k) {
  return {k.font, k.text, k.wrap_bits, k.markup, &k.paragraph, k.rendering};
}

void mix(size_t* h, size_t v) { *h ^= v + 0x9e3779b97f4a7c15ull + (*h << 6) + (*h >> 2); }

size_t float_hash(float v) {
  if (v == 0) v = 0;  // -0 equals 0
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

size_t hash_key(const LayoutKeyRef& k) {
  size_t h = std::hash<std::string_view>()(k.text);
  mix(&h, std::hash<std::string_view>()(k.font));
  mix(&h, (size_t(k.wrap_bits) << 1) | size_t(k.markup));
  mix(&h, hash_paragraph_style(*k.paragraph));
  mix(&h, hash_rendering_style(k.rendering));
  return h;
}

bool keys_equal(const LayoutKeyRef& x, const LayoutKeyRef& y) {
  return x.wrap_bits == y.wrap_bits && x.markup == y.markup && x.font == y.font &&
         x.text == y.text && x.rendering == y.rendering && *x.paragraph == *y.paragraph;
}

}  // namespace

size_t hash_paragraph_style(const ParagraphStyle& p) {
  size_t h = size_t(p.align) | size_t(p.wrap) << 2 | size_t(p.ellipsize) << 4 |
             size_t(p.gravity) << 6 | size_t(p.gravity_hint) << 9 | size_t(p.justify) << 11 |
             size_t(p.justify_last_line) << 12 | size_t(p.single_par) << 13 | size_t(p.rtl) << 14 |
             size_t(p.no_auto_dir) << 15;
  for (float v : {p.indent, p.spacing, p.line_spacing, p.height, p.rotate}) mix(&h, float_hash(v));
  mix(&h, std::hash<std::string_view>()(p.language));
  mix(&h, p.tabs.size());
  for (float v : p.tabs) mix(&h, float_hash(v));
  return h;
}

size_t hash_rendering_style(const RenderingStyle& r) {
  size_t h = size_t(r.antialias) | size_t(r.subpixel_order) << 2 | size_t(r.hinting) << 4 |
             size_t(r.hint_metrics) << 7 | size_t(r.whole_pixel_positions) << 8;
  for (float v : {r.coverage_gamma, r.coverage_contrast}) mix(&h, float_hash(v));
  return h;
}

size_t LayoutKeyHash::operator()(const LayoutKeyRef& key) const { return hash_key(key); }
size_t LayoutKeyHash::operator()(const LayoutKey& key) const { return hash_key(key_ref(key)); }
bool LayoutKeyEq::operator()(const LayoutKeyRef& a, const LayoutKeyRef& b) const {
  return keys_equal(a, b);
}
bool LayoutKeyEq::operator()(const LayoutKey& a, const LayoutKey& b) const {
  return keys_equal(key_ref(a), key_ref(b));
}
bool LayoutKeyEq::operator()(const LayoutKeyRef& a, const LayoutKey& b) const {
  return keys_equal(a, key_ref(b));
}
bool LayoutKeyEq::operator()(const LayoutKey& a, const LayoutKeyRef& b) const {
  return keys_equal(key_ref(a), b);
}

Result<std::shared_ptr<CachedLayout>> LayoutCache::get(text::Layouter& layouter,
                                                       std::string_view utf8,
                                                       const TextStyle& style, uint64_t* layout_ns,
                                                       bool with_queries, bool lcd_as_grey) {
  LayoutKeyRef key{style.font, utf8, 0, style.markup, &style.paragraph, style.rendering};
  if (lcd_as_grey && key.rendering.antialias == Antialias::kSubpixel) {
    key.rendering.antialias = Antialias::kGray;
  }
  std::memcpy(&key.wrap_bits, &style.wrap_width, sizeof key.wrap_bits);
  if (auto hit = find(key); hit && (hit->queries || !with_queries)) return hit;
  std::shared_ptr<PendingLayout> pending;
  if (auto it = pending_.find(key); it != pending_.end()) {
    pending = std::move(it->second);
    pending_bytes_ -= pending->text.size();
    pending_.erase(it);
    // A prefetched layout keeps no PangoLayouts (they belong to the worker's font map): a
    // layout() that needs them lays out here.
    if (with_queries) LayoutPrefetcher::drop(*pending);
  }
  const text::LayoutParams params = layout_params(style, key.rendering, with_queries);
  const auto start = Clock::now();
  GS_ASSIGN_OR_RETURN(text::LayoutResult result, pending && !with_queries
                                                     ? LayoutPrefetcher::take(*pending, &layouter)
                                                     : layouter.layout(utf8, params));
  *layout_ns += ns_since(start);
  auto shared = std::make_shared<CachedLayout>(std::move(result));
  if (utf8.size() <= kMaxCachedLayoutBytes) insert(key, shared);
  return shared;
}

LayoutCache::Prefetch LayoutCache::prefetch(std::string_view utf8, const TextStyle& style,
                                            bool lcd_as_grey) {
  if (prefetcher_ == nullptr || !prefetcher_->enabled() || capacity_ == 0) {
    return Prefetch::kDisabled;
  }
  harvest();
  LayoutKeyRef key{style.font, utf8, 0, style.markup, &style.paragraph, style.rendering};
  if (lcd_as_grey && key.rendering.antialias == Antialias::kSubpixel) {
    key.rendering.antialias = Antialias::kGray;  // as get() keys it
  }
  std::memcpy(&key.wrap_bits, &style.wrap_width, sizeof key.wrap_bits);
  if (index_.find(key) != index_.end()) return Prefetch::kCached;
  if (pending_.find(key) != pending_.end()) return Prefetch::kAlreadyQueued;
  if (utf8.size() > kMaxCachedLayoutBytes || pending_.size() >= kMaxPendingLayouts ||
      pending_bytes_ + utf8.size() > kMaxPendingBytes) {
    ++prefetch_refused_;
    return Prefetch::kRefused;
  }
  auto pending = std::make_shared<PendingLayout>(std::string(utf8),
                                                 layout_params(style, key.rendering, false));
  pending_.emplace(owned_key(key), pending);
  pending_bytes_ += utf8.size();
  prefetcher_->submit(std::move(pending));
  return Prefetch::kQueued;
}

void LayoutCache::harvest() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!it->second->done()) {
      ++it;
      continue;
    }
    PendingLayout& pending = *it->second;
    Result<text::LayoutResult> result = LayoutPrefetcher::take(pending, nullptr);  // done: no wait
    pending_bytes_ -= pending.text.size();
    if (result.ok()) {
      const LayoutKey& k = it->first;
      auto shared = std::make_shared<CachedLayout>(std::move(result).value());
      insert_owned(k, std::move(shared));
    }
    it = pending_.erase(it);
  }
}

uint64_t LayoutCache::next_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::shared_ptr<CachedLayout> LayoutCache::find(const LayoutKeyRef& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void LayoutCache::insert(const LayoutKeyRef& key, std::shared_ptr<CachedLayout> value) {
  if (capacity_ == 0) return;
  if (auto it = index_.find(key); it != index_.end()) {  // not expected: find() came first
    it->second->second = std::move(value);
    return;
  }
  insert_owned(owned_key(key), std::move(value));
}

void LayoutCache::insert_owned(const LayoutKey& owned, std::shared_ptr<CachedLayout> value) {
  if (capacity_ == 0) return;
  if (auto it = index_.find(owned); it != index_.end()) {
    it->second->second = std::move(value);
    return;
  }
  lru_.emplace_front(owned, std::move(value));
  index_.emplace(owned, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

atlas::GlyphKey glyph_key_for_fraction(const text::ShapedGlyph& g, float fx, float fy, int* dx,
                                       int* dy) {
  const double px = double(fx) + double(g.x);
  // Colour strikes have no sub-pixel variants, and whole-pixel positions (RenderingStyle) none
  // by choice: their pen is rounded to the nearest pixel.
  double ix = g.is_color_font || g.whole_pixel ? std::round(px) : std::floor(px);
  int bin = std::fabs(px) < kMaxPenOffset ? int(std::lround((px - ix) * 4.0)) : 0;
  if (bin == 4) {
    bin = 0;
    ix += 1;
  }
  *dx = clamp_pen(ix);
  *dy = clamp_pen(std::round(double(fy) + double(g.y)));
  atlas::GlyphKey key;
  key.face_id = g.face;
  key.glyph_id = g.glyph_id;
  key.size_26_6 = g.size_26_6;
  // Colour bitmaps are scaled from a strike: sub-pixel variants would only waste atlas space.
  key.subpixel_bin = g.is_color_font || g.whole_pixel ? 0 : uint8_t(bin);
  key.angle_bin = g.angle_bin;
  key.flags = g.render;
  return key;
}

atlas::GlyphKey glyph_key_for(const text::ShapedGlyph& g, float x, float y, int* pen_x,
                              int* pen_y) {
  // x = X + fx with X whole: the result depends on the fractions only, so a layout drawn again
  // at the same fractional position reuses its prepared keys (exact: a float minus its floor is
  // representable).
  const double whole_x = std::floor(double(x)), whole_y = std::floor(double(y));
  int dx = 0, dy = 0;
  const atlas::GlyphKey key =
      glyph_key_for_fraction(g, float(double(x) - whole_x), float(double(y) - whole_y), &dx, &dy);
  *pen_x = clamp_pen(whole_x + double(dx));
  *pen_y = clamp_pen(whole_y + double(dy));
  return key;
}

void prepare_layout(CachedLayout& layout, float fx, float fy, uint64_t cache_epoch) {
  const size_t n = layout.glyphs.size();
  if (layout.frac_x != fx || layout.frac_y != fy || layout.prepared.size() != n) {
    layout.prepared.resize(n);
    for (size_t i = 0; i < n; ++i) {
      PreparedGlyph& p = layout.prepared[i];
      p.key = glyph_key_for_fraction(layout.glyphs[i], fx, fy, &p.dx, &p.dy);
    }
    layout.frac_x = fx;
    layout.frac_y = fy;
    layout.cache_epoch = ~uint64_t(0);
    layout.memo.valid = false;
  }
  if (layout.cache_epoch != cache_epoch) {
    for (PreparedGlyph& p : layout.prepared) p.glyph = nullptr;  // re-resolved by the caller
    layout.cache_epoch = cache_epoch;
  }
}

}  // namespace glyphstream::pipeline
