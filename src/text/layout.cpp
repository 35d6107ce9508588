#include "text/layout_impl.h"

namespace glyphstream::text {
namespace detail {

// State carried from one paragraph to the next while a text is laid out.
struct ParagraphWalk {
  ParagraphWalk(const ParagraphStyle& s, int width)
      : style(s),
        width_units(width),
        base_dir(context_options(s).base_dir),
        alignment(pango_alignment(s)),
        auto_dir(!s.no_auto_dir),
        placement(s.spacing != 0 ? pango_units(s.spacing) : 0, s.line_spacing, alignment, auto_dir,
                  base_dir) {}
  LayoutResult* result = nullptr;
  const ParagraphStyle& style;
  int width_units;                  // < 0: no wrap width
  PangoContext* context = nullptr;  // the text's context (pango-view's settings)
  PangoDirection base_dir;
  PangoAlignment alignment;  // the text's layout alignment
  bool auto_dir;
  PangoDirection prev_dir = PANGO_DIRECTION_LTR;  // what a neutral paragraph takes (auto_dir)
  PangoTabArray* tabs = nullptr;
  TextPlacement placement;                 // every line's place in the whole text
  std::shared_ptr<LayoutQueries> queries;  // the paragraphs' PangoLayouts, kept
  size_t start = 0;                        // of the paragraph being laid out, in the text
  std::unordered_set<FaceId> seen_faces;
  int64_t min_x = INT64_MAX, max_end = INT64_MIN;
  int64_t widest_line = 0;            // 64-bit line widths, the whole text
  int64_t paragraph_widest_line = 0;  // of the current paragraph (Pango's int limit)
  bool first = true;
};

}  // namespace detail

Result<LayoutResult> Layouter::layout(std::string_view utf8, const LayoutParams& params) {
  Impl& impl = *impl_;
  GS_TRY(validate_utf8(utf8));
  std::lock_guard<std::recursive_mutex> guard(*impl.pango_lock);
  // Every size is a distinct PangoFont (a zoom animation makes hundreds): keep the cache
  // bounded. Face ids stay stable in the registry, so a refill costs one lookup per font.
  if (impl.fonts.size() > kMaxCachedFonts) impl.clear_fonts();

  // Size: Pango's parser is lax, so check the size words ourselves first.
  std::string size_message;
  bool has_size_word = false;
  if (!check_size_words(params.font, &size_message, &has_size_word)) {
    return Status(ErrorCode::kInvalidArgument, size_message);
  }
  FontDescPtr desc(pango_font_description_from_string(params.font.c_str()));
  if ((pango_font_description_get_set_fields(desc.get()) & PANGO_FONT_MASK_SIZE) == 0) {
    if (has_size_word) {
      return Status(ErrorCode::kInvalidArgument,
                    "Pango did not read the size in \"" + params.font +
                        "\" (the size comes last, as in \"Sans Bold 22\")");
    }
    pango_font_description_set_absolute_size(desc.get(), kDefaultFontPx * PANGO_SCALE);
  }
  GS_TRY(check_pango_size(pango_font_description_get_size(desc.get()), '"' + params.font + '"'));
  if (!std::isfinite(params.wrap_width) || params.wrap_width < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "wrap width " + std::to_string(params.wrap_width) + " must be finite and >= 0");
  }
  GS_TRY(check_paragraph_style(params.paragraph));
  GS_TRY(check_rendering_style(params.rendering));
  GS_TRY(impl.check_font_available(desc.get(), params.font));

  // Embedded NULs are text: Pango would cut the string at the first one, so each U+0000 is
  // replaced by U+FFFD (drawn as the replacement glyph) and everything after it is laid out.
  std::string text;
  const bool has_nul = utf8.find('\0') != std::string_view::npos;
  if (has_nul) {
    text.reserve(utf8.size() + 16);
    for (char c : utf8) {
      if (c == '\0') {
        text += "\xEF\xBF\xBD";
      } else {
        text += c;
      }
    }
  }
  const std::string_view input = has_nul ? std::string_view(text) : utf8;
  if (input.size() > static_cast<size_t>(INT_MAX)) {
    return Status(ErrorCode::kInvalidArgument, "text longer than 2 GiB");
  }

