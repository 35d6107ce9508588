// Font identity shared by layout (Pango, one thread) and rasterization (FreeType, one library
// and face per worker): a FaceId names a font file (or an in-memory font) and a face index.
// Thread-safe. No Pango or FreeType types cross this header.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::text {

using FaceId = uint32_t;

struct FaceSource {
  std::string path;                                  // empty for in-memory fonts
  std::shared_ptr<const std::vector<uint8_t>> data;  // set for in-memory fonts
  int face_index = 0;
  std::string family;  // family name, for stats and messages
};

class FontRegistry {
 public:
  // Registers (or finds) a font file; the same path and index give the same id.
  FaceId register_file(const std::string& path, int face_index, const std::string& family);
  // Registers a font held in memory. The bytes are validated by opening them with FreeType
  // once: a corrupt or truncated font is kFontLoadFailed, never a crash later.
  Result<FaceId> register_memory(std::vector<uint8_t> bytes, int face_index);
  // The source of an id; ids are never reused.
  FaceSource source(FaceId id) const;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::vector<FaceSource> faces_;                          // indexed by FaceId
  std::map<std::pair<std::string, int>, FaceId> by_file_;  // (path, index) -> id, for dedup
};

}  // namespace glyphstream::text
