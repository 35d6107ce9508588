// Command line of the demo.
#pragma once

#include <glyphstream/types.h>

#include <string>

struct Options {
  glyphstream::GpuApi backend = glyphstream::GpuApi::kGl;
  bool auto_scroll = false;
  int frames = 300;
  std::string screenshot;
  bool mode_set = false;
  glyphstream::UploadMode mode = glyphstream::UploadMode::kAsync;
  int scroll_step = 6;  // px per frame in --auto-scroll
  int width = 1000, height = 700;
  bool show_stats = false;
  bool check = false;
  int switch_mode_every = 0;   // --auto-scroll: press "M" every N frames
  bool transfer_queue = true;  // Vulkan: async copies on a dedicated transfer queue if any
  int resize_at = 0;           // --auto-scroll: shrink the window by 100x60 px at this frame
};

// Returns 0 to continue, -1 after --help, otherwise the exit code (2) of a usage error.
int parse_options(int argc, char** argv, Options* o);