  std::string_view plain = input;
  AttrListPtr attrs;
  CharsPtr owned_plain;
  if (params.markup) {
    char* parsed = nullptr;
    GError* error = nullptr;
    if (!pango_parse_markup(input.data(), static_cast<int>(input.size()), 0, &attrs.p, &parsed,
                            nullptr, &error)) {
      ErrorPtr owned(error);
      return Status(
          ErrorCode::kInvalidArgument,
          std::string("invalid markup: ") + (error != nullptr ? error->message : "unknown error"));
    }
    owned_plain.p = parsed;
    plain = parsed;
    GS_TRY(check_markup_sizes(attrs.get()));
    GS_TRY(check_scaled_sizes(attrs.get(), pango_font_description_get_size(desc.get())));
  }
  int width_units = -1;
  if (params.wrap_width > 0) {
    const double units = double(params.wrap_width) * PANGO_SCALE;
    if (units < INT_MAX) width_units = std::max(1, static_cast<int>(units));
  }
  CappedText capped;  // runs of more than kMaxClusterMarks marks: the excess dropped
  if (cap_mark_runs(plain, &capped)) {
    plain = capped.text;
    if (attrs.get() != nullptr) {
      AttrListPtr remapped(remapped_attributes(attrs.get(), capped.removed));
      std::swap(attrs.p, remapped.p);
    }
  }
  if (width_units > 0) {  // only wrapped paragraphs are cut into items
    impl.max_item_bytes = max_item_bytes(largest_font_px(
        attrs.get(), pango_font_description_get_size(desc.get()) / double(PANGO_SCALE),
        kMaxFontPx));
  }
  impl.keep_queries = params.keep_queries;
  impl.rendering = params.rendering;
  GS_ASSIGN_OR_RETURN(LayoutResult result, impl.lay_out_paragraphs(plain, attrs.get(), desc.get(),
                                                                   width_units, params.paragraph));
  result.marks_dropped = capped.dropped;
  return result;
}

namespace {

// pango_limits.h: the tabs of a line Pango does not wrap cost tabs x characters.
Status check_unwrapped_tabs(std::string_view text, bool single_paragraph) {
  const TabCost tabs = unwrapped_tab_cost(text, single_paragraph);
  if (tabs.cost <= kMaxUnwrappedTabCost) return Status::ok_status();
  return Status(
      ErrorCode::kInvalidArgument,
      "a paragraph of " + std::to_string(text.size()) + " bytes with " + std::to_string(tabs.tabs) +
          " tabs is refused without a wrap width: Pango places each tab of a line it "
          "does not wrap (or ellipsizes) by measuring the line before it, a time that "
          "grows with tabs x characters (here " +
          std::to_string(tabs.cost) + ", at most " + std::to_string(kMaxUnwrappedTabCost) +
          "); give a wrap width without an ellipsis, or break the line");
}

}  // namespace

