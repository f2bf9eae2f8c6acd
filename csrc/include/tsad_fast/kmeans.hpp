// k-means with the labels of the NumPy reference (tsad_fast/kernels/_numpy/kmeans.py), bit for
// bit: the assignment step on its own (kmeans_assign), Lloyd's iterations (Hamerly's bounds
// with safe margins for many centers, plain for two), and k-means++ seeding from a SplitMix64
// stream. Sums over points run in index order, unfused (distance.hpp checks the build).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "tsad_fast/distance.hpp"
#include "tsad_fast/interrupt.hpp"
#include "tsad_fast/points.hpp"
#include "tsad_fast/rng.hpp"
#include "tsad_fast/center_scan.hpp"

namespace tsad_fast {
namespace kmeans {

constexpr int kMaxLloyd = 100;

// Column means over the points with label c, summed in index order; empty clusters keep theirs.
inline void update_centers(const Points& p, const std::vector<std::int64_t>& labels, std::size_t k,
                           std::vector<double>& centers) {
  std::vector<double> sums(k * p.d, 0.0);
  std::vector<std::int64_t> counts(k, 0);
  for (std::size_t i = 0; i < p.n; ++i) ++counts[labels[i]];
  // dimensions in parallel: each sum still runs over the points in index order
  const auto dd = static_cast<std::int64_t>(p.d);
#pragma omp parallel for schedule(static) if (p.n * p.d > 200000)
  for (std::int64_t jj = 0; jj < dd; ++jj) {
    const auto j = static_cast<std::size_t>(jj);
    const double* col = p.x.data() + j * p.n;
    for (std::size_t i = 0; i < p.n; ++i) sums[labels[i] * p.d + j] += col[i];
  }
  for (std::size_t c = 0; c < k; ++c)
    if (counts[c])
      for (std::size_t j = 0; j < p.d; ++j)
        centers[c * p.d + j] = sums[c * p.d + j] / static_cast<double>(counts[c]);
}


// The k-means assignment step on its own: labels (n,) of the rows of X (n x d, row-major)
// among the centers C (k x d), exactly the reference's canonical search.
inline void assign(const double* X, std::size_t n, const double* C, std::size_t k, std::size_t d,
                   std::int64_t* labels, Stop& stop = no_stop()) {
  const Points p = gather(X, d, all_rows(n));
  std::vector<double> padded;
  const std::size_t kp = pad_centers(C, k, d, padded);
  const std::int64_t n_blocks = static_cast<std::int64_t>((n + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(static) if (n * k * d > 200000)
  for (std::int64_t b = 0; b < n_blocks; ++b) {
    if (stop.poll()) continue;  // interrupted: labels unspecified
    const std::size_t begin = static_cast<std::size_t>(b) * kBlock;
    double best[kBlock], second[kBlock];
    scan_block(p, padded.data(), kp, begin, std::min(n, begin + kBlock) - begin, best, second,
               labels + begin);
  }
}

// Relative margin by which a bound must separate two distances before it decides an
// assignment; the canonical sums are accurate to ~d * 1e-16, so a decided assignment is the
// one the exhaustive search would make, ties included (a tie is never decided by a bound).
constexpr double kBoundMargin = 1e-9;

// Yinyang's groups of centers: at most kMaxGroups (about ten centers each, and at most 2^24
// bounds in all), formed once from the starting centers by a few Lloyd steps over the centers
// (deterministic). group[c] is the group of center c; returns the group count.
constexpr std::size_t kMaxGroups = 16;
inline std::size_t group_centers(const std::vector<double>& centers, std::size_t k, std::size_t d,
                                 std::size_t n, std::vector<std::int32_t>& group) {
  const std::size_t G = std::max<std::size_t>(
      1, std::min({kMaxGroups, k / 10, (std::size_t{1} << 24) / std::max<std::size_t>(n, 1)}));
  std::vector<double> lead(G * d), sums(G * d);
  std::vector<std::size_t> counts(G);
  for (std::size_t g = 0; g < G; ++g)
    std::copy_n(centers.data() + (g * k / G) * d, d, lead.data() + g * d);
  group.assign(k, 0);
  for (int step = 0; step < 5; ++step) {
    for (std::size_t c = 0; c < k; ++c) {
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t g = 0; g < G; ++g) {
        double acc = 0.0;
        for (std::size_t j = 0; j < d; ++j)
          acc = distance::add_sq_diff(acc, centers[c * d + j], lead[g * d + j]);
        if (acc < best) best = acc, group[c] = static_cast<std::int32_t>(g);
      }
    }
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(counts.begin(), counts.end(), 0);
    for (std::size_t c = 0; c < k; ++c) {
      ++counts[group[c]];
      for (std::size_t j = 0; j < d; ++j) sums[group[c] * d + j] += centers[c * d + j];
    }
    for (std::size_t g = 0; g < G; ++g)
      if (counts[g])
        for (std::size_t j = 0; j < d; ++j)
          lead[g * d + j] = sums[g * d + j] / static_cast<double>(counts[g]);
  }
  return G;
}

// Lloyd's iterations from `centers` with exactly the labels of the exhaustive search
// (tsad_fast/kernels/_numpy/kmeans.py: kmeans_assign / lloyd), accelerated by Yinyang's bounds
// (Ding et al., ICML 2015) with Hamerly's half gap: a point keeps its center without any
// distance computation while an upper bound on its distance to it stays below a lower bound on
// its distance to every other center of each group of centers; otherwise it is searched among
// the centers of the groups whose bound it does not clear (its own included), by the certified
// search, points with the same center side by side so that a block shares its groups. Every
// bound carries a safety margin, so the labels are the exhaustive canonical search's. Stops when
// the assignment is stable or a step's total squared center shift is <= tol (absolute).
inline std::vector<std::int64_t> lloyd_bounded(const Points& p, std::size_t k,
                                               std::vector<double>& centers, double tol,
                                               Stop& stop) {
  const std::size_t n = p.n, d = p.d;
  std::vector<std::int32_t> group;
  const std::size_t G = group_centers(centers, k, d, n, group);
  const std::uint64_t all_groups = G == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << G) - 1;
  std::vector<std::int64_t> labels(n, 0);
  std::vector<double> upper(n), lower(n * G), cnorm(k);
  std::vector<std::uint64_t> candidates(n, all_groups);  // groups to search, per open point
  // Certified search of the listed points among the centers of their candidate groups: their
  // labels, upper bounds and the lower bounds of the searched groups.
  auto search = [&](const std::vector<std::int64_t>& rows) {
    double cmax = 0.0;
    for (std::size_t c = 0; c < k; ++c) {
      double acc = 0.0;
      for (std::size_t j = 0; j < d; ++j) acc += centers[c * d + j] * centers[c * d + j];
      cnorm[c] = acc;
      cmax = std::max(cmax, std::sqrt(acc));
    }
    const std::int64_t n_blocks = static_cast<std::int64_t>((rows.size() + kBlock - 1) / kBlock);
#pragma omp parallel if (rows.size() * k * d > 200000)
    {
      // each thread's buffers, reused by its blocks
      std::vector<std::int64_t> block;
      std::vector<std::size_t> index;  // the searched centers, in increasing order
      std::vector<double> sub_centers, sub_norms, m1(G * kBlock), m2(G * kBlock), err(kBlock);
      std::vector<std::int32_t> sub_group;
      double best[kBlock], second[kBlock];
      std::int64_t arg[kBlock];
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t b = 0; b < n_blocks; ++b) {
        if (stop.poll()) continue;  // interrupted: labels and bounds unspecified
        const std::size_t begin = static_cast<std::size_t>(b) * kBlock;
        const std::size_t len = std::min(rows.size(), begin + kBlock) - begin;
        block.assign(rows.begin() + begin, rows.begin() + begin + len);
        std::uint64_t searched = 0;
        for (auto i : block) searched |= candidates[i];
        index.clear();
        for (std::size_t c = 0; c < k; ++c)
          if (searched >> group[c] & 1) index.push_back(c);
        const std::size_t ks = index.size();
        // padded to whole register tiles with zero centers of norm +inf (GroupMinima::real)
        const std::size_t padded = (ks + kTileCenters - 1) / kTileCenters * kTileCenters;
        sub_centers.assign(padded * d, 0.0);
        sub_norms.assign(padded, std::numeric_limits<double>::infinity());
        sub_group.assign(padded, 0);
        for (std::size_t s = 0; s < ks; ++s) {
          std::copy_n(centers.data() + index[s] * d, d, sub_centers.data() + s * d);
          sub_norms[s] = cnorm[index[s]];
          sub_group[s] = group[index[s]];
        }
        const GroupMinima minima{sub_group.data(), G, ks, m1.data(), m2.data(), err.data()};
        const Points sub = gather_points(p, block);
        certified_scan(sub, sub_centers.data(), sub_norms.data(), cmax, padded, 0, len, best,
                       second, arg, &minima);
        for (std::size_t t = 0; t < len; ++t) {
          const auto i = static_cast<std::size_t>(block[t]);
          const std::size_t label = index[static_cast<std::size_t>(arg[t])];
          labels[i] = static_cast<std::int64_t>(label);
          upper[i] = std::sqrt(best[t]);
          for (std::size_t g = 0; g < G; ++g)
            if (searched >> g & 1)  // a group not searched keeps its bound
              lower[i * G + g] = std::sqrt(std::max(
                  (g == static_cast<std::size_t>(group[label]) ? m2 : m1)[g * kBlock + t] - err[t],
                  0.0));
        }
      }
    }
  };
  search(all_rows(n));
  const std::int64_t nn = static_cast<std::int64_t>(n);
  std::vector<double> previous(k * d), moved(k), group_moved(G), half_gap(k);
  std::vector<std::int64_t> count(k + 1);
  for (int it = 0; it < kMaxLloyd && !stop.poll(); ++it) {
    previous = centers;
    update_centers(p, labels, k, centers);
    double max_moved = 0.0, shift = 0.0;
    std::fill(group_moved.begin(), group_moved.end(), 0.0);
    for (std::size_t c = 0; c < k; ++c) {
      double acc = 0.0;
      for (std::size_t j = 0; j < d; ++j)
        acc = distance::add_sq_diff(acc, centers[c * d + j], previous[c * d + j]);
      shift += acc;
      moved[c] = std::sqrt(acc) * (1.0 + kBoundMargin);
      max_moved = std::max(max_moved, moved[c]);
      group_moved[group[c]] = std::max(group_moved[group[c]], moved[c]);
    }
    if (max_moved == 0.0) break;  // same centers, same canonical assignment
    const auto kk = static_cast<std::int64_t>(k);
#pragma omp parallel for schedule(static) if (k * k * d > 200000)
    for (std::int64_t cc = 0; cc < kk; ++cc) {
      const auto c = static_cast<std::size_t>(cc);
      double nearest = std::numeric_limits<double>::infinity();
      for (std::size_t o = 0; o < k; ++o) {
        if (o == c) continue;
        double acc = 0.0;
        for (std::size_t j = 0; j < d; ++j) {
          const double diff = centers[c * d + j] - centers[o * d + j];
          acc += diff * diff;
        }
        nearest = std::min(nearest, acc);
      }
      half_gap[c] = 0.5 * std::sqrt(nearest) * (1.0 - kBoundMargin);
    }
    std::vector<std::uint8_t> open(n, 0);
    // four consecutive points at a time: their exact distances to their centers (when a bound
    // does not decide) are four independent sums, each over j in order as sq_point's
    constexpr std::int64_t kLanes = 4;
#pragma omp parallel for schedule(static) if (n * G > 100000)
    for (std::int64_t first = 0; first < nn; first += kLanes) {
      const std::int64_t lanes = std::min(kLanes, nn - first);
      double bound[kLanes], acc[kLanes] = {};
      const double* center[kLanes];
      bool undecided = false;
      for (std::int64_t l = 0; l < lanes; ++l) {
        const auto i = static_cast<std::size_t>(first + l);
        const std::size_t a = static_cast<std::size_t>(labels[i]);
        double* bounds = lower.data() + i * G;
        double nearest_group = std::numeric_limits<double>::infinity();
        for (std::size_t g = 0; g < G; ++g) {
          bounds[g] -= group_moved[g];
          nearest_group = std::min(nearest_group, bounds[g]);
        }
        upper[i] += moved[a];
        bound[l] = std::max(half_gap[a], nearest_group) * (1.0 - kBoundMargin);
        center[l] = centers.data() + a * d;
        undecided |= !(upper[i] * (1.0 + kBoundMargin) < bound[l]);
      }
      if (!undecided) continue;
      for (std::size_t j = 0; j < d; ++j) {
        const double* x = p.x.data() + j * n + static_cast<std::size_t>(first);
        for (std::int64_t l = 0; l < lanes; ++l) acc[l] = distance::add_sq_diff(acc[l], x[l], center[l][j]);
      }
      for (std::int64_t l = 0; l < lanes; ++l) {
        const auto i = static_cast<std::size_t>(first + l);
        if (upper[i] * (1.0 + kBoundMargin) < bound[l]) continue;  // decided by the bounds
        upper[i] = std::sqrt(acc[l]);
        const double reach = upper[i] * (1.0 + kBoundMargin);
        if (reach < bound[l]) continue;
        const double* bounds = lower.data() + i * G;
        std::uint64_t groups = std::uint64_t{1} << group[static_cast<std::size_t>(labels[i])];
        for (std::size_t g = 0; g < G; ++g)
          if (bounds[g] * (1.0 - kBoundMargin) <= reach) groups |= std::uint64_t{1} << g;
        candidates[i] = groups;
        open[i] = 1;
      }
    }
    // the open points by label (counting sort): a block's points then share their groups
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t i = 0; i < n; ++i)
      if (open[i]) ++count[static_cast<std::size_t>(labels[i]) + 1];
    for (std::size_t c = 0; c < k; ++c) count[c + 1] += count[c];
    std::vector<std::int64_t> rows(static_cast<std::size_t>(count[k]));
    for (std::size_t i = 0; i < n; ++i)
      if (open[i]) rows[static_cast<std::size_t>(count[labels[i]]++)] = static_cast<std::int64_t>(i);
    const std::vector<std::int64_t> before = labels;
    search(rows);
    if (labels == before || shift <= tol) break;
  }
  return labels;
}

