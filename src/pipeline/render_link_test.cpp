// The device conformance suite's readback property (src/gpu/device_conformance_test.cpp) in
// render-thread mode, on real OpenGL and real Vulkan (validation on), in every upload mode: a
// building thread writes random rects into CPU pages (strides that are not the row, nor whole
// pixels; growth; a page id reused with another format) and hands each frame's uploads to the
// render thread through a QueuedSink and a RenderLink (render_link.h), then goes on writing its
// pages. The render thread (this test's main thread, which owns the context) submits each
// packet and reads every page texture back: it must equal the CPU page as it was when the frame
// was flushed, byte for byte, also when the render thread lags the full queue depth.
#include "pipeline/render_link.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "device_test_support.h"
#include "headless_target.h"
#include "pipeline/device_factory.h"

namespace glyphstream::pipeline {
namespace {

using gpu::SimPage;

constexpr int kFrames = 24;

std::vector<SimPage> first_pages() {
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 256, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 128, 32, /*pad=*/8);  // stride != width
  pages.emplace_back(2, PixelFormat::kCoverage8, 96, 96, /*pad=*/5);
  pages.emplace_back(3, PixelFormat::kColor32, 40, 40, /*pad=*/2);  // stride not whole pixels
  return pages;
}

// One frame's changes: random rects, occasional growth, and at frame 9 page 2 reused as a
// colour page (its old content cannot be kept: it goes whole).
void change(std::vector<SimPage>& pages, int f, std::mt19937& rng) {
  if (f == 9) {
    pages[2] = SimPage(2, PixelFormat::kColor32, 64, 48, /*pad=*/4);
    pages[2].write(Rect{3, 5, 20, 11}, rng);
  }
  for (SimPage& p : pages) {
    if (p.height < 256 && rng() % 8 == 0) p.grow(std::min(256, p.height + 16 + int(rng() % 48)));
    const int n = int(rng() % 5);
    for (int i = 0; i < n; ++i) p.write(p.random_rect(rng, 24), rng);
  }
}

struct Params {
  GpuApi api;
  UploadMode mode;
  bool lag;
};

class RenderLinkReadback : public ::testing::TestWithParam<Params> {};

TEST_P(RenderLinkReadback, PagesEqualTheCpuPagesOfTheirFrame) {
  const Params param = GetParam();
  auto target = tools::HeadlessTarget::create({param.api, 64, 64, /*validation=*/true});
  ASSERT_TRUE(target.ok()) << target.status().to_string();
  TextSystemDesc desc;
  target.value()->configure(&desc);
  auto made = create_device(desc, gpu::GpuDeviceDesc{});
  ASSERT_TRUE(made.ok()) << made.status().to_string();
  std::unique_ptr<gpu::GpuDevice> device = std::move(made).value();
  constexpr int kDepth = 3;
  auto link =
      std::make_shared<RenderLink>(kDepth, std::chrono::seconds(60), DeviceTraits::of(*device));

  // What each frame's pages held when it was flushed (written before its packet is queued,
  // read after it has run: the link's lock orders the two).
  std::vector<std::vector<SimPage>> flushed(kFrames);
  std::atomic<int> built{0};
  std::vector<Status> failures;
  std::thread builder([&] {
    QueuedSink sink(link);
    std::mt19937 rng(1234);
    std::vector<SimPage> pages = first_pages();
    for (int f = 1; f <= kFrames; ++f) {
      change(pages, f, rng);
      std::vector<gpu::PageUpload> uploads;
      for (const SimPage& p : pages) uploads.push_back(p.upload());
      Status s = sink.upload(uploads, param.mode, nullptr);
      for (SimPage& p : pages) p.dirty.clear();
      flushed[size_t(f - 1)] = pages;
      if (s.ok()) s = sink.end_frame(uint64_t(f), /*app_frame=*/true);
      if (!s.ok()) failures.push_back(s);
      // The pages change at once, while the render thread may still upload this frame.
      built.fetch_add(1);
    }
  });
  [&] {
    for (int f = 1; f <= kFrames; ++f) {
      while (param.lag && built.load() < std::min(kFrames, f - 1 + kDepth)) {
        std::this_thread::yield();
      }
      ASSERT_TRUE(link->submit(*device).ok());
      for (const PacketResult& r : link->take_results()) {
        EXPECT_TRUE(r.status.ok()) << r.status.to_string();
        EXPECT_TRUE(r.failed_pages.empty());
      }
      for (const SimPage& p : flushed[size_t(f - 1)]) {
        const std::string m = gpu::texture_mismatch(*device, p);
        ASSERT_TRUE(m.empty()) << upload_mode_name(param.mode) << " frame " << f << ": " << m;
      }
    }
  }();
  if (HasFatalFailure()) link->close_render_side();  // the builder stops at its next push
  builder.join();
  for (const Status& s : failures) ADD_FAILURE() << s.to_string();
  EXPECT_EQ(link->submit(*device).code(), ErrorCode::kClosed) << "the sink is gone, queue empty";
  EXPECT_TRUE(device->finish().ok());
  EXPECT_EQ(device->completed_frame(), uint64_t(kFrames));
  EXPECT_LE(link->completed_frame(), uint64_t(kFrames));  // as of the last packet run
  for (const std::string& m : target.value()->take_validation_messages()) ADD_FAILURE() << m;
}

std::vector<Params> all_params() {
  std::vector<Params> out;
  for (GpuApi api : {GpuApi::kGl, GpuApi::kVulkan}) {
    for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
      for (bool lag : {false, true}) out.push_back({api, mode, lag});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(RenderThread, RenderLinkReadback, ::testing::ValuesIn(all_params()),
                         [](const ::testing::TestParamInfo<Params>& info) {
                           std::string name = std::string(gpu_api_name(info.param.api)) + "_" +
                                              std::string(upload_mode_name(info.param.mode)) +
                                              (info.param.lag ? "_lagging" : "");
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace glyphstream::pipeline
