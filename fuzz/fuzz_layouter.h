// One font registry and Layouter for the whole process, shared by the fuzz targets that lay
// text out (made on first use; never destroyed, as libFuzzer never returns).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "text/font_registry.h"
#include "text/layout.h"

namespace glyphstream::fuzz {

struct LayoutContext {
  text::FontRegistry registry;
  std::unique_ptr<text::Layouter> layouter;
};

inline LayoutContext& layout_context() {
  static LayoutContext* ctx = [] {
    auto* c = new LayoutContext;
    auto layouter = text::Layouter::create(&c->registry);
    if (!layouter.ok()) {
      std::fprintf(stderr, "Layouter::create: %s\n", layouter.status().to_string().c_str());
      std::abort();
    }
    c->layouter = std::move(layouter).value();
    return c;
  }();
  return *ctx;
}

}  // namespace glyphstream::fuzz
