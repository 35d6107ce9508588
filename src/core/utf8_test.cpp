#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace glyphstream {
namespace {

struct Case {
  std::string bytes;
  size_t first_bad;  // npos = valid
};

TEST(Utf8, ValidatesAgainstRfc3629) {
  const size_t ok = std::string::npos;
  const Case cases[] = {
      {"", ok},
      {"plain ascii", ok},
      {"caf\xc3\xa9", ok},               // é
      {"\xe4\xb8\x96\xe7\x95\x8c", ok},  // 世界
      {"\xf0\x9f\x91\x8b", ok},          // 👋
      {std::string("a\0b", 3), ok},      // embedded NUL is valid UTF-8
      {"\xc0\xaf", 0},                   // overlong '/'
      {"\xe0\x80\xaf", 0},               // overlong, 3 bytes
      {"\xf0\x80\x80\xaf", 0},           // overlong, 4 bytes
      {"ab\xed\xa0\x80", 2},             // UTF-16 surrogate D800
      {"\xf4\x90\x80\x80", 0},           // beyond U+10FFFF
      {"abc\xe4\xb8", 3},                // truncated
      {"\x80", 0},                       // lone continuation
      {"\xff", 0},                       // never valid
      {"x\xc3(", 1},                     // bad continuation
  };
  for (const Case& c : cases) {
    const size_t got = first_invalid_utf8(c.bytes);
    if (c.first_bad == ok) {
      EXPECT_EQ(got, c.bytes.size()) << "input of " << c.bytes.size() << " bytes";
      EXPECT_TRUE(validate_utf8(c.bytes).ok());
    } else {
      EXPECT_EQ(got, c.first_bad);
      const Status s = validate_utf8(c.bytes);
      EXPECT_EQ(s.code(), ErrorCode::kInvalidUtf8);
      EXPECT_NE(s.message().find(std::to_string(c.first_bad)), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace glyphstream