// Pango's cost per line grows with the text before it (g_utf8_strlen from the start under
// pango_layout_get_extents): a 2 MB text of short paragraphs took a minute. One PangoLayout per
// paragraph keeps the cost linear, and the paragraphs land where one layout of the whole text
// puts them (text/line_placement.h): lines are stacked as Pango stacks them (spacing and line
// spacing included), a paragraph without a strong direction takes the one before it, and
// without a wrap width lines are aligned within the widest line of the whole text. Where that
// cannot be exact (needs_whole_layout: --single-par, a positive --height with an ellipsis) the
// whole text is one PangoLayout, at the cost above.
Result<LayoutResult> Layouter::Impl::lay_out_paragraphs(std::string_view plain,
                                                        PangoAttrList* attrs,
                                                        const PangoFontDescription* desc,
                                                        int width_units,
                                                        const ParagraphStyle& style) {
  LayoutResult result;
  ParagraphWalk walk(style, width_units);
  walk.result = &result;
  if (keep_queries) walk.queries = std::make_shared<LayoutQueries>(std::string(plain), pango_lock);
  walk.context = context_for(context_options(style));
  const TabsPtr tabs(make_tab_array(style));
  walk.tabs = tabs.get();
  if (walk.auto_dir) {
    // pango_layout_check_lines: a neutral paragraph takes the direction of the one before it;
    // the first ones, the text's first strong direction, else the base direction.
    walk.prev_dir = first_strong_direction(plain);
    if (walk.prev_dir == PANGO_DIRECTION_NEUTRAL) walk.prev_dir = walk.base_dir;
  }
  int64_t widest = 0;
  if (needs_whole_layout(style)) {
    GS_ASSIGN_OR_RETURN(Paragraph whole,
                        lay_out_paragraph(plain, attrs, desc, PANGO_DIRECTION_NEUTRAL, &walk));
    widest = whole.width;
  } else {
    ParagraphAttributes split(attrs);
    if (const uint64_t copies = split.copies(plain); copies > kMaxParagraphAttributeCopies) {
      return Status(ErrorCode::kInvalidArgument,
                    "markup whose attributes reach " + std::to_string(copies) +
                        " paragraph-attribute pairs is refused (at most " +
                        std::to_string(kMaxParagraphAttributeCopies) +
                        "): each paragraph is laid out with its own copy of the attributes "
                        "around it, so deeply nested tags around many lines cost their product");
    }
    Status status;
    for_each_paragraph(plain, [&](size_t start, size_t length) {
      if (!status.ok()) return;
      AttrListPtr list(split.take(start, length));
      walk.start = start;
      PangoDirection forced = PANGO_DIRECTION_NEUTRAL;  // the paragraph's layout finds it
      if (walk.auto_dir) {
        const PangoDirection own = first_strong_direction(plain.substr(start, length));
        if (own != PANGO_DIRECTION_NEUTRAL) {
          walk.prev_dir = own;
        } else if (walk.prev_dir != walk.base_dir) {
          forced = walk.prev_dir;  // alone, it would take the base direction
        }
      }
      auto paragraph =
          lay_out_paragraph(plain.substr(start, length), list.get(), desc, forced, &walk);
      if (!paragraph.ok()) {
        status = paragraph.status();
        return;
      }
      widest = std::max(widest, paragraph.value().width);
    });
    GS_TRY(status);
  }
  if (width_units < 0 && widest <= INT_MAX) {
    align_to_widest(walk.placement.lines(), style.indent != 0 ? pango_units(style.indent) : 0,
                    int(widest), &result);
  }
  const int64_t min_x = walk.min_x == INT64_MAX ? 0 : std::min<int64_t>(0, walk.min_x);
  // Without a wrap width Pango's width is the widest line's; with one, the lines' reach from
  // the left edge. Pango's own width is wrong once it overflows; the 64-bit line ends are not.
  const int64_t width = width_units < 0 ? std::max(widest, walk.widest_line) : walk.max_end - min_x;
  result.width = static_cast<float>(std::max<double>(0, double(width)) / double(PANGO_SCALE));
  result.height = static_cast<float>(walk.placement.bottom() / double(PANGO_SCALE));
  walk.placement.write_offsets(&result);
  for (ShapedGlyph& g : result.glyphs) {
    if (g.angle_bin != 0) g.ink = rotate_ink(g.ink, angle_degrees(g.angle_bin));
  }
  if (style.rotate != 0) {
    // pango-view's canvas: the logical box (right edge, bottom, at least the layout's width and
    // height) turned by pango-view's matrix; the layout is drawn from its top-left corner.
    const int64_t right = width_units < 0 ? width : walk.max_end;
    const int height_units = style.height > 0   ? pango_units(style.height)
                             : style.height < 0 ? static_cast<int>(style.height)
                                                : -1;
    PangoMatrix m = PANGO_MATRIX_INIT;
    pango_matrix_rotate(&m, double(style.rotate));
    rotate_result(&result, style.rotate,
                  rotated_canvas(m, right, width_units, walk.placement.bottom(), height_units));
  }
  if (walk.queries) {
    std::vector<LayoutQueries::LineOffset> offsets;
    for (const PlacedLine& line : *walk.placement.lines()) offsets.push_back({line.dx, line.dy});
    walk.queries->set_line_offsets(std::move(offsets));
    result.queries = std::move(walk.queries);
  }
  return result;
}

