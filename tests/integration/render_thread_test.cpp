// Render-thread mode (include/glyphstream/text_renderer.h, issue 25) on real OpenGL and real
// Vulkan (validation on), in every upload mode: one thread builds the frames (TextSystem), the
// test's main thread (which owns the GL context / the Vulkan queue) submits them (TextRenderer),
// clears before and reads the pixels back after each submit. Every frame equals the frame the
// single-thread mode draws from the same calls, byte for byte: nothing lost, nothing blank, also
// when the render thread lags by the full queue depth while glyphs are evicted, pages grow and
// the atlas is flushed mid-frame. Bad use gets a clear error and never hangs. Linear light
// (sRGB targets) crosses the hand-off too.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "glyphstream/headless_gl.h"
#include "glyphstream/text_renderer.h"
#include "glyphstream/text_system.h"
#include "gpu_pixel_test.h"
#include "headless_target.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 320;
constexpr int kHeight = 120;
const Color kBackground{1, 1, 1, 1};

using testing::cjk;
using testing::kAllUploadModes;
using testing::style_of;

using Call = testing::DrawCall;
using Scene = std::vector<std::vector<Call>>;

// A steady line, an emoji line every third frame, and `churn` new ideographs of `size` in every
// frame (which evict older ones from a small atlas).
Scene churning_scene(int frames, int churn, const std::string& size) {
  Scene scene;
  char32_t next = 0x4e00;
  for (int f = 0; f < frames; ++f) {
    std::vector<Call> calls;
    calls.push_back({6, 4, "Frame " + std::to_string(f) + ": steady text", style_of("Sans 14")});
    if (f % 3 == 0) calls.push_back({200, 4, "😀🚀", style_of("Sans 14")});
    calls.push_back({6, 40, cjk(next, churn), style_of(size)});
    next += char32_t(churn);
    scene.push_back(std::move(calls));
  }
  return scene;
}

Status draw_frame(TextSystem* ts, const std::vector<Call>& calls, int width = kWidth,
                  int height = kHeight) {
  GS_TRY(ts->begin_frame(width, height));
  for (const Call& c : calls) GS_TRY(ts->draw_text(c.x, c.y, c.text, c.style));
  return ts->flush();
}

// What a render-thread run saw.
struct Submitted {
  std::vector<std::vector<uint8_t>> images;
  uint64_t evictions = 0, growths = 0, mid_frame_flushes = 0;
  // The building thread's time in the device (none: the render thread's), handing frames over,
  // and blocked on the queue (FrameStats).
  uint64_t device_ns = 0, handoff_ns = 0, queue_wait_ns = 0;
};

class RenderThread : public testing::GpuPixelTest {
 protected:
  // `srgb`: an sRGB target, on which the systems blend in linear light.
  explicit RenderThread(bool srgb = false, int width = kWidth, int height = kHeight)
      : GpuPixelTest(width, height, srgb) {}

  static TextSystemDesc small_atlas(UploadMode mode) {
    TextSystemDesc desc = desc_in(mode);
    desc.page_width = 128;
    desc.page_initial_height = 32;
    desc.page_max_height = 128;
    desc.atlas_budget_bytes = 128 * 128 + 128 * 64 + 128 * 128 * 4;  // 1.5 coverage pages, 1 colour
    return desc;
  }

  std::vector<std::vector<uint8_t>> single_thread(const TextSystemDesc& desc, const Scene& scene) {
    std::vector<std::vector<uint8_t>> images;
    auto ts = create_system(desc);
    if (!ts) return images;
    for (const std::vector<Call>& calls : scene) {
      EXPECT_TRUE(target_->clear(kBackground).ok());
      const Status s = draw_frame(ts.get(), calls, width_, height_);
      EXPECT_TRUE(s.ok()) << s.to_string();
      // The device's calls are this thread's, and nothing is handed over.
      EXPECT_GT(ts->last_frame_stats().device_cpu_ns, 0u);
      EXPECT_EQ(ts->last_frame_stats().handoff_cpu_ns, 0u);
      images.emplace_back();
      EXPECT_TRUE(target_->read_pixels(&images.back()).ok());
    }
    return images;
  }

