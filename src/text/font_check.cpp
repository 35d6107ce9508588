#include "text/font_check.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace glyphstream::text {
namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

constexpr uint32_t tag(const char (&s)[5]) {
  return (uint32_t(uint8_t(s[0])) << 24) | (uint32_t(uint8_t(s[1])) << 16) |
         (uint32_t(uint8_t(s[2])) << 8) | uint32_t(uint8_t(s[3]));
}

bool is_sfnt_version(uint32_t v) {
  return v == 0x00010000u || v == tag("OTTO") || v == tag("true") || v == tag("typ1");
}

Status fail(const std::string& what, const std::string& why) {
  return Status(ErrorCode::kFontLoadFailed, what + ": " + why);
}

// `read(offset, len, out)` returns false past the end.
template <typename Reader>
Status check_sfnt_bounds(Reader&& read, uint64_t size, int face_index, const std::string& what) {
  if (size < 12)
    return fail(what, "file too short to be a font (" + std::to_string(size) + " bytes)");
  uint8_t head[12];
  if (!read(0, 12, head)) return fail(what, "cannot read the font header");
  uint64_t dir_offset = 0;
  uint32_t version = be32(head);
  if (version == tag("ttcf")) {
    uint32_t num_fonts = be32(head + 8);
    if (face_index < 0 || static_cast<uint32_t>(face_index) >= num_fonts) {
      return fail(what, "face index " + std::to_string(face_index) +
                            " out of range (collection has " + std::to_string(num_fonts) +
                            " faces)");
    }
    uint8_t off[4];
    if (!read(12 + 4 * uint64_t(face_index), 4, off))
      return fail(what, "truncated collection header");
    dir_offset = be32(off);
    if (!read(dir_offset, 12, head))
      return fail(what, "truncated collection: face directory missing");
    version = be32(head);
    if (!is_sfnt_version(version)) return fail(what, "collection face has an unknown sfnt version");
  } else if (!is_sfnt_version(version)) {
    return Status::ok_status();  // not sfnt: FreeType's own checks apply
  } else if (face_index != 0) {
    return fail(what,
                "face index " + std::to_string(face_index) + " out of range (single-face font)");
  }
  uint16_t num_tables = be16(head + 4);
  if (num_tables == 0) return fail(what, "font has no tables");
  // 16 bytes per table record; read the whole directory in one go.
  std::unique_ptr<uint8_t[]> dir(new uint8_t[size_t{num_tables} * 16]);
  if (!read(dir_offset + 12, uint64_t{num_tables} * 16, dir.get())) {
    return fail(what, "truncated font: table directory extends past the end");
  }
  for (uint16_t i = 0; i < num_tables; ++i) {
    const uint8_t* rec = dir.get() + size_t{i} * 16;
    uint64_t offset = be32(rec + 8), length = be32(rec + 12);
    if (offset + length > size) {
      char name[5] = {char(rec[0]), char(rec[1]), char(rec[2]), char(rec[3]), 0};
      for (char& c : name) {
        if (c != 0 && (c < 32 || c > 126)) c = '?';
      }
      return fail(what, std::string("truncated or corrupt font: table '") + name + "' (" +
                            std::to_string(offset) + "+" + std::to_string(length) +
                            ") lies past the end (" + std::to_string(size) + " bytes)");
    }
  }
  return Status::ok_status();
}

}  // namespace

Status check_sfnt_memory(const uint8_t* data, size_t size, int face_index,
                         const std::string& what) {
  auto read = [&](uint64_t offset, uint64_t len, uint8_t* out) {
    if (offset > size || len > size - offset) return false;
    std::memcpy(out, data + offset, len);
    return true;
  };
  return check_sfnt_bounds(read, size, face_index, what);
}

Status check_sfnt_file(const std::string& path, int face_index) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    return Status(ErrorCode::kIoError,
                  "cannot open font file '" + path + "': " + std::strerror(errno));
  }
  if (std::fseek(f.get(), 0, SEEK_END) != 0)
    return Status(ErrorCode::kIoError, "cannot seek in '" + path + "'");
  long end = std::ftell(f.get());
  if (end < 0) return Status(ErrorCode::kIoError, "cannot size '" + path + "'");
  uint64_t size = static_cast<uint64_t>(end);
  auto read = [&](uint64_t offset, uint64_t len, uint8_t* out) {
    if (offset > size || len > size - offset) return false;
    if (std::fseek(f.get(), static_cast<long>(offset), SEEK_SET) != 0) return false;
    return std::fread(out, 1, len, f.get()) == len;
  };
  return check_sfnt_bounds(read, size, face_index, "font file '" + path + "'");
}

}  // namespace glyphstream::text
