// Layout objects (issue 22): a laid-out paragraph drawn each frame with draw_layout() against
// draw_text() of the same cached text, in steady frames (every glyph resident): CPU time per
// call, the calling thread's CPU time around the draw calls alone (kCalls per frame, at
// fractional positions that repeat, so that the cached glyph keys are reused as a scrolling
// view reuses them), 400 frames (a fixed count: the frames themselves take far longer than the
// timed calls), 7 repetitions, the minimum reported (a shared machine's noise only adds).
// BM_Interleaved: both in every frame (the fair comparison on a shared machine).
// BM_KeptPangoLayouts: what keeping the paragraphs' PangoLayouts for queries costs in heap
// bytes, per paragraph and per byte of text (glibc mallinfo2).
//   Run: build/bench/text_layout_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <time.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "text/font_registry.h"
#include "text/layout.h"

namespace {

using namespace glyphstream;

constexpr int kWidth = 1024, kHeight = 768;
constexpr int kCalls = 16;

const char* const kParagraph =
    "Layout objects let an application ask the laid-out text where a click landed, where the "
    "caret goes and what a selection covers. This paragraph is drawn every frame, either from "
    "its text through the layout cache or from a TextLayout kept by the application, and both "
    "paths queue the same glyphs with the same keys: the difference is the cache lookup.";

TextStyle paragraph_style() {
  TextStyle s;
  s.font = "Sans 16";
  s.wrap_width = 600;
  return s;
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

void draw_frames(benchmark::State& state, bool use_layout) {
  auto gl = HeadlessGl::create({kWidth, kHeight});
  if (!gl.ok()) return state.SkipWithError(gl.status().to_string().c_str());
  auto made = TextSystem::create({});
  if (!made.ok()) return state.SkipWithError(made.status().to_string().c_str());
  TextSystem& ts = **made;
  const TextStyle style = paragraph_style();
  auto layout = ts.layout(kParagraph, style);
  if (!layout.ok()) return state.SkipWithError(layout.status().to_string().c_str());
  auto draw = [&](int i) {
    const float x = 10.25f + float(i % 4) * 0.25f, y = 10.0f + float(i) * 44.0f;
    return use_layout ? ts.draw_layout(x, y, *layout) : ts.draw_text(x, y, kParagraph, style);
  };
  auto one_frame = [&](double* seconds) {
    if (!ts.begin_frame(kWidth, kHeight).ok()) return false;
    const double start = thread_cpu_seconds();
    for (int i = 0; i < kCalls; ++i) {
      if (!draw(i).ok()) return false;
    }
    *seconds = thread_cpu_seconds() - start;
    return ts.commit().ok() && ts.flush().ok() && ts.throttle(1).ok();
  };
  double seconds = 0;
  for (int warm = 0; warm < 3; ++warm) {
    if (!one_frame(&seconds)) return state.SkipWithError("warm-up frame failed");
  }
  for (auto _ : state) {
    if (!one_frame(&seconds)) return state.SkipWithError("frame failed");
    state.SetIterationTime(seconds);
  }
  // Seconds of CPU per call (the manual time is per frame of kCalls calls).
  state.counters["cpu_per_call"] = benchmark::Counter(
      double(kCalls), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["glyphs"] = double(ts.last_frame_stats().glyphs_requested) / kCalls;
}

void BM_DrawText(benchmark::State& state) { draw_frames(state, false); }
void BM_DrawLayout(benchmark::State& state) { draw_frames(state, true); }
double min_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
BENCHMARK(BM_DrawText)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(400)
    ->Repetitions(7)
    ->ComputeStatistics("min", min_of);
BENCHMARK(BM_DrawLayout)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(400)
    ->Repetitions(7)
    ->ComputeStatistics("min", min_of);

// Both in every frame, the order alternating: the two see the same machine at the same moment
// (a shared machine's load moves the separate runs above by more than their difference).
void BM_Interleaved(benchmark::State& state) {
  auto gl = HeadlessGl::create({kWidth, kHeight});
  if (!gl.ok()) return state.SkipWithError(gl.status().to_string().c_str());
  auto made = TextSystem::create({});
  if (!made.ok()) return state.SkipWithError(made.status().to_string().c_str());
  TextSystem& ts = **made;
  const TextStyle style = paragraph_style();
  auto layout = ts.layout(kParagraph, style);
  if (!layout.ok()) return state.SkipWithError(layout.status().to_string().c_str());
  double text_s = 0, layout_s = 0;
  int frames = 0;
  auto timed = [&](bool use_layout, double* total) {
    const double start = thread_cpu_seconds();
    bool ok = true;
    for (int i = 0; i < kCalls; ++i) {
      const float x = 10.25f + float(i % 4) * 0.25f, y = 10.0f + float(i) * 22.0f;
      ok &=
          (use_layout ? ts.draw_layout(x + 400, y, *layout) : ts.draw_text(x, y, kParagraph, style))
              .ok();
    }
    *total += thread_cpu_seconds() - start;
    return ok;
  };
  for (auto _ : state) {
    if (!ts.begin_frame(kWidth, kHeight).ok()) return state.SkipWithError("begin_frame failed");
    const bool layout_first = frames % 2 == 1;
    double ignored = 0;
    const bool warm = frames < 3;
    bool ok = timed(layout_first, warm ? &ignored : layout_first ? &layout_s : &text_s);
    ok &= timed(!layout_first, warm ? &ignored : layout_first ? &text_s : &layout_s);
    if (!ok || !ts.commit().ok() || !ts.flush().ok() || !ts.throttle(1).ok()) {
      return state.SkipWithError("frame failed");
    }
    ++frames;
  }
  const double n = double(std::max(frames - 3, 1)) * kCalls;
  state.counters["text_us_per_call"] = text_s / n * 1e6;
  state.counters["layout_us_per_call"] = layout_s / n * 1e6;
  state.counters["layout_over_text"] = layout_s / text_s;
}
BENCHMARK(BM_Interleaved)->Iterations(1203)->Repetitions(3)->Unit(benchmark::kMillisecond);

size_t heap_bytes() { return mallinfo2().uordblks; }

void BM_KeptPangoLayouts(benchmark::State& state) {
  text::FontRegistry registry;
  auto layouter = text::Layouter::create(&registry);
  if (!layouter.ok()) return state.SkipWithError(layouter.status().to_string().c_str());
  std::string text;
  const int paragraphs = int(state.range(0));
  for (int i = 0; i < paragraphs; ++i) text += std::string(kParagraph) + "\n";
  text::LayoutParams params;
  params.font = "Sans 16";
  params.wrap_width = 600;
  params.keep_queries = true;
  double kept = 0, glyphs = 0;
  for (auto _ : state) {
    auto result = (*layouter)->layout(text, params);
    if (!result.ok()) return state.SkipWithError(result.status().to_string().c_str());
    const size_t with = heap_bytes();
    result->queries.reset();  // the PangoLayouts go
    kept = double(with) - double(heap_bytes());
    glyphs = double(result->glyphs.size());
  }
  state.counters["paragraphs"] = paragraphs;
  state.counters["kept_bytes"] = kept;
  state.counters["per_paragraph"] = kept / paragraphs;
  state.counters["per_text_byte"] = kept / double(text.size());
  state.counters["per_glyph"] = kept / glyphs;
}
BENCHMARK(BM_KeptPangoLayouts)->Arg(1)->Arg(100)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
