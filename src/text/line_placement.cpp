#include "text/line_placement.h"

#include "text/decoration_collector.h"

namespace glyphstream::text {
namespace {

int direction_sign(PangoDirection d) {
  switch (d) {
    case PANGO_DIRECTION_LTR:
    case PANGO_DIRECTION_WEAK_LTR:
    case PANGO_DIRECTION_TTB_RTL:
      return 1;
    case PANGO_DIRECTION_RTL:
    case PANGO_DIRECTION_WEAK_RTL:
    case PANGO_DIRECTION_TTB_LTR:
      return -1;
    default:
      return 0;
  }
}

}  // namespace

PangoAlignment line_alignment(PangoAlignment layout_alignment, bool auto_dir,
                              PangoDirection context_dir, PangoDirection line_dir) {
  if (layout_alignment == PANGO_ALIGN_CENTER || !auto_dir ||
      direction_sign(line_dir) != -direction_sign(context_dir)) {
    return layout_alignment;
  }
  return layout_alignment == PANGO_ALIGN_LEFT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
}

int line_x_offset(PangoAlignment alignment, int layout_width, int line_width, int indent,
                  bool paragraph_start) {
  int x = 0;
  if (layout_width == 0) {
    x = 0;
  } else if (alignment == PANGO_ALIGN_RIGHT) {
    x = layout_width - line_width;
  } else if (alignment == PANGO_ALIGN_CENTER) {
    x = (layout_width - line_width) / 2;
    // Pango's "hinting": whole-pixel widths centre on whole pixels.
    if (((layout_width | line_width) & (PANGO_SCALE - 1)) == 0) x = PANGO_UNITS_ROUND(x);
  }
  if (alignment == PANGO_ALIGN_CENTER) return x;  // the indent does not apply
  if (paragraph_start) {
    if (indent > 0) x += alignment == PANGO_ALIGN_LEFT ? indent : -indent;
  } else if (indent < 0) {
    x += alignment == PANGO_ALIGN_LEFT ? -indent : indent;
  }
  return x;
}

int64_t LineStacker::place(int logical_y, int logical_height, int height) {
  int64_t baseline;
  if (first_ || line_spacing_ == 0.0f) {
    baseline = next_top_ - logical_y;
  } else {
    // Pango computes this in float (int + float * int) and truncates to int: so does this.
    const float spread = line_spacing_ * static_cast<float>(height);
    baseline = static_cast<int64_t>(static_cast<float>(baseline_) + spread);
  }
  first_ = false;
  baseline_ = baseline;
  bottom_ = baseline + logical_y + logical_height;
  next_top_ = bottom_ + spacing_;
  return baseline;
}

bool align_to_widest(std::vector<PlacedLine>* lines, int indent, int widest, LayoutResult* result) {
  bool moved = false;
  for (PlacedLine& line : *lines) {
    const int want =
        line_x_offset(line.alignment, widest, line.width, indent, line.paragraph_start);
    const int had =
        line_x_offset(line.alignment, line.layout_width, line.width, indent, line.paragraph_start);
    if (want == had) continue;
    moved = true;
    line.dx = want - had;
    const float dx = static_cast<float>((int64_t(want) - had) / double(PANGO_SCALE));
    for (size_t i = line.glyph_begin; i < line.glyph_end; ++i) result->glyphs[i].x += dx;
    for (size_t i = line.decoration_begin; i < line.decoration_end; ++i) {
      result->decorations[i].x += dx;
    }
  }
  return moved;
}

int64_t TextPlacement::begin_line(PangoLayoutIter* iter, int layout_width, size_t glyph_begin) {
  PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
  PangoRectangle logical;
  pango_layout_iter_get_line_extents(iter, nullptr, &logical);
  const int baseline = pango_layout_iter_get_baseline(iter);
  int height = 0;
  if (line_spacing_ != 0.0f) pango_layout_line_get_height(line, &height);
  const int64_t dy = stacker_.place(logical.y - baseline, logical.height, height) - baseline;
  if (dy_.empty()) paragraph_first_line_ = lines_.size();
  dy_.push_back(dy);
  if (!lines_.empty() && lines_.size() > paragraph_first_line_) {
    lines_.back().glyph_end = glyph_begin;
  }
  PlacedLine placed;
  placed.glyph_begin = placed.glyph_end = glyph_begin;
  placed.width = logical.width;
  placed.layout_width = layout_width;
  placed.alignment = line_alignment(alignment_, auto_dir_, base_dir_,
                                    static_cast<PangoDirection>(line->resolved_dir));
  placed.paragraph_start = line->is_paragraph_start;
  placed.dy = dy;
  lines_.push_back(placed);
  return dy;
}

void TextPlacement::write_offsets(LayoutResult* result) const {
  result->line_offsets.resize(lines_.size());
  for (size_t i = 0; i < lines_.size(); ++i) {
    result->line_offsets[i] = {static_cast<float>(lines_[i].dx / double(PANGO_SCALE)),
                               static_cast<float>(lines_[i].dy / double(PANGO_SCALE))};
  }
}

void TextPlacement::end_paragraph(PangoLayout* layout, size_t glyph_end,
                                  std::vector<Decoration>* decorations) {
  if (!lines_.empty()) lines_.back().glyph_end = glyph_end;
  size_t begin = decorations->size();
  for (size_t l = paragraph_first_line_; l < lines_.size(); ++l) {
    lines_[l].decoration_begin = lines_[l].decoration_end = begin;
  }
  if (has_decorations(layout)) {
    std::vector<size_t> ends;
    collect_decorations(layout, decorations, &ends);
    // Pango placed them in this paragraph's own layout: moved to where each line stands.
    for (size_t l = 0; l < ends.size() && l < dy_.size(); ++l) {
      PlacedLine& line = lines_[paragraph_first_line_ + l];
      line.decoration_begin = begin;
      line.decoration_end = ends[l];
      const float dy = static_cast<float>(dy_[l] / double(PANGO_SCALE));
      for (size_t k = begin; k < ends[l]; ++k) (*decorations)[k].y += dy;
      begin = ends[l];
    }
  }
  dy_.clear();
}

}  // namespace glyphstream::text