// scikit-learn's absolute shift tolerance: tol times the mean over columns of the population
// variances of X (n x d, row-major); every sum in index order, as the reference's
// (tsad_fast/kernels/_numpy/kmeans.py: shift_tolerance), so the value is the same bit for bit.
inline double shift_tolerance(const double* X, std::size_t n, std::size_t d, double tol) {
  if (tol == 0.0) return 0.0;
  std::vector<double> mean(d, 0.0), variance(d, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) mean[j] += X[i * d + j];
  for (std::size_t j = 0; j < d; ++j) mean[j] /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const double diff = X[i * d + j] - mean[j];
      variance[j] += diff * diff;
    }
  double total = 0.0;
  for (std::size_t j = 0; j < d; ++j) total += variance[j] / static_cast<double>(n);
  return tol * total / static_cast<double>(d);
}

// Sum over dimensions in order of the squared moves of the centers (the reference's shift).
inline double center_shift(const std::vector<double>& a, const std::vector<double>& b,
                           std::size_t k, std::size_t d) {
  double shift = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    double acc = 0.0;
    for (std::size_t j = 0; j < d; ++j) acc = distance::add_sq_diff(acc, a[c * d + j], b[c * d + j]);
    shift += acc;
  }
  return shift;
}

// Plain Lloyd (exhaustive assignment every step, serial): the 2-means splits, which run in
// parallel over balls and are too small for bounds to pay off. Same labels as lloyd_bounded.
inline std::vector<std::int64_t> lloyd_plain(const Points& p, std::size_t k,
                                             std::vector<double>& centers, double tol, Stop& stop) {
  std::vector<std::int64_t> labels(p.n), next(p.n);
  std::vector<double> padded;
  double best[kBlock], second[kBlock];
  auto assign_all = [&](std::vector<std::int64_t>& out) {
    const std::size_t kp = pad_centers(centers.data(), k, p.d, padded);
    for (std::size_t begin = 0; begin < p.n; begin += kBlock)
      scan_block(p, padded.data(), kp, begin, std::min(p.n, begin + kBlock) - begin, best, second,
                 out.data() + begin);
  };
  assign_all(labels);
  std::vector<double> previous(centers.size());
  for (int it = 0; it < kMaxLloyd && !stop.poll(); ++it) {
    previous = centers;
    update_centers(p, labels, k, centers);
    const double shift = center_shift(centers, previous, k, p.d);
    if (shift == 0.0) break;  // same centers, same assignment
    assign_all(next);
    if (next == labels) break;
    labels.swap(next);
    if (shift <= tol) break;
  }
  return labels;
}

