// The fontconfig side of layout: what every font map glyphstream creates gets from fontconfig
// (unhinted metrics; colour bitmap fonts scaled to the requested size where the configuration
// lacks the distributions' rule).
#pragma once

#include <fontconfig/fontconfig.h>
#include <glib.h>

namespace glyphstream::text {

// A PangoFcFontMap substitute callback: turns metric hinting off for every font the map
// creates, so positions stay unrounded and sub-pixel, matching the unhinted outlines the
// rasterizer draws.
void substitute_no_hinting(FcPattern* pattern, gpointer);

// Once per process, before the first font map: adds a bitmap-scaling rule for colour fonts to
// the current configuration when a probe shows colour bitmap fonts unscaled.
void ensure_color_bitmaps_scale();

}  // namespace glyphstream::text