  // The frames built on a second thread and submitted here. With `lag`, each submit waits
  // until the building thread is a full queue ahead (or has stopped moving: it may be waiting
  // for this thread inside a mid-frame flush).
  Submitted render_thread(TextSystemDesc desc, const TextRendererDesc& rdesc, const Scene& scene,
                          bool lag) {
    Submitted run;
    target_->configure(&desc);
    auto created = TextRenderer::create(desc, rdesc);
    EXPECT_TRUE(created.ok()) << created.status().to_string();
    if (!created.ok()) return run;
    std::unique_ptr<TextRenderer> renderer = std::move(created.value().renderer);
    std::unique_ptr<TextSystem> text = std::move(created.value().text);
    std::atomic<int> flushed{0};
    std::vector<Status> failures;
    std::thread builder([&, text = std::move(text)]() mutable {
      for (const std::vector<Call>& calls : scene) {
        Status s = draw_frame(text.get(), calls, width_, height_);
        // Not lagging: at most one flushed frame waits for the render thread.
        if (s.ok() && !lag) s = text->throttle(1);
        if (!s.ok()) failures.push_back(s);
        const FrameStats& st = text->last_frame_stats();
        run.evictions += st.evictions;
        run.growths += st.growths;
        run.mid_frame_flushes += st.mid_frame_flushes;
        run.device_ns += st.device_cpu_ns;
        run.handoff_ns += st.handoff_cpu_ns;
        run.queue_wait_ns += st.queue_wait_ns;
        flushed.fetch_add(1);
      }
      text.reset();  // destroyed on its thread; the renderer still runs what was queued
    });
    const int depth = rdesc.queue_depth > 0 ? rdesc.queue_depth : 2;
    for (size_t f = 0; f < scene.size(); ++f) {
      if (lag) wait_for_lead(flushed, int(f) + depth, int(scene.size()));
      EXPECT_TRUE(target_->clear(kBackground).ok());
      const Status s = renderer->submit();
      EXPECT_TRUE(s.ok()) << "frame " << f << ": " << s.to_string();
      run.images.emplace_back();
      EXPECT_TRUE(target_->read_pixels(&run.images.back()).ok());
    }
    builder.join();
    for (const Status& s : failures) ADD_FAILURE() << s.to_string();
    // Everything was submitted and the TextSystem is gone: a clear error, at once.
    EXPECT_EQ(renderer->submit().code(), ErrorCode::kClosed);
    EXPECT_EQ(renderer->frames_submitted(), scene.size());
    EXPECT_TRUE(renderer->finish().ok());
    return run;
  }

  static void wait_for_lead(const std::atomic<int>& flushed, int want, int frames) {
    want = std::min(want, frames);
    int seen = flushed.load();
    auto last_move = std::chrono::steady_clock::now();
    while (seen < want) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const int now = flushed.load();
      if (now != seen) {
        seen = now;
        last_move = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - last_move > std::chrono::milliseconds(300)) {
        return;  // waiting for this thread (a mid-frame flush)
      }
    }
  }

  void expect_same(const std::vector<std::vector<uint8_t>>& want, const Submitted& got,
                   const std::string& what) {
    ASSERT_EQ(got.images.size(), want.size()) << what;
    const std::vector<uint8_t> blank = background();
    for (size_t f = 0; f < want.size(); ++f) {
      EXPECT_NE(want[f], blank) << what << " frame " << f << ": the reference drew nothing";
      EXPECT_TRUE(got.images[f] == want[f])
          << what << " frame " << f << " differs from the single-thread frame";
    }
  }

  std::vector<uint8_t> background() {
    std::vector<uint8_t> px;
    EXPECT_TRUE(target_->clear(kBackground).ok());
    EXPECT_TRUE(target_->read_pixels(&px).ok());
    return px;
  }
};

// Every mode, default queue: each frame equals the single-thread frame.
TEST_P(RenderThread, FramesEqualSingleThreadFramesInEveryMode) {
  const Scene scene = churning_scene(8, 6, "Sans 18");
  for (UploadMode mode : kAllUploadModes) {
    const std::string what(upload_mode_name(mode));
    const auto want = single_thread(desc_in(mode), scene);
    const Submitted got = render_thread(desc_in(mode), {}, scene, /*lag=*/false);
    expect_same(want, got, what);
    EXPECT_EQ(got.device_ns, 0u) << what << ": the building thread made a device call";
    EXPECT_GT(got.handoff_ns, 0u) << what;
  }
}

