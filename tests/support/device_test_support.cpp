#include "device_test_support.h"

#include <algorithm>
#include <cstring>

#include "image_diff.h"

namespace glyphstream::gpu {

SimPage::SimPage(uint32_t id_, PixelFormat f, int w, int h, size_t pad)
    : id(id_), format(f), width(w), height(h) {
  stride = size_t(w) * size_t(bytes_per_pixel(f)) + pad;
  pixels.assign(stride * size_t(h), 0);
}

void SimPage::write(const Rect& r, std::mt19937& rng) {
  for (int y = r.y; y < r.bottom(); ++y) {
    uint8_t* row = pixels.data() + size_t(y) * stride + size_t(r.x) * size_t(bpp());
    for (int x = 0; x < r.w; ++x) {
      if (format == PixelFormat::kCoverage8) {
        row[x] = uint8_t(rng());
      } else if (format == PixelFormat::kLcd24) {  // three coverages, any values
        for (int c = 0; c < 3; ++c) row[x * 3 + c] = uint8_t(rng());
      } else {
        const uint8_t a = uint8_t(rng());
        for (int c = 0; c < 3; ++c) row[x * 4 + c] = uint8_t(rng() % (unsigned(a) + 1));
        row[x * 4 + 3] = a;
      }
    }
  }
  dirty.push_back(r);
}

Rect SimPage::random_rect(std::mt19937& rng, int max_side) const {
  Rect r;
  r.w = 1 + int(rng() % unsigned(std::min(max_side, width)));
  r.h = 1 + int(rng() % unsigned(std::min(max_side, height)));
  r.x = int(rng() % unsigned(width - r.w + 1));
  r.y = int(rng() % unsigned(height - r.h + 1));
  return r;
}

void SimPage::grow(int new_height) {
  pixels.resize(stride * size_t(new_height), 0);
  height = new_height;
}

PageUpload SimPage::upload() const {
  PageUpload u;
  u.page = id;
  u.format = format;
  u.width = width;
  u.height = height;
  u.pixels = pixels.data();
  u.stride = stride;
  u.dirty = dirty;
  return u;
}

std::vector<uint8_t> SimPage::tight() const {
  const size_t row = size_t(width) * size_t(bpp());
  std::vector<uint8_t> out(row * size_t(height));
  for (int y = 0; y < height; ++y) {
    std::memcpy(out.data() + size_t(y) * row, pixels.data() + size_t(y) * stride, row);
  }
  return out;
}

Status upload_pages(GpuDevice& dev, std::vector<SimPage>& pages, UploadMode mode,
                    UploadStats* stats) {
  std::vector<PageUpload> ups;
  for (SimPage& p : pages) ups.push_back(p.upload());
  Status s = dev.upload(ups, mode, stats);
  for (SimPage& p : pages) p.dirty.clear();
  return s;
}

std::string texture_mismatch(GpuDevice& dev, const SimPage& p) {
  std::vector<uint8_t> tex;
  int w = 0, h = 0;
  Status s = dev.read_texture(p.id, &tex, &w, &h);
  if (!s.ok()) return s.to_string();
  if (w != p.width || h != p.height) {
    return "size " + std::to_string(w) + "x" + std::to_string(h) + " vs " +
           std::to_string(p.width) + "x" + std::to_string(p.height);
  }
  const std::vector<uint8_t> want = p.tight();
  if (tex == want) return {};
  const size_t row = size_t(p.width) * size_t(p.bpp());
  for (size_t i = 0; i < want.size(); ++i) {
    if (tex[i] != want[i]) {
      return "page " + std::to_string(p.id) +
             " differs first at x=" + std::to_string(i % row / size_t(p.bpp())) +
             " y=" + std::to_string(i / row) + " (got " + std::to_string(tex[i]) + ", want " +
             std::to_string(want[i]) + ")";
    }
  }
  return "mismatch";
}

void BackendConformance::SetUp() {
  auto harness = GetParam().create(kWidth, kHeight);
  if (!harness.ok() && harness.status().code() == ErrorCode::kUnsupported) {
    GTEST_SKIP() << GetParam().name << " is not available here: " << harness.status().to_string();
  }
  ASSERT_TRUE(harness.ok()) << harness.status().to_string();
  harness_ = std::move(harness).value();
}

// The devices of a test are gone by now: their teardown is checked too.
void BackendConformance::TearDown() {
  if (!harness_) return;
  for (const std::string& m : harness_->take_messages()) ADD_FAILURE() << "validation: " << m;
}

std::unique_ptr<GpuDevice> BackendConformance::make_device(GpuDeviceDesc desc) {
  auto dev = harness_->make_device(desc);
  EXPECT_TRUE(dev.ok()) << dev.status().to_string();
  return dev.ok() ? std::move(dev).value() : nullptr;
}

void BackendConformance::clear(float r, float g, float b, float a) {
  const Status s = harness_->clear(r, g, b, a);
  EXPECT_TRUE(s.ok()) << s.to_string();
}

std::vector<uint8_t> BackendConformance::screen() {
  std::vector<uint8_t> rgba;
  const Status s = harness_->read_pixels(&rgba);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return rgba;
}

void BackendConformance::expect_screen(const std::vector<uint8_t>& want, int tolerance,
                                       const std::string& what, int* max_diff) {
  const testing::ImageDiff diff = testing::diff_images(screen(), want, kWidth, kHeight, tolerance);
  EXPECT_TRUE(diff.match()) << what << ": " << diff.report;
  if (max_diff) *max_diff = diff.max_channel_diff;
}

int BackendConformance::draw_matches_reference(GpuDevice& dev,
                                               const std::vector<GlyphInstance>& instances,
                                               const std::vector<DrawBatch>& batches,
                                               const std::vector<CpuPage>& pages, int round) {
  clear(0.25f, 0.5f, 0.75f, round % 2 ? 1.f : 0.5f);
  std::vector<uint8_t> want = screen();
  composite(instances, batches, pages, kWidth, kHeight, &want);
  Status s = dev.draw(instances, batches, kWidth, kHeight);
  EXPECT_TRUE(s.ok()) << s.to_string();
  s = dev.end_frame(uint64_t(round + 1));
  EXPECT_TRUE(s.ok()) << s.to_string();
  int diff = 0;
  expect_screen(want, 3, "round " + std::to_string(round), &diff);
  return diff;
}

}  // namespace glyphstream::gpu
