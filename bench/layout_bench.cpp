// Layout of wrapped multi-paragraph text at 1, 2 and 4 MB: the time per MB must stay flat
// (Pango's cost per line grew with the text before it: 2 MB took 60 s before one PangoLayout
// per paragraph). Run: build/bench/layout_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <string>

#include "text/font_registry.h"
#include "text/layout.h"

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

}  // namespace