// The render thread lags by the full queue depth (3) while a small atlas evicts glyphs, grows
// its pages and is flushed mid-frame: every frame still equals the single-thread frame.
TEST_P(RenderThread, LaggingByTheFullQueueWhileEvictingAndGrowingLosesNothing) {
  const Scene scene = churning_scene(14, 14, "Sans 30");
  TextRendererDesc rdesc;
  rdesc.queue_depth = TextRendererDesc::kMaxQueueDepth;
  rdesc.timeout_ms = 60000;
  for (UploadMode mode : kAllUploadModes) {
    const std::string what(upload_mode_name(mode));
    const auto want = single_thread(small_atlas(mode), scene);
    const Submitted got = render_thread(small_atlas(mode), rdesc, scene, /*lag=*/true);
    expect_same(want, got, what + " lagging");
    EXPECT_GT(got.evictions, 0u) << what << ": the test must evict";
    EXPECT_GT(got.growths, 0u) << what << ": the test must grow pages";
    EXPECT_GT(got.mid_frame_flushes, 0u) << what << ": the test must flush mid-frame";
    EXPECT_GT(got.queue_wait_ns, 0u) << what << ": a full queue blocks the building thread";
  }
}

// Bad descriptions are refused; a submit() with nothing flushed, a flush() the render thread
// never takes, calls from the wrong thread: a clear error after at most the timeout, and the
// frame that timed out is not lost (it is queued before the next one and drawn whole).
TEST_P(RenderThread, BadUseGetsAClearErrorAndLosesNothing) {
  TextSystemDesc desc;
  target_->configure(&desc);
  for (int depth : {-1, 4, 1 << 30}) {
    TextRendererDesc r;
    r.queue_depth = depth;
    EXPECT_EQ(TextRenderer::create(desc, r).status().code(), ErrorCode::kInvalidArgument) << depth;
  }
  for (int timeout : {-1, TextRendererDesc::kMaxTimeoutMs + 1}) {
    TextRendererDesc r;
    r.timeout_ms = timeout;
    EXPECT_EQ(TextRenderer::create(desc, r).status().code(), ErrorCode::kInvalidArgument)
        << timeout;
  }
  const Scene scene = churning_scene(3, 5, "Sans 18");
  const auto want = single_thread(desc_in(UploadMode::kAsync), scene);

  TextRendererDesc rdesc;
  rdesc.queue_depth = 1;
  rdesc.timeout_ms = 200;
  auto created = TextRenderer::create(desc, rdesc);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  std::unique_ptr<TextRenderer> renderer = std::move(created.value().renderer);
  std::unique_ptr<TextSystem> text = std::move(created.value().text);
  EXPECT_EQ(renderer->submit().code(), ErrorCode::kTimeout) << "nothing was flushed";
  std::thread([&] { EXPECT_EQ(renderer->submit().code(), ErrorCode::kWrongThread); }).join();

  std::atomic<int> step{0};
  std::vector<Status> results(scene.size());
  std::thread builder([&] {
    results[0] = draw_frame(text.get(), scene[0]);  // queued: the queue (depth 1) is full
    results[1] = draw_frame(text.get(), scene[1]);  // nobody submits: kTimeout, kept
    step = 1;
    while (step.load() != 2) std::this_thread::yield();
    results[2] = draw_frame(text.get(), scene[2]);  // frame 2 goes first, then this one
  });
  while (step.load() != 1) std::this_thread::yield();
  EXPECT_EQ(text->begin_frame(kWidth, kHeight).code(), ErrorCode::kWrongThread)
      << "the TextSystem belongs to the first thread that called it";
  std::vector<std::vector<uint8_t>> got(scene.size());
  for (size_t f = 0; f < scene.size(); ++f) {
    EXPECT_TRUE(target_->clear(kBackground).ok());
    const Status s = renderer->submit();
    EXPECT_TRUE(s.ok()) << "frame " << f << ": " << s.to_string();
    EXPECT_TRUE(target_->read_pixels(&got[f]).ok());
    if (f == 0) step = 2;
  }
  builder.join();
  EXPECT_TRUE(results[0].ok()) << results[0].to_string();
  EXPECT_EQ(results[1].code(), ErrorCode::kTimeout) << results[1].to_string();
  EXPECT_TRUE(results[2].ok()) << results[2].to_string();
  for (size_t f = 0; f < scene.size(); ++f) EXPECT_TRUE(got[f] == want[f]) << "frame " << f;
  EXPECT_EQ(renderer->frames_submitted(), 3u);
  // The frame side's GPU calls are the renderer's now.
  EXPECT_EQ(renderer->measure_upload_bandwidth(1 << 16).ok(), true);
  text.reset();  // destroyed on another thread than its owner: allowed, as for any object
  EXPECT_EQ(renderer->submit().code(), ErrorCode::kClosed);
}

