// TextSystemDesc against its documented bounds (text_system.h), and the UploadMode values:
// what TextSystem::create and set_upload_mode refuse.
#pragma once

#include "glyphstream/status.h"
#include "glyphstream/text_system_desc.h"
#include "glyphstream/types.h"

namespace glyphstream::pipeline {

bool valid_upload_mode(UploadMode mode);
// kInvalidArgument naming the first value out of its range.
Status validate_desc(const TextSystemDesc& desc);

}  // namespace glyphstream::pipeline
