// Compiling and linking a GLSL program, shared by the quad renderer and the bench's busy scene
// (bench/busy_scene/gl_busy_scene.cpp).
#pragma once

#include <epoxy/gl.h>

#include "glyphstream/status.h"

namespace glyphstream::gpu::gl {

// Compiles both stages and links them; kUnsupported with the driver's log when either fails.
Result<GLuint> link_program(const char* vertex_source, const char* fragment_source);

}  // namespace glyphstream::gpu::gl
