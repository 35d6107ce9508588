#include "glyphstream/status.h"

#include <gtest/gtest.h>

#include "glyphstream/stats.h"
#include "glyphstream/types.h"

namespace glyphstream {
namespace {

Result<int> half(int v) {
  if (v % 2) return Status(ErrorCode::kInvalidArgument, "odd");
  return v / 2;
}

Result<int> quarter(int v) {
  GS_ASSIGN_OR_RETURN(int h, half(v));
  return half(h);
}

Status check(int v) {
  GS_TRY(quarter(v).status());
  return {};
}

TEST(Status, PropagatesTheFirstError) {
  EXPECT_EQ(quarter(8).value(), 2);
  EXPECT_EQ(quarter(6).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(check(4).ok());
  const Status s = check(3);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.to_string(), "invalid_argument: odd");
}

TEST(Types, UploadModeNamesRoundTrip) {
  for (UploadMode m : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    UploadMode parsed{};
    ASSERT_TRUE(parse_upload_mode(upload_mode_name(m), &parsed));
    EXPECT_EQ(parsed, m);
  }
  UploadMode unused{};
  EXPECT_FALSE(parse_upload_mode("fast", &unused));
}

TEST(Types, ColorRoundTripsThroughRgba8) {
  EXPECT_EQ(Color::from_rgba8(0x11aa33ccu).to_rgba8(), 0x11aa33ccu);
}

TEST(Stats, JsonSaysUnavailableWithoutTimerQueries) {
  FrameStats s;
  s.bytes_uploaded = 1234;
  s.glyphs_culled = 987;
  s.glyphs_memoized = 654;
  const std::string json = frame_stats_to_json(s);
  EXPECT_NE(json.find("\"bytes_uploaded\":1234"), std::string::npos);
  EXPECT_NE(json.find("\"glyphs_culled\":987"), std::string::npos);
  EXPECT_NE(json.find("\"glyphs_memoized\":654"), std::string::npos);
  EXPECT_NE(json.find("\"gpu_upload_ns\":\"unavailable\""), std::string::npos);
  EXPECT_EQ(json.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace glyphstream
