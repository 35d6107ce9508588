#include "pipeline/text_layout.h"

#include <utility>

namespace glyphstream {
namespace pipeline {

TextLayout make_text_layout(std::shared_ptr<CachedLayout> layout, const Color& color,
                            const LayoutCache& cache) {
  auto impl = std::make_shared<TextLayout::Impl>();
  impl->layout = std::move(layout);
  impl->color = color.to_rgba8();
  impl->maker = cache.id();
  return TextLayout(std::move(impl));
}

Result<const TextLayout::Impl*> layout_to_draw(const TextLayout& layout, const LayoutCache& cache) {
  if (layout.empty()) return static_cast<const TextLayout::Impl*>(nullptr);
  if (layout.impl()->maker != cache.id()) {
    return Status(ErrorCode::kInvalidArgument,
                  "draw_layout: the layout was made by another TextSystem (lay the text out "
                  "with this one)");
  }
  return layout.impl().get();
}

}  // namespace pipeline

namespace {
const text::LayoutQueries* queries(const std::shared_ptr<const TextLayout::Impl>& impl) {
  return impl ? impl->layout->queries.get() : nullptr;
}
}  // namespace

std::string_view TextLayout::text() const {
  const text::LayoutQueries* q = queries(impl_);
  return q ? q->text() : std::string_view();
}

TextMetrics TextLayout::metrics() const {
  TextMetrics m;
  if (!impl_) return m;
  const pipeline::CachedLayout& l = *impl_->layout;
  m.width = l.width;
  m.height = l.height;
  m.line_height = l.line_height;
  m.baseline = l.baseline;
  m.lines = l.line_count;
  return m;
}

PointF TextLayout::to_drawn(PointF p) const {
  if (!impl_) return p;
  const double* m = impl_->layout->matrix;
  return {float(m[0] * p.x + m[1] * p.y + m[4]), float(m[2] * p.x + m[3] * p.y + m[5])};
}

PointF TextLayout::from_drawn(PointF p) const {
  if (!impl_) return p;
  const double* m = impl_->layout->matrix;
  const double det = m[0] * m[3] - m[1] * m[2];  // a rotation: 1
  if (det == 0) return p;
  const double x = p.x - m[4], y = p.y - m[5];
  return {float((m[3] * x - m[1] * y) / det), float((m[0] * y - m[2] * x) / det)};
}

std::vector<LayoutLine> TextLayout::lines() const {
  const text::LayoutQueries* q = queries(impl_);
  return q ? q->lines() : std::vector<LayoutLine>();
}

HitTest TextLayout::hit_test(float x, float y) const {
  const text::LayoutQueries* q = queries(impl_);
  return q ? q->hit_test(x, y) : HitTest();
}

Caret TextLayout::caret(size_t index) const {
  const text::LayoutQueries* q = queries(impl_);
  return q ? q->caret(index) : Caret();
}

std::vector<RectF> TextLayout::selection_rects(size_t start, size_t end) const {
  const text::LayoutQueries* q = queries(impl_);
  return q ? q->selection_rects(start, end) : std::vector<RectF>();
}

CursorMove TextLayout::move_cursor_visually(size_t index, int direction, bool strong) const {
  const text::LayoutQueries* q = queries(impl_);
  if (q) return q->move_cursor_visually(index, direction, strong);
  CursorMove move;  // an empty text: every move leaves it
  move.off_start = direction < 0;
  move.off_end = direction >= 0;
  return move;
}

std::string TextLayout::font_at(size_t index) const {
  const text::LayoutQueries* q = queries(impl_);
  return q ? q->font_at(index) : std::string();
}

}  // namespace glyphstream
