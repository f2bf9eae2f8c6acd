// Granular balls (GBOC; SPEC 1.2), bit-identical to the NumPy reference
// (tsad_fast/kernels/_numpy/granular.py): coarse k-means, then 2-means splits decided by the
// distribution measure, then pruning by radius. The k-means come from kmeans.hpp (same streams,
// same summation orders); the translation unit is compiled with -ffp-contract=off.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tsad_fast/interrupt.hpp"
#include "tsad_fast/kmeans.hpp"
#include "tsad_fast/points.hpp"
#include "tsad_fast/rng.hpp"

namespace tsad_fast {
namespace granular {

using kmeans::all_rows;
using kmeans::gather;
using kmeans::gather_points;
using kmeans::Points;
using kmeans::sq_dist;

struct Stats {
  std::vector<double> center;
  double radius = 0.0, dm = 0.0;
};

inline Stats ball_stats(const Points& p) {
  Stats s;
  s.center.assign(p.d, 0.0);
  for (std::size_t j = 0; j < p.d; ++j) {
    const double* col = p.x.data() + j * p.n;
    double acc = 0.0;
    for (std::size_t i = 0; i < p.n; ++i) acc += col[i];
    s.center[j] = acc / static_cast<double>(p.n);
  }
  std::vector<double> dist(p.n);
  sq_dist(p, s.center.data(), 0, p.n, dist.data());
  double total = 0.0;
  for (std::size_t i = 0; i < p.n; ++i) {
    const double r = std::sqrt(dist[i]);
    s.radius = std::max(s.radius, r);
    total += r;
  }
  s.dm = total / static_cast<double>(p.n);
  return s;
}

// The points of p whose label is `which`, in index order.
inline Points subset(const Points& p, const std::vector<std::int64_t>& labels, std::int64_t which) {
  std::vector<std::int64_t> rows;
  for (std::size_t i = 0; i < p.n; ++i)
    if (labels[i] == which) rows.push_back(static_cast<std::int64_t>(i));
  return gather_points(p, rows);
}

struct Ball {
  std::vector<std::int64_t> members;  // ascending point indices
  std::uint64_t id = 0;
  bool final = false;
};

struct Result {
  std::vector<double> centers, radii;
  std::vector<std::int64_t> sizes, labels;
  std::size_t n_before = 0;
};

// Z row-major (n x d), n >= 1. See the reference for the construction.
inline Result build(const double* Z, std::size_t n, std::size_t d, std::size_t min_support,
                    double prune_kappa, std::uint64_t seed, double coarse_tol,
                    Stop& stop = no_stop()) {
  const Points points = gather(Z, d, all_rows(n));
  std::size_t k0 = static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  while (k0 * k0 > n) --k0;
  while ((k0 + 1) * (k0 + 1) <= n) ++k0;
  const std::vector<std::int64_t> coarse = kmeans::fit(points, std::max<std::size_t>(k0, 1), SplitMix64(seed, 0), coarse_tol, stop);
  if (stop.requested()) return Result{};  // interrupted
  std::vector<Ball> balls(std::max<std::size_t>(k0, 1));
  for (std::size_t i = 0; i < n; ++i) balls[coarse[i]].members.push_back(static_cast<std::int64_t>(i));
  balls.erase(std::remove_if(balls.begin(), balls.end(), [](const Ball& b) { return b.members.empty(); }),
              balls.end());
  for (std::size_t b = 0; b < balls.size(); ++b) balls[b].id = b + 1;
  std::uint64_t next_id = balls.size() + 1;
  bool changed = true;
  while (changed) {
    if (stop.poll()) return Result{};
    changed = false;
    // every ball's split is independent: decide them in parallel, assemble in order
    std::vector<std::vector<std::int64_t>> split_labels(balls.size());
    const std::int64_t nb = static_cast<std::int64_t>(balls.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < nb; ++b) {
      const Ball& ball = balls[b];
      if (ball.final || ball.members.size() < 2 * min_support || stop.poll()) continue;
      const Points p = gather(Z, d, ball.members);
      std::vector<std::int64_t> labels = kmeans::fit(p, 2, SplitMix64(seed, ball.id), 0.0, stop);
      std::size_t size1 = 0;
      for (auto v : labels) size1 += static_cast<std::size_t>(v);
      const std::size_t size0 = p.n - size1;
      if (std::min(size0, size1) < min_support) continue;
      const double parent = ball_stats(p).dm;
      const double weighted = (static_cast<double>(size0) * ball_stats(subset(p, labels, 0)).dm +
                               static_cast<double>(size1) * ball_stats(subset(p, labels, 1)).dm) /
                              static_cast<double>(p.n);
      if (weighted < parent) split_labels[b] = std::move(labels);
    }
    std::vector<Ball> next;
    next.reserve(balls.size() * 2);
    for (std::size_t b = 0; b < balls.size(); ++b) {
      if (split_labels[b].empty()) {
        balls[b].final = true;
        next.push_back(std::move(balls[b]));
        continue;
      }
      changed = true;
      Ball children[2];
      for (std::size_t t = 0; t < balls[b].members.size(); ++t)
        children[split_labels[b][t]].members.push_back(balls[b].members[t]);
      for (auto& child : children) {
        child.id = next_id++;
        next.push_back(std::move(child));
      }
    }
    balls.swap(next);
  }
  if (stop.requested()) return Result{};
  Result r;
  r.n_before = balls.size();
  std::vector<Stats> stats(balls.size());
  const std::int64_t nb = static_cast<std::int64_t>(balls.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (std::int64_t b = 0; b < nb; ++b) stats[b] = ball_stats(gather(Z, d, balls[b].members));
  double total = 0.0;
  for (const auto& s : stats) total += s.radius;
  const double mean_r = total / static_cast<double>(stats.size());
  total = 0.0;
  for (const auto& s : stats) total += (s.radius - mean_r) * (s.radius - mean_r);
  const double limit = mean_r + prune_kappa * std::sqrt(total / static_cast<double>(stats.size()));
  r.labels.assign(n, -1);
  for (std::size_t b = 0; b < balls.size(); ++b) {
    if (!(stats[b].radius <= limit)) continue;
    const auto index = static_cast<std::int64_t>(r.sizes.size());
    for (auto i : balls[b].members) r.labels[i] = index;
    r.centers.insert(r.centers.end(), stats[b].center.begin(), stats[b].center.end());
    r.radii.push_back(stats[b].radius);
    r.sizes.push_back(static_cast<std::int64_t>(balls[b].members.size()));
  }
  return r;
}

}  // namespace granular
}  // namespace tsad_fast
