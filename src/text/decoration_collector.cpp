#include "text/decoration_collector.h"

namespace glyphstream::text {
namespace {

// A PangoRenderer subclass: Pango's draw_layout walks the lines and runs, works out every
// underline, overline, strikethrough and background from the font metrics and the attributes,
// and calls these hooks in the order its cairo renderer draws.
struct CollectingRenderer {
  PangoRenderer parent;
  std::vector<Decoration>* out;
};
struct CollectingRendererClass {
  PangoRendererClass parent_class;
};

GType collecting_renderer_get_type();

CollectingRenderer* as_collector(PangoRenderer* r) {
  return reinterpret_cast<CollectingRenderer*>(r);
}

float px(int pango_units) { return float(pango_units) / float(PANGO_SCALE); }

// The part's colour and alpha as Pango's renderer resolved them (unset underline/overline/
// strikethrough colours fall back to the run's foreground, their alpha to fgalpha); what is
// unset comes from the style colour when drawn (text/markup_color.h).
void set_color(PangoRenderer* r, PangoRenderPart part, Decoration* d) {
  if (const PangoColor* c = pango_renderer_get_color(r, part)) {
    d->color_rgba = (uint32_t(c->red >> 8) << 24) | (uint32_t(c->green >> 8) << 16) |
                    (uint32_t(c->blue >> 8) << 8) | 0xffu;  // opaque unless alpha is set
    d->has_color = true;
  }
  if (const uint16_t alpha = pango_renderer_get_alpha(r, part); alpha != 0) {  // 0: not set
    d->color_rgba = (d->color_rgba & 0xffffff00u) | uint32_t(alpha >> 8);
    d->has_alpha = true;
  }
}

void record(PangoRenderer* r, PangoRenderPart part, DecorationKind kind, int x, int y, int w,
            int h) {
  if (w <= 0 || h <= 0) return;
  Decoration d;
  d.kind = kind;
  d.layer = kind == DecorationKind::kBackground ? DecorationLayer::kBelowGlyphs
                                                : DecorationLayer::kAboveGlyphs;
  d.x = px(x), d.y = px(y), d.w = px(w), d.h = px(h);
  set_color(r, part, &d);
  as_collector(r)->out->push_back(d);
}

void draw_rectangle(PangoRenderer* r, PangoRenderPart part, int x, int y, int w, int h) {
  record(r, part,
         part == PANGO_RENDER_PART_BACKGROUND ? DecorationKind::kBackground
                                              : DecorationKind::kSolidLine,
         x, y, w, h);
}

void draw_error_underline(PangoRenderer* r, int x, int y, int w, int h) {
  record(r, PANGO_RENDER_PART_UNDERLINE, DecorationKind::kErrorSquiggle, x, y, w, h);
}

// Glyphs, shapes and trapezoids are not decorations: layout.cpp takes the glyphs itself.
void ignore_glyphs(PangoRenderer*, PangoFont*, PangoGlyphString*, int, int) {}
void ignore_shape(PangoRenderer*, PangoAttrShape*, int, int) {}
void ignore_trapezoid(PangoRenderer*, PangoRenderPart, double, double, double, double, double,
                      double) {}

void collecting_renderer_class_init(CollectingRendererClass* klass) {
  PangoRendererClass* base = PANGO_RENDERER_CLASS(klass);
  base->draw_glyphs = ignore_glyphs;
  base->draw_rectangle = draw_rectangle;
  base->draw_error_underline = draw_error_underline;
  base->draw_shape = ignore_shape;
  base->draw_trapezoid = ignore_trapezoid;
}

void collecting_renderer_init(CollectingRenderer* self) { self->out = nullptr; }

GType collecting_renderer_get_type() {
  static const GType type = [] {
    GTypeInfo info{};
    info.class_size = sizeof(CollectingRendererClass);
    info.class_init = [](gpointer klass, gpointer) {
      collecting_renderer_class_init(static_cast<CollectingRendererClass*>(klass));
    };
    info.instance_size = sizeof(CollectingRenderer);
    info.instance_init = [](GTypeInstance* instance, gpointer) {
      collecting_renderer_init(reinterpret_cast<CollectingRenderer*>(instance));
    };
    return g_type_register_static(PANGO_TYPE_RENDERER, "GlyphstreamDecorationCollector", &info,
                                  GTypeFlags(0));
  }();
  return type;
}

bool is_decoration(PangoAttrType type) {
  switch (type) {
    case PANGO_ATTR_UNDERLINE:
    case PANGO_ATTR_STRIKETHROUGH:
    case PANGO_ATTR_OVERLINE:
    case PANGO_ATTR_BACKGROUND:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool has_decorations(PangoLayout* layout) {
  PangoAttrList* attrs = pango_layout_get_attributes(layout);
  if (attrs == nullptr) return false;
  GSList* list = pango_attr_list_get_attributes(attrs);
  bool found = false;
  for (GSList* a = list; a != nullptr && !found; a = a->next) {
    found = is_decoration(static_cast<PangoAttribute*>(a->data)->klass->type);
  }
  g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(pango_attribute_destroy));
  return found;
}

void collect_decorations(PangoLayout* layout, std::vector<Decoration>* out,
                         std::vector<size_t>* line_ends) {
  auto* renderer =
      static_cast<CollectingRenderer*>(g_object_new(collecting_renderer_get_type(), nullptr));
  renderer->out = out;
  PangoRenderer* base = &renderer->parent;
  // pango_renderer_draw_layout's own loop, so that each line's share is known.
  pango_renderer_set_matrix(base, pango_context_get_matrix(pango_layout_get_context(layout)));
  pango_renderer_activate(base);
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    pango_renderer_draw_layout_line(base, pango_layout_iter_get_line_readonly(iter), logical.x,
                                    pango_layout_iter_get_baseline(iter));
    if (line_ends != nullptr) line_ends->push_back(out->size());
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  pango_renderer_deactivate(base);
  g_object_unref(renderer);
}

}  // namespace glyphstream::text
