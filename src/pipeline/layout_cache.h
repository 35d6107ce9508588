// Layout cache: (font, text, wrap width, markup, paragraph and rendering styles) -> a layout, kept
// with what a steady frame needs to draw it again without recomputing anything: the glyph keys with
// their sub-pixel bins and integer pen offsets for the fractional position it was last drawn at,
// and the glyph-cache entries they resolved to.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atlas/glyph_cache.h"
#include "glyphstream/status.h"
#include "glyphstream/text_style.h"
#include "pipeline/layout_memo.h"
#include "pipeline/layout_prefetch.h"
#include "text/layout.h"

namespace glyphstream::pipeline {

// One glyph of a layout, keyed for one fractional position. `glyph` is valid while the glyph
// cache's epoch equals the layout's `cache_epoch`.
struct PreparedGlyph {
  atlas::GlyphKey key;
  int dx = 0, dy = 0;
  const atlas::CachedGlyph* glyph = nullptr;
};

// The scales a layout was drawn at lately (draw_text_scaled): a scale drawn in consecutive
// frames is "stable" (the zoom has stopped), so its exact glyph sizes are worth rasterizing.
// A few entries, so that one text drawn at two scales in a frame (a view and its thumbnail)
// stays stable at both.
struct ScaleHistory {
  struct Entry {
    float scale = 0;
    uint64_t first_frame = 0, last_frame = 0;
  };
  static constexpr size_t kEntries = 4;
  Entry entries[kEntries];
};

struct CachedLayout : text::LayoutResult {
  explicit CachedLayout(text::LayoutResult&& r) : text::LayoutResult(std::move(r)) {}
  float frac_x = -1, frac_y = -1;
  uint64_t cache_epoch = ~uint64_t(0);
  std::vector<PreparedGlyph> prepared;
  LayoutMemo memo;  // the prepared glyphs' instances (layout_memo.h); dropped when rekeyed
  ScaleHistory scales;
};

// What a layout depends on. Looked up through LayoutKeyRef, so that a steady frame's
// draw_text() builds no string or vector (an allocation and a copy of the text per call,
// before): the paragraph style is compared where it is, and hashed without a copy.
struct LayoutKeyRef {
  std::string_view font, text;
  uint32_t wrap_bits = 0;  // the float's bits: every value, NaN too, equals itself
  bool markup = false;
  const ParagraphStyle* paragraph = nullptr;  // never null in a lookup
  RenderingStyle rendering;
};
struct LayoutKey {
  std::string font, text;
  uint32_t wrap_bits = 0;
  bool markup = false;
  ParagraphStyle paragraph;
  RenderingStyle rendering{};
};
// Every field of the style (0 and -0 hash alike, as they compare equal).
size_t hash_paragraph_style(const ParagraphStyle& p);
size_t hash_rendering_style(const RenderingStyle& r);
struct LayoutKeyHash {
  using is_transparent = void;
  size_t operator()(const LayoutKeyRef& key) const;
  size_t operator()(const LayoutKey& key) const;
};
struct LayoutKeyEq {
  using is_transparent = void;
  bool operator()(const LayoutKeyRef& a, const LayoutKeyRef& b) const;
  bool operator()(const LayoutKey& a, const LayoutKey& b) const;
  bool operator()(const LayoutKeyRef& a, const LayoutKey& b) const;
  bool operator()(const LayoutKey& a, const LayoutKeyRef& b) const;
};

// LRU of layouts; texts over kMaxCachedLayoutBytes are laid out every time.
class LayoutCache {
 public:
  // Largest layout worth caching: bigger texts are rare and would crowd out the rest.
  static constexpr size_t kMaxCachedLayoutBytes = 64 * 1024;
  static constexpr size_t kDefaultCapacity = 1024;

