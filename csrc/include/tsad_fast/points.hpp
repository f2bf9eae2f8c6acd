// Point sets kept dimension-major (d x n), so loops over points vectorise without reordering
// any sum, and the canonical squared distance: the terms (x_j - c_j)^2 rounded one by one and
// summed over j in order (distance::add_sq_diff), the same bits on every backend (distance.hpp
// stops a build that may fuse multiply-adds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tsad_fast/common.hpp"
#include "tsad_fast/distance.hpp"

namespace tsad_fast {
namespace kmeans {

// Points of one set, dimension-major: x[j * n + i] is coordinate j of point i.
struct Points {
  std::size_t n = 0, d = 0;
  std::vector<double> x;
  double at(std::size_t i, std::size_t j) const { return x[j * n + i]; }
};

inline Points gather(const double* Z, std::size_t d, const std::vector<std::int64_t>& rows) {
  Points p;
  p.n = rows.size();
  p.d = d;
  p.x.resize(p.n * d);
  for (std::size_t i = 0; i < p.n; ++i)
    for (std::size_t j = 0; j < d; ++j) p.x[j * p.n + i] = Z[rows[i] * d + j];
  return p;
}

inline std::vector<std::int64_t> all_rows(std::size_t n) {
  std::vector<std::int64_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<std::int64_t>(i);
  return rows;
}

// The listed points of p as a dimension-major set of their own.
inline Points gather_points(const Points& p, const std::vector<std::int64_t>& rows) {
  Points out;
  out.n = rows.size();
  out.d = p.d;
  out.x.resize(out.n * p.d);
  for (std::size_t j = 0; j < p.d; ++j)
    for (std::size_t t = 0; t < out.n; ++t) out.x[j * out.n + t] = p.at(rows[t], j);
  return out;
}

// out[i] = squared distance of points [begin, end) to c, summed over j in order.
TSAD_CPU_CLONES
inline void sq_dist(const Points& p, const double* c, std::size_t begin, std::size_t end,
                    double* out) {
  const std::size_t len = end - begin;
  for (std::size_t i = 0; i < len; ++i) out[i] = 0.0;
  for (std::size_t j = 0; j < p.d; ++j) {
    const double* col = p.x.data() + j * p.n + begin;
    const double cj = c[j];
    for (std::size_t i = 0; i < len; ++i) out[i] = distance::add_sq_diff(out[i], col[i], cj);
  }
}


// Canonical squared distance of point i to c (the same sum, in the same order, as sq_dist).
inline double sq_point(const Points& p, std::size_t i, const double* c) {
  double acc = 0.0;
  for (std::size_t j = 0; j < p.d; ++j) acc = distance::add_sq_diff(acc, p.at(i, j), c[j]);
  return acc;
}

}  // namespace kmeans
}  // namespace tsad_fast
