// Layout of wrapped multi-paragraph text at 1, 2 and 4 MB: the time per MB must stay flat
// (Pango's cost per line grew with the text before it: 2 MB took 60 s before one PangoLayout
// per paragraph). Run: build/bench/layout_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "baselines/shape_wrap_baseline.h"
#include "text/font_registry.h"
#include "text/layout.h"
#include "texts/bench_texts.h"

namespace {

using glyphstream::text::FontRegistry;
using glyphstream::text::Layouter;
using glyphstream::text::LayoutParams;

// Paragraphs of 5..40 words, deterministic.
std::string paragraphs(size_t bytes) {
  static const char* kWords[] = {"lorem", "ipsum", "dolor", "sit",     "amet",   "consectetur",
                                 "elit",  "sed",   "do",    "eiusmod", "tempor", "magna"};
  std::string text;
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  while (text.size() < bytes) {
    const int words = 5 + int(next() % 36);
    for (int w = 0; w < words; ++w) {
      text += kWords[next() % 12];
      text += w + 1 < words ? ' ' : '\n';
    }
  }
  return text;
}

void BM_WrappedParagraphs(benchmark::State& state) {
  FontRegistry registry;
  auto layouter = Layouter::create(&registry);
  if (!layouter.ok()) {
    state.SkipWithError(layouter.status().to_string().c_str());
    return;
  }
  const std::string text = paragraphs(size_t(state.range(0)) << 20);
  LayoutParams params;
  params.font = "Sans 22";
  params.wrap_width = 1100;
  for (auto _ : state) {
    auto result = layouter.value()->layout(text, params);
    if (!result.ok()) state.SkipWithError(result.status().to_string().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.counters["MB"] = double(state.range(0));
  state.counters["s_per_MB"] =
      benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
BENCHMARK(BM_WrappedParagraphs)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// The same paragraphs centred without a wrap width, with line spacing and a hanging indent:
// every line is placed within the widest line of the whole text (text/line_placement.h), still
// one PangoLayout per paragraph, so the time per MB stays flat too.
void BM_CentredParagraphsNoWidth(benchmark::State& state) {
  FontRegistry registry;
  auto layouter = Layouter::create(&registry);
  if (!layouter.ok()) {
    state.SkipWithError(layouter.status().to_string().c_str());
    return;
  }
  const std::string text = paragraphs(size_t(state.range(0)) << 20);
  LayoutParams params;
  params.font = "Sans 22";
  params.paragraph.align = glyphstream::Align::kCenter;
  params.paragraph.line_spacing = 1.2f;
  params.paragraph.indent = -20;
  for (auto _ : state) {
    auto result = layouter.value()->layout(text, params);
    if (!result.ok()) state.SkipWithError(result.status().to_string().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.counters["MB"] = double(state.range(0));
  state.counters["s_per_MB"] =
      benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
BENCHMARK(BM_CentredParagraphsNoWidth)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// Issue 26: the cold page's paragraph (cold_page_text(): 2,210 CJK and Cyrillic characters,
// two fonts) at 14, 20 and 32 px, wrapped at 2552 px, per iteration all three sizes. Path
// (first arg): 0 text::Layouter (Pango's wrapping), 1 ShapeWrapBaseline (Pango's parts, each
// used once: the floor of a shaping fast path), 2 the same shaping with HarfBuzz directly.
// Second arg 1: a new font map every iteration (made and dropped outside the timing), as a
// worker's first layouts of each size; 0: one warm font map. CPU time is the number to read on
// a shared machine. Before timing, the baseline's glyph positions and line counts are checked
// against the Layouter's (the run is skipped if they differ): the floor is of the same layout.
enum ColdPagePath { kLayouterPath = 0, kShapeOncePath = 1, kHarfBuzzOncePath = 2 };
constexpr int kColdPageSizes[] = {14, 20, 32};
constexpr float kColdPageWrap = 2552;

bool same_as_layouter(const std::string& text, FontRegistry* registry, std::string* why) {
  auto layouter = Layouter::create_unshared(registry);
  glyphstream::baseline::ShapeWrapBaseline baseline;
  if (!layouter.ok()) return *why = layouter.status().to_string(), false;
  for (int px : kColdPageSizes) {
    LayoutParams params;
    params.font = "Sans " + std::to_string(px);
    params.wrap_width = kColdPageWrap;
    auto pango = layouter.value()->layout(text, params);
    if (!pango.ok()) return *why = pango.status().to_string(), false;
    const auto floor = baseline.layout(text, params.font, kColdPageWrap);
    bool same =
        floor.lines == pango.value().line_count && floor.x.size() == pango.value().glyphs.size();
    for (size_t i = 0; same && i < floor.x.size(); ++i)
      same = floor.x[i] == pango.value().glyphs[i].x;
    if (!same) return *why = "baseline differs from the Layouter at " + params.font, false;
  }
  return true;
}

void BM_ColdPageParagraph(benchmark::State& state) {
  const auto path = ColdPagePath(state.range(0));
  const bool fresh = state.range(1) != 0;
  const std::string text = glyphstream::bench::cold_page_text();
  FontRegistry registry;
  if (std::string why; !same_as_layouter(text, &registry, &why)) {
    state.SkipWithError(why.c_str());
    return;
  }
  std::unique_ptr<Layouter> layouter;
  std::unique_ptr<glyphstream::baseline::ShapeWrapBaseline> baseline;
  const auto make = [&] {
    layouter.reset();
    baseline.reset();
    if (path == kLayouterPath) {
      layouter = std::move(Layouter::create_unshared(&registry).value());
    } else {
      baseline =
          std::make_unique<glyphstream::baseline::ShapeWrapBaseline>(path == kHarfBuzzOncePath);
    }
  };
  make();
  size_t glyphs = 0;
  for (auto _ : state) {
    if (fresh) {
      state.PauseTiming();
      make();
      state.ResumeTiming();
    }
    for (int px : kColdPageSizes) {
      const std::string font = "Sans " + std::to_string(px);
      if (layouter) {
        LayoutParams params;
        params.font = font;
        params.wrap_width = kColdPageWrap;
        glyphs += layouter->layout(text, params).value().glyphs.size();
      } else {
        glyphs += baseline->layout(text, font, kColdPageWrap).x.size();
      }
    }
  }
  benchmark::DoNotOptimize(glyphs);
}
BENCHMARK(BM_ColdPageParagraph)
    ->ArgsProduct({{kLayouterPath, kShapeOncePath, kHarfBuzzOncePath}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
