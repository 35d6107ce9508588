#include "baselines/freetype_baseline.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_LCD_FILTER_H

#include <chrono>

namespace glyphstream::baseline {

double bare_freetype_rate(const text::FontRegistry& registry,
                          const std::vector<text::RasterRequest>& requests, double min_seconds,
                          bool lcd) {
  FT_Library lib = nullptr;
  if (FT_Init_FreeType(&lib) != 0) return 0;
  if (lcd) FT_Library_SetLcdFilter(lib, FT_LCD_FILTER_DEFAULT);
  const FT_Int32 load = FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP | FT_LOAD_RENDER |
                        (lcd ? FT_LOAD_TARGET_LCD : FT_LOAD_TARGET_NORMAL);
  std::vector<FT_Face> faces(registry.size(), nullptr);
  std::vector<text::RasterRequest> outline;
  for (const text::RasterRequest& req : requests) {
    if (req.face >= faces.size()) continue;
    if (faces[req.face] == nullptr) {
      const text::FaceSource src = registry.source(req.face);
      if (src.path.empty() ||
          FT_New_Face(lib, src.path.c_str(), src.face_index, &faces[req.face]) != 0) {
        continue;
      }
    }
    if (FT_IS_SCALABLE(faces[req.face])) outline.push_back(req);
  }
  double rate = 0;
  if (!outline.empty()) {
    const auto t0 = std::chrono::steady_clock::now();
    size_t n = 0;
    double seconds = 0;
    do {
      for (const text::RasterRequest& req : outline) {
        FT_Face face = faces[req.face];
        FT_Set_Char_Size(face, 0, FT_F26Dot6(req.size_26_6), 72, 72);
        FT_Vector delta{req.subpixel_bin * 16, 0};
        FT_Set_Transform(face, nullptr, &delta);
        FT_Load_Glyph(face, req.glyph_id, load);
      }
      n += outline.size();
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } while (seconds < min_seconds);
    rate = double(n) / seconds;
  }
  for (FT_Face f : faces) {
    if (f) FT_Done_Face(f);
  }
  FT_Done_FreeType(lib);
  return rate;
}

}  // namespace glyphstream::baseline