// An upload that fails on the render thread (GL: another context is current there during one
// submit) is reported by submit() and by the next flush(); its pages are sent whole with the
// next frame, so every later frame equals the single-thread frame: nothing lost.
TEST_P(RenderThread, AFailedUploadOnTheRenderThreadIsResentWhole) {
  if (GetParam() != GpuApi::kGl) GTEST_SKIP() << "a failed upload is provoked through GL contexts";
  const Scene scene = churning_scene(5, 6, "Sans 18");
  auto other = HeadlessGl::create({16, 16});
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  ASSERT_TRUE(target_->make_current().ok());
  for (UploadMode mode : kAllUploadModes) {
    const std::string what(upload_mode_name(mode));
    const auto want = single_thread(desc_in(mode), scene);
    TextSystemDesc desc = desc_in(mode);
    target_->configure(&desc);
    auto created = TextRenderer::create(desc, {});
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    std::unique_ptr<TextRenderer> renderer = std::move(created.value().renderer);
    std::unique_ptr<TextSystem> text = std::move(created.value().text);
    std::vector<Status> flushed(scene.size());
    std::thread builder([&] {
      for (size_t f = 0; f < scene.size(); ++f) {
        flushed[f] = draw_frame(text.get(), scene[f]);
        // Each frame is built once the one before has run (its result is known).
        if (Status t = text->throttle(0); !t.ok()) flushed[f] = t;
      }
      text.reset();
    });
    std::vector<std::vector<uint8_t>> got(scene.size());
    for (size_t f = 0; f < scene.size(); ++f) {
      if (f == 1) {
        EXPECT_TRUE(other.value()->make_current().ok());
      }
      EXPECT_TRUE(target_->clear(kBackground).ok());
      const Status s = renderer->submit();
      if (f == 1) {
        EXPECT_FALSE(s.ok()) << what << ": a submit in another GL context";
        EXPECT_TRUE(target_->make_current().ok());
      } else {
        EXPECT_TRUE(s.ok()) << what << " frame " << f << ": " << s.to_string();
      }
      EXPECT_TRUE(target_->read_pixels(&got[f]).ok());
    }
    builder.join();
    for (size_t f = 0; f < scene.size(); ++f) {
      if (f == 2) {
        EXPECT_FALSE(flushed[f].ok()) << what << ": the next flush() reports the failure";
      } else {
        EXPECT_TRUE(flushed[f].ok()) << what << " frame " << f << ": " << flushed[f].to_string();
      }
      if (f != 1) {
        EXPECT_TRUE(got[f] == want[f]) << what << " frame " << f;
      }
    }
  }
}

// A TextSystem whose TextRenderer is gone says so instead of waiting.
TEST_P(RenderThread, FlushAfterTheRendererIsGoneIsClosed) {
  TextSystemDesc desc;
  target_->configure(&desc);
  auto created = TextRenderer::create(desc, {});
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  std::unique_ptr<TextSystem> text = std::move(created.value().text);
  created.value().renderer.reset();
  EXPECT_EQ(text->measure_upload_bandwidth(1 << 16).status().code(), ErrorCode::kUnsupported);
  ASSERT_TRUE(text->begin_frame(kWidth, kHeight).ok());
  ASSERT_TRUE(text->draw_text(4, 4, "gone", style_of("Sans 12")).ok());
  EXPECT_EQ(text->flush().code(), ErrorCode::kClosed);
  EXPECT_EQ(text->finish().code(), ErrorCode::kClosed);
}

// Linear light (TextSystemDesc::linear_light, on an sRGB target) in render-thread mode.
class RenderThreadLinearLight : public RenderThread {
 protected:
  RenderThreadLinearLight() : RenderThread(/*srgb=*/true) {}
};

