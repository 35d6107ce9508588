#include "gpu/vulkan/vk_test_support.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace glyphstream::gpu::vktest {

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

std::vector<uint8_t> SimPage::tight() const {
  const size_t row = size_t(width) * size_t(bpp());
  std::vector<uint8_t> out(row * size_t(height));
  for (int y = 0; y < height; ++y) {
    std::memcpy(out.data() + size_t(y) * row, pixels.data() + size_t(y) * stride, row);
  }
  return out;
}

namespace {

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Async: every rect of the pages not uploaded whole goes through one ring slot.
Status stage_rects(Backend& b, const std::vector<SimPage>& pages, const std::vector<bool>& whole,
                   UploadStats* st) {
  static thread_local int next_slot = 0;
  size_t needed = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (whole[i]) continue;
    for (const Rect& r : pages[i].dirty) {
      needed += align_up(size_t(r.w) * size_t(r.h) * size_t(pages[i].bpp()), kStagingAlign);
    }
  }
  if (needed == 0) return {};
  const int slot = next_slot++ % b.staging_slot_count();
  if (!b.staging_slot_idle(slot)) {
    const auto start = std::chrono::steady_clock::now();
    GS_TRY(b.wait_staging_slot(slot));
    st->stall_ns +=
        uint64_t(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now() - start)
                                          .count()));
    ++st->stalls;
  }
  GS_ASSIGN_OR_RETURN(uint8_t * base, b.map_staging_slot(slot, needed));
  std::vector<StagingCopy> copies;
  size_t offset = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (whole[i]) continue;
    const SimPage& p = pages[i];
    for (const Rect& r : p.dirty) {
      const size_t row = size_t(r.w) * size_t(p.bpp());
      for (int y = 0; y < r.h; ++y) {
        std::memcpy(base + offset + size_t(y) * row,
                    p.pixels.data() + size_t(r.y + y) * p.stride + size_t(r.x) * size_t(p.bpp()),
                    row);
      }
      copies.push_back({p.id, p.format, r, offset});
      offset += align_up(row * size_t(r.h), kStagingAlign);
      st->bytes += row * size_t(r.h);
      ++st->copy_commands;
    }
  }
  return b.copy_from_staging(slot, copies);
}

ClientCopy client_copy(const SimPage& p, const Rect& r) {
  return {p.id, p.format, r,
          p.pixels.data() + size_t(r.y) * p.stride + size_t(r.x) * size_t(p.bpp()), p.stride};
}

Status run_pass(Backend& b, std::vector<SimPage>& pages, UploadMode mode, UploadStats* st) {
  std::vector<bool> whole(pages.size(), false);
  for (size_t i = 0; i < pages.size(); ++i) {
    const SimPage& p = pages[i];
    bool w = false;
    GS_TRY(b.ensure_page({p.id, p.format, p.width, p.height}, &w, st));
    whole[i] = w || (mode == UploadMode::kWholePage && !p.dirty.empty());
  }
  if (mode == UploadMode::kAsync) GS_TRY(stage_rects(b, pages, whole, st));
  std::vector<ClientCopy> client;
  for (size_t i = 0; i < pages.size(); ++i) {
    const SimPage& p = pages[i];
    if (whole[i]) {
      client.push_back(client_copy(p, {0, 0, p.width, p.height}));
    } else if (mode == UploadMode::kSync) {
      for (const Rect& r : p.dirty) client.push_back(client_copy(p, r));
    }
  }
  for (const ClientCopy& c : client) {
    st->bytes += uint64_t(c.rect.w) * uint64_t(c.rect.h) * uint64_t(bytes_per_pixel(c.format));
    ++st->copy_commands;
  }
  return b.copy_from_client(client);
}

}  // namespace

Status upload_pages(Backend& backend, std::vector<SimPage>& pages, UploadMode mode,
                    UploadStats* stats) {
  UploadStats local;
  UploadStats* st = stats ? stats : &local;
  GS_TRY(backend.begin_upload(mode));
  Status s = run_pass(backend, pages, mode, st);
  Status end = backend.end_upload();
  for (SimPage& p : pages) p.dirty.clear();
  return s.ok() ? end : s;
}

std::string texture_mismatch(Backend& backend, const SimPage& p) {
  std::vector<uint8_t> tex;
  int w = 0, h = 0;
  Status s = backend.read_texture(p.id, &tex, &w, &h);
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

void VulkanTest::SetUp() {
  VulkanContextDesc desc;
  desc.width = kWidth;
  desc.height = kHeight;
  desc.validation = true;  // with synchronization validation; any message fails the test
  auto ctx = VulkanContext::create(desc);
  if (!ctx.ok() && ctx.status().code() == ErrorCode::kUnsupported &&
      ctx.status().message().find("validation") == std::string::npos) {
    GTEST_SKIP() << "no usable Vulkan device: " << ctx.status().to_string();
  }
  ASSERT_TRUE(ctx.ok()) << ctx.status().to_string();
  ctx_ = std::move(ctx).value();
  ASSERT_TRUE(ctx_->validation_enabled());
}

void VulkanTest::TearDown() {
  if (ctx_) expect_no_validation_messages();
}

std::unique_ptr<VulkanBackend> VulkanTest::make_backend(VulkanBackendDesc desc) {
  auto b = create_vulkan_backend(*ctx_, desc);
  EXPECT_TRUE(b.ok()) << b.status().to_string();
  return b.ok() ? std::move(b).value() : nullptr;
}

void VulkanTest::expect_no_validation_messages() {
  const std::vector<std::string> messages = ctx_->take_validation_messages();
  for (const std::string& m : messages) ADD_FAILURE() << "validation: " << m;
}

void VulkanTest::expect_screen(const std::vector<uint8_t>& want, int tolerance,
                               const std::string& what, int* max_diff) {
  std::vector<uint8_t> got;
  ASSERT_TRUE(ctx_->read_pixels(&got).ok());
  std::string report;
  EXPECT_TRUE(reference_compare(got, want, kWidth, kHeight, tolerance, &report, max_diff))
      << what << ": " << report;
}

}  // namespace glyphstream::gpu::vktest
