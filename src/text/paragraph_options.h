// ParagraphStyle (glyphstream/paragraph.h) on the Pango side: the bounds every entry point
// checks, and the options set on a PangoContext and a PangoLayout exactly as pango-view's
// make_layout() and do_output() set them (utils/viewer-render.c, Pango 1.50), with --pixels:
// lengths are px, and px are Pango units / PANGO_SCALE.
#pragma once

#include <pango/pango.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "glyphstream/paragraph.h"
#include "glyphstream/status.h"

namespace glyphstream::text {

// Every field within its bounds (kInvalidArgument naming the field and the bound).
Status check_paragraph_style(const ParagraphStyle& p);

// A checked length in px as Pango units (|px| <= kMaxLength keeps it inside int).
int pango_units(float px);

// What pango-view sets on its PangoContext rather than on the layout. A context is never
// changed once a layout uses it (a layout would lay itself out again on the next query).
struct ContextOptions {
  PangoDirection base_dir = PANGO_DIRECTION_LTR;  // --rtl
  std::string language;                           // empty: pango_language_get_default()
  PangoGravityHint gravity_hint = PANGO_GRAVITY_HINT_NATURAL;
  // --gravity; auto is resolved here as Pango resolves it under --rotate's matrix
  // (pango_gravity_get_for_matrix), since the context carries no matrix.
  PangoGravity base_gravity = PANGO_GRAVITY_SOUTH;
  bool round_positions = false;  // RenderingStyle::whole_pixel_positions
  bool hint_metrics = false;     // RenderingStyle::hint_metrics on: the hinted map's context
  friend bool operator==(const ContextOptions&, const ContextOptions&) = default;
};
ContextOptions context_options(const ParagraphStyle& p);
// A new context of `map` (caller owns it) at glyphstream's settings (glyph positions rounded
// only with o.round_positions) with `o` applied: pango-view's base gravity and gravity hint.
PangoContext* create_context(PangoFontMap* map, const ContextOptions& o);

// Contexts per ContextOptions, made on first use and never changed: the few most recent ones
// (a layout holds its own reference, so dropping one here is safe).
class ContextCache {
 public:
  ContextCache() = default;
  ContextCache(const ContextCache&) = delete;
  ContextCache& operator=(const ContextCache&) = delete;
  ~ContextCache();
  PangoContext* get(PangoFontMap* map, const ContextOptions& options);

 private:
  static constexpr size_t kMaxContexts = 8;
  std::vector<std::pair<ContextOptions, PangoContext*>> contexts_;  // the newest last
};

// The layout's alignment as pango-view sets it: left and right swapped when the base direction
// is right-to-left (Pango swaps them back for lines of the base direction).
PangoAlignment pango_alignment(const ParagraphStyle& p);

// Sets every layout option of `p` on `layout` (width_units < 0: no wrap width); `tabs` from
// make_tab_array (null: Pango's default tabs).
void apply_layout_options(PangoLayout* layout, const ParagraphStyle& p, int width_units,
                          const PangoTabArray* tabs);
// The tab stops in Pango units, left-aligned (caller frees); null when p.tabs is empty.
PangoTabArray* make_tab_array(const ParagraphStyle& p);

// The direction of the first strong character (LTR, RTL or NEUTRAL), as Pango finds each
// paragraph's direction (pango_find_base_dir, which Pango 1.50 uses for that and deprecates).
PangoDirection first_strong_direction(std::string_view text);

// True where one PangoLayout per paragraph cannot give what one layout of the whole text
// gives: --single-par (separators are not breaks), and a positive --height (the height left
// carries from one paragraph to the next; Pango stops adding paragraphs when it runs out, with
// or without an ellipsis or a width).
bool needs_whole_layout(const ParagraphStyle& p);

}  // namespace glyphstream::text