Result<Layouter::Impl::Paragraph> Layouter::Impl::lay_out_paragraph(
    std::string_view text, PangoAttrList* attrs, const PangoFontDescription* desc,
    PangoDirection forced_dir, ParagraphWalk* walk) {
  if (walk->width_units < 0 || walk->style.ellipsize != EllipsizeMode::kNone) {
    GS_TRY(check_unwrapped_tabs(text, walk->style.single_par));
  }
  PangoContext* paragraph_context = walk->context;
  if (forced_dir != PANGO_DIRECTION_NEUTRAL) {
    ContextOptions forced = context_options(walk->style);
    forced.base_dir = forced_dir;
    paragraph_context = context_for(forced);
  }
  LayoutPtr layout(pango_layout_new(paragraph_context));
  PangoLayout* pl = static_cast<PangoLayout*>(layout.get());
  pango_layout_set_font_description(pl, desc);
  pango_layout_set_text(pl, text.data(), static_cast<int>(text.size()));
  // Where Pango breaks inside a word it shapes a hyphen into the line's last run (and counts
  // its width when choosing the break), as pango-view draws it: kept.
  apply_layout_options(pl, walk->style, walk->width_units, walk->tabs);
  if (forced_dir != PANGO_DIRECTION_NEUTRAL) {
    // The direction the whole text's layout gives this paragraph: its context's base direction
    // without auto_dir, and the alignment that layout gives a line of that direction.
    pango_layout_set_auto_dir(pl, FALSE);
    pango_layout_set_alignment(pl,
                               line_alignment(walk->alignment, true, walk->base_dir, forced_dir));
  }
  pango_layout_set_attributes(pl, attrs);
  if (walk->width_units > 0) {
    if (AttrListPtr split(split_long_items(text, max_item_bytes, attrs)); split.get() != nullptr) {
      pango_layout_set_attributes(pl, split.get());
    }
  } else if (AttrListPtr split(split_long_thai_runs(text, kMaxThaiRunBytes, attrs));
             split.get() != nullptr) {
    pango_layout_set_attributes(pl, split.get());
  }

  LayoutResult& result = *walk->result;
  PangoRectangle logical;
  pango_layout_get_extents(pl, nullptr, &logical);
  const int lines = pango_layout_get_line_count(pl);
  if (walk->first) {
    walk->first = false;
    result.baseline = pango_layout_get_baseline(pl) / float(PANGO_SCALE);
    if (PangoLayoutLine* first = pango_layout_get_line_readonly(pl, 0)) {
      PangoRectangle line_logical;
      pango_layout_line_get_extents(first, nullptr, &line_logical);
      result.line_height = line_logical.height / float(PANGO_SCALE);
    }
  }
  result.line_count += lines;
  walk->min_x = std::min<int64_t>(walk->min_x, logical.x);
  Paragraph paragraph;
  paragraph.width = logical.width;
  walk->paragraph_widest_line = 0;
  GS_TRY(walk_runs(pl, logical.width, walk));
  if (walk->width_units > 0 && walk->paragraph_widest_line > INT_MAX) {
    return Status(ErrorCode::kInvalidArgument,
                  "a paragraph of " + std::to_string(text.size()) +
                      " bytes could not be wrapped: one of its lines is wider than Pango can "
                      "measure (2^31 Pango units, about 2 million px)");
  }
  if (walk->queries) walk->queries->add_paragraph(pl, walk->start);
  return paragraph;
}