// Grey, LCD and colour glyphs, decorations and a background span in every frame, and new
// ideographs (uploads) in each: dark and mid-grey text on the light background.
Scene linear_light_scene(int frames) {
  Scene scene;
  char32_t next = 0x4e00;
  for (int f = 0; f < frames; ++f) {
    std::vector<Call> calls;
    calls.push_back({6.3f, 4, "Grey " + std::to_string(f) + " Hamburgefonstiv",
                     style_of("DejaVu Sans 13", 0x202020ffu)});
    TextStyle lcd = style_of("DejaVu Sans 13", 0x606060ffu);
    lcd.rendering.antialias = Antialias::kSubpixel;
    calls.push_back({6.6f, 26, "LCD Hamburgefonstiv 0123", lcd});
    calls.push_back({6.2f, 50,
                     "<u>Under</u> <span background='#c0e0ff'>back</span> "
                     "<span foreground='#c03020'>red</span> 😀",
                     style_of("Sans 14", 0x202020ffu, /*markup=*/true)});
    calls.push_back({6, 80, cjk(next, 8), style_of("Sans 18", 0x404040ffu)});
    next += 8;
    scene.push_back(std::move(calls));
  }
  return scene;
}

// Every mode: each frame built on a second thread equals the single-thread frame byte for byte,
// and the first equals the CPU reference blending in linear light (within 2, as
// linear_light_test holds the single-thread mode), not the one blending plainly.
TEST_P(RenderThreadLinearLight, FramesEqualSingleThreadFramesInEveryMode) {
  const Scene scene = linear_light_scene(4);
  std::vector<uint8_t> reference[2];  // blended plainly, in linear light
  for (bool linear : {false, true}) {
    ref_->set_linear_light(linear);
    ref_->clear(kWidth, kHeight, kBackground);
    for (const Call& c : scene[0]) ASSERT_TRUE(ref_->draw_text(c.x, c.y, c.text, c.style).ok());
    reference[linear] = ref_->image();
  }
  for (UploadMode mode : kAllUploadModes) {
    const std::string what = std::string(upload_mode_name(mode)) + ", linear light";
    TextSystemDesc desc = desc_in(mode);
    target_->configure(&desc);
    ASSERT_TRUE(desc.linear_light) << "an sRGB target blends in linear light";
    const auto want = single_thread(desc, scene);
    const Submitted got = render_thread(desc, {}, scene, /*lag=*/false);
    expect_same(want, got, what);
    ASSERT_FALSE(got.images.empty());
    const testing::ImageDiff diff =
        testing::diff_images_linear_light(got.images[0], reference[1], kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << what << ": " << diff.report;
    // Not plain blending: the edges are blended differently.
    EXPECT_GT(
        testing::diff_images(got.images[0], reference[0], kWidth, kHeight, 8).differing_pixels,
        300u)
        << what;
  }
}

// Uploads over FramePacket::kParallelCopyBytes: the frame side's workers copy them into the
// packet (GpuDevice's staging writes are shared alike in single-thread mode).
class RenderThreadLargeUploads : public RenderThread {
 protected:
  RenderThreadLargeUploads() : RenderThread(/*srgb=*/false, 1024, 640) {}
};

TEST_P(RenderThreadLargeUploads, FramesEqualSingleThreadFramesInEveryMode) {
  Scene scene;
  char32_t next = 0x4e00;
  for (int f = 0; f < 3; ++f) {
    std::vector<Call> calls;
    for (int line = 0; line < 12; ++line) {  // 12 lines of 22 new ideographs at 40 px
      calls.push_back({4, 4 + 52.f * float(line), cjk(next, 22), style_of("Sans 30")});
      next += 22;
    }
    scene.push_back(std::move(calls));
  }
  for (UploadMode mode : kAllUploadModes) {
    TextSystemDesc desc = desc_in(mode);
    desc.threads = 2;
    const std::string what(upload_mode_name(mode));
    const auto want = single_thread(desc, scene);
    const Submitted got = render_thread(desc, {}, scene, /*lag=*/false);
    expect_same(want, got, what);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RenderThread, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });
INSTANTIATE_TEST_SUITE_P(Backends, RenderThreadLargeUploads,
                         ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });
INSTANTIATE_TEST_SUITE_P(Backends, RenderThreadLinearLight,
                         ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });

}  // namespace
}  // namespace glyphstream
