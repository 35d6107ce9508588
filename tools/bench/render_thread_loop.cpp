#include "render_thread_loop.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include "glyphstream/text_renderer.h"

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

}  // namespace glyphstream::bench