inline std::vector<std::int64_t> lloyd(const Points& p, std::size_t k, std::vector<double>& centers,
                                       double tol, Stop& stop) {
  if (k == 1) return std::vector<std::int64_t>(p.n, 0);
  return k <= 2 ? lloyd_plain(p, k, centers, tol, stop) : lloyd_bounded(p, k, centers, tol, stop);
}

constexpr std::size_t kSeedBlock = 2048;  // points per parallel chunk of the seeding passes

// k-means++ seeding (one candidate per step) and Lloyd; returns labels (unspecified when
// interrupted: stop).
inline std::vector<std::int64_t> fit(const Points& p, std::size_t k, SplitMix64 rng, double tol,
                                     Stop& stop = no_stop()) {
  const std::size_t n = p.n, d = p.d;
  std::vector<double> centers(k * d), d2(n), tmp(n);
  auto set_center = [&](std::size_t c, std::size_t i) {
    for (std::size_t j = 0; j < d; ++j) centers[c * d + j] = p.at(i, j);
  };
  std::size_t first = std::min(static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)), n - 1);
  set_center(0, first);
  sq_dist(p, centers.data(), 0, n, d2.data());
  for (std::size_t c = 1; c < k && !stop.poll(); ++c) {
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      total += d2[i];
      tmp[i] = total;
    }
    const double u = rng.uniform();
    std::size_t index = n - 1;
    if (total > 0) {
      const double target = u * total;
      index = static_cast<std::size_t>(std::upper_bound(tmp.begin(), tmp.end(), target) - tmp.begin());
      index = std::min(index, n - 1);
    } else {
      index = std::min(static_cast<std::size_t>(u * static_cast<double>(n)), n - 1);
    }
    set_center(c, index);
    const std::int64_t n_blocks = static_cast<std::int64_t>((n + kSeedBlock - 1) / kSeedBlock);
#pragma omp parallel for schedule(static) if (n * d > 200000)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      const std::size_t lo = static_cast<std::size_t>(b) * kSeedBlock;
      const std::size_t hi = std::min(n, lo + kSeedBlock);
      sq_dist(p, centers.data() + c * d, lo, hi, tmp.data() + lo);
      for (std::size_t i = lo; i < hi; ++i) d2[i] = std::min(d2[i], tmp[i]);
    }
  }
  return lloyd(p, k, centers, tol, stop);
}

}  // namespace kmeans
}  // namespace tsad_fast
