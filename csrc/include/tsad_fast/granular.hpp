// Granular balls (GBOC: our reading of the paper's rule, and the authors' code), bit-identical
// to the NumPy reference (tsad_fast/kernels/_numpy/granular.py): coarse k-means, then 2-means
// splits decided by the distribution measure and pruning by radius (Rule::dm, the paper's
// Definitions 2-3 and eq. 5), or splits decided by density and a cleaning of small and wide
// balls (Rule::density, the GBOC authors' construction). The k-means come from kmeans.hpp (same
// streams, same summation orders, unfused).
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
  double radius = 0.0, dm = 0.0, sum = 0.0;  // sum: of the distances to the center
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
  s.sum = total;
  s.dm = total / static_cast<double>(p.n);
  return s;
}

// The authors' ball density n / S (n when S = 0).
inline double density(std::size_t n, double sum) {
  return sum != 0.0 ? static_cast<double>(n) / sum : static_cast<double>(n);
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

enum class Rule { dm, density };

struct Params {
  Rule rule = Rule::dm;
  std::size_t min_support = 8, split_size = 20;
  double prune_kappa = 2.0, radius_factor = 2.0;
  std::uint64_t seed = 0;
};

enum class Pass { split_dm, split_density, clean };

// What a pass decides for one ball: final (empty labels), dropped, or split (2-means labels).
struct Decision {
  std::vector<std::int64_t> labels;
  bool dropped = false;
};

inline Decision decide(const double* Z, std::size_t d, const Ball& ball, Pass pass,
                       const Params& prm, double limit, Stop& stop) {
  Decision out;
  const std::size_t size = ball.members.size();
  if (pass == Pass::clean) {
    if (size <= prm.min_support) {
      out.dropped = true;
      return out;
    }
    if (!(ball_stats(gather(Z, d, ball.members)).radius > limit)) return out;
  } else if (size < (pass == Pass::split_dm ? 2 * prm.min_support : prm.split_size)) {
    return out;
  }
  const Points p = gather(Z, d, ball.members);
  std::vector<std::int64_t> labels = kmeans::fit(p, 2, SplitMix64(prm.seed, ball.id), 0.0, stop);
  std::size_t size1 = 0;
  for (auto v : labels) size1 += static_cast<std::size_t>(v);
  const std::size_t size0 = p.n - size1;
  if (pass == Pass::split_dm) {
    if (std::min(size0, size1) < prm.min_support) return out;
    const double parent = ball_stats(p).dm;
    const double weighted = (static_cast<double>(size0) * ball_stats(subset(p, labels, 0)).dm +
                             static_cast<double>(size1) * ball_stats(subset(p, labels, 1)).dm) /
                            static_cast<double>(p.n);
    if (weighted < parent) out.labels = std::move(labels);
    return out;
  }
  if (std::min(size0, size1) == 0) return out;
  if (pass == Pass::clean) {
    out.labels = std::move(labels);
    return out;
  }
  const double n = static_cast<double>(p.n);
  const double parent = density(p.n, ball_stats(p).sum);
  const double weighted =
      (static_cast<double>(size0) / n) * density(size0, ball_stats(subset(p, labels, 0)).sum) +
      (static_cast<double>(size1) / n) * density(size1, ball_stats(subset(p, labels, 1)).sum);
  if (weighted > parent) out.labels = std::move(labels);
  return out;
}

// Passes of one kind until one changes nothing (see the reference's split_passes). Returns
// false when interrupted.
inline bool passes(const double* Z, std::size_t d, std::vector<Ball>& balls, std::uint64_t& next_id,
                   Pass pass, const Params& prm, double limit, Stop& stop) {
  for (auto& ball : balls) ball.final = false;
  bool changed = true;
  while (changed) {
    if (stop.poll()) return false;
    changed = false;
    // every ball's decision is independent: decide them in parallel, assemble in order
    std::vector<Decision> decisions(balls.size());
    const std::int64_t nb = static_cast<std::int64_t>(balls.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < nb; ++b) {
      if (balls[b].final || stop.poll()) continue;
      decisions[b] = decide(Z, d, balls[b], pass, prm, limit, stop);
    }
    if (stop.requested()) return false;
    std::vector<Ball> next;
    next.reserve(balls.size() * 2);
    for (std::size_t b = 0; b < balls.size(); ++b) {
      if (decisions[b].dropped) {
        changed = true;
        continue;
      }
      if (decisions[b].labels.empty()) {
        balls[b].final = true;
        next.push_back(std::move(balls[b]));
        continue;
      }
      changed = true;
      Ball children[2];
      for (std::size_t t = 0; t < balls[b].members.size(); ++t)
        children[decisions[b].labels[t]].members.push_back(balls[b].members[t]);
      for (auto& child : children) {
        child.id = next_id++;
        next.push_back(std::move(child));
      }
    }
    balls.swap(next);
  }
  return true;
}

inline std::vector<Stats> all_stats(const double* Z, std::size_t d, const std::vector<Ball>& balls) {
  std::vector<Stats> stats(balls.size());
  const std::int64_t nb = static_cast<std::int64_t>(balls.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (std::int64_t b = 0; b < nb; ++b) stats[b] = ball_stats(gather(Z, d, balls[b].members));
  return stats;
}

inline void emit(const std::vector<Ball>& balls, const std::vector<Stats>& stats,
                 const std::vector<bool>& keep, Result& r) {
  for (std::size_t b = 0; b < balls.size(); ++b) {
    if (!keep[b]) continue;
    const auto index = static_cast<std::int64_t>(r.sizes.size());
    for (auto i : balls[b].members) r.labels[i] = index;
    r.centers.insert(r.centers.end(), stats[b].center.begin(), stats[b].center.end());
    r.radii.push_back(stats[b].radius);
    r.sizes.push_back(static_cast<std::int64_t>(balls[b].members.size()));
  }
}

// Z row-major (n x d), n >= 1. See the reference for the construction.
inline Result build(const double* Z, std::size_t n, std::size_t d, const Params& prm,
                    double coarse_tol, Stop& stop = no_stop()) {
  const Points points = gather(Z, d, all_rows(n));
  std::size_t k0 = static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  while (k0 * k0 > n) --k0;
  while ((k0 + 1) * (k0 + 1) <= n) ++k0;
  const std::vector<std::int64_t> coarse = kmeans::fit(points, std::max<std::size_t>(k0, 1), SplitMix64(prm.seed, 0), coarse_tol, stop);
  if (stop.requested()) return Result{};  // interrupted
  std::vector<Ball> balls(std::max<std::size_t>(k0, 1));
  for (std::size_t i = 0; i < n; ++i) balls[coarse[i]].members.push_back(static_cast<std::int64_t>(i));
  balls.erase(std::remove_if(balls.begin(), balls.end(), [](const Ball& b) { return b.members.empty(); }),
              balls.end());
  for (std::size_t b = 0; b < balls.size(); ++b) balls[b].id = b + 1;
  std::uint64_t next_id = balls.size() + 1;
  const Pass split = prm.rule == Rule::dm ? Pass::split_dm : Pass::split_density;
  if (!passes(Z, d, balls, next_id, split, prm, 0.0, stop)) return Result{};
  Result r;
  r.n_before = balls.size();
  r.labels.assign(n, -1);
  const std::vector<Stats> stats = all_stats(Z, d, balls);
  double total = 0.0;
  for (const auto& s : stats) total += s.radius;
  const double mean_r = total / static_cast<double>(stats.size());
  if (prm.rule == Rule::dm) {
    total = 0.0;
    for (const auto& s : stats) total += (s.radius - mean_r) * (s.radius - mean_r);
    const double limit = mean_r + prm.prune_kappa * std::sqrt(total / static_cast<double>(stats.size()));
    std::vector<bool> keep(balls.size());
    for (std::size_t b = 0; b < balls.size(); ++b) keep[b] = stats[b].radius <= limit;
    emit(balls, stats, keep, r);
    return r;
  }
  std::vector<double> sorted(stats.size());
  for (std::size_t b = 0; b < stats.size(); ++b) sorted[b] = stats[b].radius;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t m = sorted.size();
  const double median = m % 2 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2.0;
  const double limit = prm.radius_factor * std::max(median, mean_r);
  std::vector<Ball> cleaned = balls;
  if (!passes(Z, d, cleaned, next_id, Pass::clean, prm, limit, stop)) return Result{};
  if (cleaned.empty()) {  // every ball too small to keep
    emit(balls, stats, std::vector<bool>(balls.size(), true), r);
    return r;
  }
  emit(cleaned, all_stats(Z, d, cleaned), std::vector<bool>(cleaned.size(), true), r);
  return r;
}

}  // namespace granular
}  // namespace tsad_fast