  void set_capacity(size_t entries) { capacity_ = entries; }
  // Unique in the process: a TextLayout remembers which text system's cache made it.
  uint64_t id() const { return id_; }
  // The cached layout, or a new one (its Pango time added to *layout_ns). with_queries: one
  // that keeps its PangoLayouts (TextLayout's answers); a cached one without is laid out again
  // and replaced (draw_text alone never pays for them). lcd_as_grey: the style's
  // Antialias::kSubpixel is laid out (and keyed) as kGray (the device or the target cannot take
  // LCD glyphs; FrameStats::lcd_fallback_draws).
  // A layout prefetch_layout() queued is taken here (never laid out twice): waited for while a
  // worker runs it, laid out here if none has started it, its error returned as the layout's.
  Result<std::shared_ptr<CachedLayout>> get(text::Layouter& layouter, std::string_view utf8,
                                            const TextStyle& style, uint64_t* layout_ns,
                                            bool with_queries = false, bool lcd_as_grey = false);

  // Layouts ahead of drawing (TextSystem::prefetch_layout). Queued at most kMaxPendingLayouts
  // texts and kMaxPendingBytes of text at once; a text over kMaxCachedLayoutBytes (never cached)
  // is not prefetched.
  static constexpr size_t kMaxPendingLayouts = 256;
  static constexpr size_t kMaxPendingBytes = size_t(4) << 20;
  void set_prefetcher(LayoutPrefetcher* prefetcher) { prefetcher_ = prefetcher; }
  enum class Prefetch { kQueued, kCached, kAlreadyQueued, kRefused, kDisabled };
  // Queues a layout of this text on the workers unless it is cached or queued, or the bounds are
  // reached (kRefused: laid out when drawn). Moves finished layouts into the cache first.
  // lcd_as_grey as for get().
  Prefetch prefetch(std::string_view utf8, const TextStyle& style, bool lcd_as_grey = false);
  // Moves the layouts workers finished into the cache; an error is dropped (the call that draws
  // the text lays it out again and returns it).
  void harvest();
  size_t pending() const { return pending_.size(); }
  uint64_t prefetch_refused() const { return prefetch_refused_; }

 private:
  using Entry = std::pair<LayoutKey, std::shared_ptr<CachedLayout>>;
  std::shared_ptr<CachedLayout> find(const LayoutKeyRef& key);
  void insert(const LayoutKeyRef& key, std::shared_ptr<CachedLayout> value);
  void insert_owned(const LayoutKey& key, std::shared_ptr<CachedLayout> value);

  std::list<Entry> lru_;  // front = most recent
  std::unordered_map<LayoutKey, std::list<Entry>::iterator, LayoutKeyHash, LayoutKeyEq> index_;
  size_t capacity_ = kDefaultCapacity;
  LayoutPrefetcher* prefetcher_ = nullptr;
  std::unordered_map<LayoutKey, std::shared_ptr<PendingLayout>, LayoutKeyHash, LayoutKeyEq>
      pending_;
  size_t pending_bytes_ = 0;
  uint64_t prefetch_refused_ = 0;
  const uint64_t id_ = next_id();
  static uint64_t next_id();
};

// --- sub-pixel keys: four horizontal bins; the fraction of the pen position is baked into the
// bitmap, so that every quad lands on whole pixels and samples texels 1:1.

// The key of glyph `g` drawn with the layout's origin at fractional offset (fx, fy) in [0, 1),
// and the integer pen offset (*dx, *dy) from the whole part of the origin.
atlas::GlyphKey glyph_key_for_fraction(const text::ShapedGlyph& g, float fx, float fy, int* dx,
                                       int* dy);
// The key of glyph `g` drawn with the layout's origin at (x, y), and its integer pen position.
atlas::GlyphKey glyph_key_for(const text::ShapedGlyph& g, float x, float y, int* pen_x, int* pen_y);
// Keys the layout for fractional origin (fx, fy) unless it already is, and forgets resolved
// cache entries when the glyph cache's epoch moved.
void prepare_layout(CachedLayout& layout, float fx, float fy, uint64_t cache_epoch);

}  // namespace glyphstream::pipeline