// Markup scales (<big>, <small>, <sub> nested, size="larger") multiply sizes past any single
// attribute's check: 100 nested <big> overflow Pango's int sizes, and its line metrics with
// them. A size that rounds to 0 px would draw nothing. Both are refused for the whole text.
Status Layouter::Impl::check_run_sizes(PangoLayoutLine* line) {
  for (GSList* r = line->runs; r != nullptr; r = r->next) {
    const auto* run = static_cast<const PangoLayoutRun*>(r->data);
    if (run->item->analysis.font == nullptr) continue;
    const FontInfo& info = font_info(run->item->analysis.font);
    if (!info.valid && !info.zero_size) continue;
    if (!info.zero_size && info.size_26_6 != 0 && info.size_26_6 <= uint32_t(kMaxFontPx * 64)) {
      continue;
    }
    return Status(ErrorCode::kInvalidArgument,
                  "font size " +
                      (info.size_26_6 == 0 ? std::string("below 1/64")
                                           : std::to_string(info.size_26_6 / 64)) +
                      " px (the font description's size with markup scales) is out of range "
                      "(must be > 0 and <= 4096 px)");
  }
  return Status::ok_status();
}

// Before Pango's line metrics are used: an out-of-range size made them garbage, and so does a
// paragraph taller than Pango's int y (130k letters at 64 px in a 256 px column wrap it around).
Status Layouter::Impl::check_line(PangoLayoutLine* line, const PangoRectangle& logical,
                                  int64_t* previous_y) {
  GS_TRY(check_run_sizes(line));
  // A negative --spacing moves a line up by at most 1e6 px, less than 2^30 units.
  if (*previous_y - logical.y > (int64_t(1) << 30) ||
      int64_t(logical.y) + logical.height > INT_MAX) {
    return Status(ErrorCode::kInvalidArgument,
                  "a paragraph is taller than Pango can measure (2^31 Pango units, about 2 "
                  "million px): wrap it wider or split it into paragraphs");
  }
  *previous_y = logical.y;
  return Status::ok_status();
}

