#include "atlas/dirty_tracker.h"

#include <algorithm>

namespace glyphstream::atlas {
namespace {

Rect unite(const Rect& a, const Rect& b) {
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  const int x1 = std::max(a.right(), b.right()), y1 = std::max(a.bottom(), b.bottom());
  return Rect{x0, y0, x1 - x0, y1 - y0};
}

double area(const Rect& r) { return double(r.w) * double(r.h); }

// Merges runs of vertically touching rects whose union wastes little.
std::vector<Rect> merge_adjacent(const std::vector<Rect>& rects) {
  std::vector<Rect> out;
  std::vector<double> useful;  // pixels of the original rects inside each merged one
  for (const Rect& r : rects) {
    if (!out.empty() && r.y <= out.back().bottom()) {
      const Rect u = unite(out.back(), r);
      if (area(u) <= kDirtyMergeSlack * (useful.back() + area(r))) {
        out.back() = u;
        useful.back() += area(r);
        continue;
      }
    }
    out.push_back(r);
    useful.push_back(area(r));
  }
  return out;
}

}  // namespace

std::vector<Rect> coalesce_dirty_rects(std::vector<Rect> rects) {
  std::sort(rects.begin(), rects.end(), [](const Rect& a, const Rect& b) { return a.y < b.y; });
  // One copy for the whole page's dirty area when its bounding box wastes little: a burst of
  // new glyphs then moves in a single large transfer (each copy has a fixed cost in the driver).
  if (rects.size() > 1) {
    Rect box = rects.front();
    double sum = 0;
    for (const Rect& r : rects) box = unite(box, r), sum += area(r);
    if (area(box) <= kDirtyMergeSlack * sum) return {box};
  }
  std::vector<Rect> out = merge_adjacent(rects);
  while (out.size() > kMaxDirtyRectsPerPage) {
    size_t best = 0;
    double best_cost = 1e300;
    for (size_t i = 0; i + 1 < out.size(); ++i) {
      const double cost = area(unite(out[i], out[i + 1])) - area(out[i]) - area(out[i + 1]);
      if (cost < best_cost) best_cost = cost, best = i;
    }
    out[best] = unite(out[best], out[best + 1]);
    out.erase(out.begin() + long(best) + 1);
  }
  return out;
}

void DirtyTracker::mark(uint32_t page, uint32_t shelf, int x0, int y0, int x1, int y1) {
  while (boxes_.size() <= shelf) boxes_.emplace_back();
  Box& b = boxes_[shelf];
  if (!b.dirty) {
    b = Box{true, page, x0, y0, x1, y1};
    pages_[page].push_back(shelf);
    ++dirty_shelves_;
  } else {
    b.x0 = std::min(b.x0, x0), b.y0 = std::min(b.y0, y0);
    b.x1 = std::max(b.x1, x1), b.y1 = std::max(b.y1, y1);
  }
}

void DirtyTracker::drop(uint32_t shelf) {
  if (shelf >= boxes_.size() || !boxes_[shelf].dirty) return;
  std::vector<uint32_t>& list = pages_[boxes_[shelf].page];
  list.erase(std::find(list.begin(), list.end(), shelf));
  boxes_[shelf].dirty = false;
  --dirty_shelves_;
}

void DirtyTracker::clip(uint32_t shelf, int x1) {
  if (shelf >= boxes_.size() || !boxes_[shelf].dirty) return;
  Box& b = boxes_[shelf];
  if (b.x0 >= x1) {
    drop(shelf);
    return;
  }
  b.x1 = std::min(b.x1, x1);
}

void DirtyTracker::clear_page(uint32_t page) {
  for (uint32_t s : pages_[page]) boxes_[s].dirty = false;
  dirty_shelves_ -= pages_[page].size();
  pages_[page].clear();
}

std::vector<Rect> DirtyTracker::take(uint32_t page) {
  std::vector<Rect> rects;
  rects.reserve(pages_[page].size());
  for (uint32_t s : pages_[page]) {
    Box& b = boxes_[s];
    rects.push_back(Rect{b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0});
    b.dirty = false;
  }
  dirty_shelves_ -= pages_[page].size();
  pages_[page].clear();
  return coalesce_dirty_rects(std::move(rects));
}

}  // namespace glyphstream::atlas
