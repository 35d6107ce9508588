#include "text/font_registry.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include "text/font_check.h"

namespace glyphstream::text {

FaceId FontRegistry::register_file(const std::string& path, int face_index,
                                   const std::string& family) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] =
      by_file_.try_emplace({path, face_index}, static_cast<FaceId>(faces_.size()));
  if (inserted) {
    FaceSource source;
    source.path = path;
    source.face_index = face_index;
    source.family = family;
    faces_.push_back(std::move(source));
  }
  return it->second;
}

Result<FaceId> FontRegistry::register_memory(std::vector<uint8_t> bytes, int face_index) {
  const std::string what = "in-memory font (" + std::to_string(bytes.size()) + " bytes)";
  if (face_index < 0) {
    return Status(ErrorCode::kInvalidArgument, what + ": negative face index");
  }
  GS_TRY(check_sfnt_memory(bytes.data(), bytes.size(), face_index, what));

  // Open once with FreeType so that a corrupt font fails here, not in a rasterizer worker.
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library) != 0) {
    return Status(ErrorCode::kInternal, "FT_Init_FreeType failed");
  }
  FT_Face face = nullptr;
  FT_Error error = FT_New_Memory_Face(library, bytes.data(), static_cast<FT_Long>(bytes.size()),
                                      face_index, &face);
  std::string family;
  long num_glyphs = 0;
  if (error == 0) {
    if (face->family_name != nullptr) family = face->family_name;
    num_glyphs = face->num_glyphs;
    FT_Done_Face(face);
  }
  FT_Done_FreeType(library);
  if (error != 0) {
    return Status(ErrorCode::kFontLoadFailed,
                  what + ": FreeType cannot open it (error " + std::to_string(error) + ")");
  }
  if (num_glyphs <= 0) {
    return Status(ErrorCode::kFontLoadFailed, what + ": the font has no glyphs");
  }

  FaceSource source;
  source.data = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  source.face_index = face_index;
  source.family = std::move(family);
  std::lock_guard<std::mutex> lock(mutex_);
  faces_.push_back(std::move(source));
  return static_cast<FaceId>(faces_.size() - 1);
}

FaceSource FontRegistry::source(FaceId id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (id >= faces_.size()) return {};  // unknown id: empty source, rasterizing it fails cleanly
  return faces_[id];
}

size_t FontRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return faces_.size();
}

}  // namespace glyphstream::text