// Appends the glyphs of every run of `pl` (a layout `layout_width` wide), each line placed
// where the whole text's layout puts it.
Status Layouter::Impl::walk_runs(PangoLayout* pl, int layout_width, ParagraphWalk* walk) {
  LayoutResult& result = *walk->result;
  // Pango positions are int in 1/1024 px, which overflows past ~2 million px (a 1 MB line).
  // The pen is therefore tracked here in 64 bits per line, the way Pango's own renderer walks
  // runs: from the line's left edge, start_x_offset, glyph widths, end_x_offset.
  int64_t pen = 0, line_start = 0, dy = 0;
  PangoLayoutLine* current_line = nullptr;
  int64_t previous_line_y = INT_MIN;  // as int64: no difference below can overflow
  IterPtr iter(pango_layout_get_iter(pl));
  do {
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter.get());
    if (line != current_line) {
      current_line = line;
      PangoRectangle line_logical;
      pango_layout_iter_get_line_extents(iter.get(), nullptr, &line_logical);
      pen = line_start = line_logical.x;
      GS_TRY(check_line(line, line_logical, &previous_line_y));
      dy = walk->placement.begin_line(iter.get(), layout_width, result.glyphs.size());
    }
    PangoLayoutRun* run = pango_layout_iter_get_run_readonly(iter.get());
    if (run == nullptr) continue;  // end of a line
    pen += run->start_x_offset;
    const int64_t run_start = pen;
    PangoGlyphString* glyphs = run->glyphs;
    for (int i = 0; i < glyphs->num_glyphs; ++i) pen += glyphs->glyphs[i].geometry.width;
    pen += run->end_x_offset;
    walk->max_end = std::max(walk->max_end, pen);
    walk->widest_line = std::max(walk->widest_line, pen - line_start);
    walk->paragraph_widest_line = std::max(walk->paragraph_widest_line, pen - line_start);

    PangoFont* font = run->item->analysis.font;
    if (font == nullptr) {
      if (glyphs->num_glyphs == 0) continue;
      return Status(ErrorCode::kFontNotFound, "no usable font for part of the text");
    }
    const FontInfo& info = font_info(font);
    if (!info.valid) continue;  // sizes were checked when the line began
    // --rotate and the run's gravity (vertical CJK: east) turn its rasters.
    const uint16_t angle =
        angle_bin(double(walk->style.rotate) +
                  gravity_degrees(static_cast<PangoGravity>(run->item->analysis.gravity)));
    // The run's baseline includes rise / baseline shift.
    const int64_t baseline = dy + pango_layout_iter_get_run_baseline(iter.get());

    uint32_t color = 0;
    bool has_color = false, has_alpha = false;
    uint16_t alpha = 0xFFFF;
    for (GSList* a = run->item->analysis.extra_attrs; a != nullptr; a = a->next) {
      auto* attr = static_cast<PangoAttribute*>(a->data);
      if (attr->klass->type == PANGO_ATTR_FOREGROUND) {
        const PangoColor& c = reinterpret_cast<PangoAttrColor*>(attr)->color;
        color = (uint32_t(c.red >> 8) << 24) | (uint32_t(c.green >> 8) << 16) |
                (uint32_t(c.blue >> 8) << 8);
        has_color = true;
      } else if (attr->klass->type == PANGO_ATTR_FOREGROUND_ALPHA) {
        alpha = static_cast<uint16_t>(reinterpret_cast<PangoAttrInt*>(attr)->value);
        has_alpha = true;
      }
    }
    color |= uint32_t(alpha >> 8);

    // Glyphs are in visual order, left to right, also in RTL runs.
    int64_t x = run_start;
    const uint16_t render = render_word_of(rendering, info.hinting, info.is_color);
    const bool whole_pixel = lands_on_whole_pixel(rendering, render);
    for (int i = 0; i < glyphs->num_glyphs; ++i) {
      const PangoGlyphInfo& g = glyphs->glyphs[i];
      const int64_t gx = x + g.geometry.x_offset;
      x += g.geometry.width;
      if (g.glyph == PANGO_GLYPH_EMPTY) continue;
      ShapedGlyph sg;
      sg.face = info.face;
      sg.glyph_id = g.glyph;
      sg.size_26_6 = info.size_26_6;
      sg.x = static_cast<float>(gx / double(PANGO_SCALE));
      sg.y = static_cast<float>((baseline + g.geometry.y_offset) / double(PANGO_SCALE));
      sg.color_rgba = color;
      sg.has_color = has_color;
      sg.has_alpha = has_alpha;
      sg.is_color_font = info.is_color;
      sg.ink = info.ink;
      sg.angle_bin = angle;
      sg.render = render;
      sg.whole_pixel = whole_pixel;
      const size_t first_new = result.glyphs.size();
      if (!(g.glyph & PANGO_GLYPH_UNKNOWN_FLAG) || !append_hex_box(font, g, sg, &result.glyphs)) {
        sg.glyph_id = (g.glyph & PANGO_GLYPH_UNKNOWN_FLAG) ? 0 : g.glyph;  // .notdef stands in
        result.glyphs.push_back(sg);
      }
      for (size_t k = first_new; k < result.glyphs.size(); ++k) {
        const FaceId face = result.glyphs[k].face;
        if (walk->seen_faces.insert(face).second) result.faces_used.push_back(face);
      }
    }
  } while (pango_layout_iter_next_run(iter.get()));
  walk->placement.end_paragraph(pl, result.glyphs.size(), &result.decorations);
  return Status::ok_status();
}

}  // namespace glyphstream::text
