#include "render_thread_loop.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include "glyphstream/text_renderer.h"
#include "workloads.h"  // percentile

namespace glyphstream::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

constexpr int kQueueDepth = 2;

}  // namespace

Result<RenderThreadRun> run_render_thread(tools::HeadlessTarget* target, const TextSystemDesc& desc,
                                          int frames,
                                          const std::function<Status(TextSystem&, int)>& draw,
                                          uint32_t busy_work, double gap_ms) {
  TextRendererDesc rdesc;
  rdesc.queue_depth = kQueueDepth;
  rdesc.timeout_ms = 60000;
  GS_ASSIGN_OR_RETURN(TextRenderer::Created created, TextRenderer::create(desc, rdesc));
  std::unique_ptr<TextRenderer> renderer = std::move(created.renderer);
  std::unique_ptr<TextSystem> text = std::move(created.text);
  RenderThreadRun run;
  run.build_ms.resize(size_t(frames));
  run.submit_ms.resize(size_t(frames));
  std::atomic<int> flushed{0};
  std::atomic<bool> failed{false};
  Status built;
  std::thread builder([&] {
    auto body = [&]() -> Status {
      for (int i = 0; i < frames; ++i) {
        // The swap-chain wait, outside the measurement.
        while (!failed && uint64_t(i) >= renderer->frames_submitted() + kQueueDepth) {
          std::this_thread::yield();
        }
        const auto start = Clock::now();
        GS_TRY(text->begin_frame(target->width(), target->height()));
        GS_TRY(draw(*text, i));
        GS_TRY(text->commit());
        GS_TRY(text->flush());
        run.build_ms[size_t(i)] = ms_since(start);
        flushed.store(i + 1);
        if (gap_ms > 0) {
          std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(gap_ms));
        }
      }
      // Once every frame is submitted, one more begin_frame() takes in what the render side
      // reported (the upload counters) before the statistics are taken; its empty frame is
      // submitted too.
      while (!failed && renderer->frames_submitted() < uint64_t(frames)) std::this_thread::yield();
      GS_TRY(text->begin_frame(target->width(), target->height()));
      run.frames = text->take_frame_stats();
      GS_TRY(text->flush());
      flushed.store(frames + 1);
      return {};
    };
    built = body();
    if (!built.ok()) failed = true;
    text.reset();
  });
  Status rendered;
  for (int i = 0; i <= frames && rendered.ok(); ++i) {
    while (!failed && flushed.load() <= i) std::this_thread::yield();
    if (failed) break;
    rendered = busy_work ? target->draw_busy_scene(Color{1, 1, 1, 1}, busy_work)
                         : target->clear(Color{1, 1, 1, 1});
    const auto start = Clock::now();
    if (rendered.ok()) rendered = renderer->submit();
    if (i < frames) run.submit_ms[size_t(i)] = ms_since(start);
    if (rendered.ok()) rendered = renderer->throttle(2);
  }
  if (!rendered.ok()) failed = true;
  builder.join();
  GS_TRY(built);
  GS_TRY(rendered);
  GS_TRY(renderer->finish());
  return run;
}

void summarize_handoff(const std::vector<double>& frame_ms, const std::vector<FrameStats>& frames,
                       bool render_thread, nlohmann::ordered_json* j) {
  if (frames.empty() || frames.size() != frame_ms.size()) return;
  auto ms_of = [&](uint64_t FrameStats::*field) {
    std::vector<double> v;
    for (const FrameStats& s : frames) v.push_back(double(s.*field) / 1e6);
    return v;
  };
  auto put = [&](const char* key, const std::vector<double>& v) {
    (*j)[std::string(key) + "_p50"] = percentile(v, 0.5);
    (*j)[std::string(key) + "_p99"] = percentile(v, 0.99);
  };
  if (render_thread) {
    put("handoff_ms", ms_of(&FrameStats::handoff_cpu_ns));
    put("queue_wait_ms", ms_of(&FrameStats::queue_wait_ns));
    put("lock_wait_ms", ms_of(&FrameStats::lock_wait_ns));
    return;
  }
  const std::vector<double> movable = ms_of(&FrameStats::device_cpu_ns);
  std::vector<double> rest;
  for (size_t i = 0; i < frame_ms.size(); ++i) rest.push_back(frame_ms[i] - movable[i]);
  put("movable_ms", movable);
  const double p99 = percentile(frame_ms, 0.99);
  (*j)["handoff_floor"] = p99 > 0 ? percentile(rest, 0.99) / p99 : 0.0;
}

}  // namespace glyphstream::bench
