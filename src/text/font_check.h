// Cheap structural checks on font bytes, shared by the registry, the layouter and the
// rasterizer. FreeType opens many truncated sfnt files without complaint and fails (or reads
// zeros) only when a glyph in the missing part is loaded; checking the table directory against
// the real size turns that into one clear kFontLoadFailed up front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "glyphstream/status.h"

namespace glyphstream::text {

// Checks that every table of face `face_index` of an sfnt (TrueType/OpenType/TTC) lies inside
// the data. Non-sfnt formats (Type 1, PCF, WOFF, ...) pass: FreeType validates those itself.
// `what` names the font in messages. The file variant reads only the headers; it returns
// kIoError when the file cannot be opened.
Status check_sfnt_memory(const uint8_t* data, size_t size, int face_index, const std::string& what);
Status check_sfnt_file(const std::string& path, int face_index);

}  // namespace glyphstream::text
