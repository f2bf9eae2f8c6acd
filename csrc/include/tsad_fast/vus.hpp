// VUS-ROC / VUS-PR areas per buffer length (TSB-AD 1.5 semantics; see
// tsad_fast/kernels/_numpy/vus.py for the derivation). Every count over "predicted points" is a
// cumulative histogram over each point's rank (the first threshold it reaches), so one buffer
// length costs O(S*h + thre) after an O(n log thre) ranking, instead of O(thre * n).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tsad_fast/common.hpp"
#include "tsad_fast/interrupt.hpp"

namespace tsad_fast {
namespace vus {

// First k with thresholds[k] <= x, thresholds non-increasing (m when none).
TSAD_HD inline std::int32_t rank_of(double x, const double* thresholds, std::int32_t m) {
  std::int32_t lo = 0, hi = m;
  while (lo < hi) {
    const std::int32_t mid = lo + (hi - lo) / 2;
    if (thresholds[mid] <= x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

// Weight of a buffer point at distance d (1 <= d <= w/2) from a labelled segment.
TSAD_HD inline double buffer_weight(std::int64_t d, std::int64_t w) {
  return ::sqrt(1.0 - static_cast<double>(d) / static_cast<double>(w));
}

// ROC and PR areas of one buffer length from its per-threshold counts (k = 0..m-1):
// tp_core, soft (buffer weight of predicted points), n_pred, hit segments of n_buffered.
TSAD_HD inline void curve_areas(const double* tp_core, const double* soft, const double* n_pred,
                                const double* hit, double n_buffered, double n_labelled, double n,
                                std::int32_t m, double* roc, double* pr) {
  double tpr_prev = 0.0, fpr_prev = 0.0, roc_sum = 0.0, pr_sum = 0.0;
  for (std::int32_t k = 0; k < m; ++k) {
    const double tp = tp_core[k] + soft[k];
    const double p_new = (n_labelled + (n_labelled + soft[k])) / 2.0;
    const double ratio = tp / p_new;
    const double recall = ratio < 1.0 ? ratio : 1.0;
    const double tpr = recall * (hit[k] / n_buffered);
    const double fpr = (n_pred[k] - tp) / (n - p_new);
    roc_sum += (fpr - fpr_prev) * ((tpr + tpr_prev) / 2.0);
    pr_sum += (tpr - tpr_prev) * (tp / n_pred[k]);
    tpr_prev = tpr;
    fpr_prev = fpr;
  }
  roc_sum += (1.0 - fpr_prev) * ((1.0 + tpr_prev) / 2.0);
  *roc = roc_sum;
  *pr = pr_sum;
}

// Counts shared by every buffer length.
struct Shared {
  std::vector<std::int32_t> rank;     // (n,)
  std::vector<std::uint8_t> labelled;  // (n,)
  std::vector<double> n_pred, tp_core;  // (m,) cumulative
  std::vector<std::int32_t> core_min;  // (S,)
  double n_labelled = 0.0;
};

constexpr std::int64_t kRankBlock = 4096;  // points ranked between two polls

inline Shared prepare(const double* score, std::size_t n, const std::int64_t* starts,
                      const std::int64_t* ends, std::size_t n_seg, const double* thresholds,
                      std::int32_t m, Stop& stop) {
  Shared sh;
  sh.rank.resize(n);
  const std::int64_t n_blocks = (static_cast<std::int64_t>(n) + kRankBlock - 1) / kRankBlock;
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < n_blocks; ++b) {
    if (stop.poll()) continue;
    const std::int64_t end = std::min(static_cast<std::int64_t>(n), (b + 1) * kRankBlock);
    for (std::int64_t t = b * kRankBlock; t < end; ++t) sh.rank[t] = rank_of(score[t], thresholds, m);
  }
  if (stop.requested()) return sh;
  sh.labelled.assign(n, 0);
  sh.n_pred.assign(m + 1, 0.0);
  sh.tp_core.assign(m + 1, 0.0);
  sh.core_min.assign(n_seg, m);
  for (std::size_t t = 0; t < n; ++t) sh.n_pred[sh.rank[t]] += 1.0;
  for (std::size_t i = 0; i < n_seg; ++i) {
    for (std::int64_t t = starts[i]; t <= ends[i]; ++t) {
      sh.labelled[t] = 1;
      sh.tp_core[sh.rank[t]] += 1.0;
      sh.core_min[i] = std::min(sh.core_min[i], sh.rank[t]);
    }
    sh.n_labelled += static_cast<double>(ends[i] - starts[i] + 1);
  }
  for (std::int32_t k = 1; k < m; ++k) {
    sh.n_pred[k] += sh.n_pred[k - 1];
    sh.tp_core[k] += sh.tp_core[k - 1];
  }
  return sh;
}

// Per-thread scratch for one buffer length at a time.
struct Scratch {
  std::vector<double> weight;  // (n,) zero outside the current buffers
  std::vector<std::int64_t> touched;
  std::vector<double> soft, hit;
  std::vector<std::int32_t> seg_min;
};

inline void window_areas(const Shared& sh, const std::int64_t* starts, const std::int64_t* ends,
                         std::size_t n_seg, std::int32_t m, std::int64_t w, Scratch& sc,
                         double* roc, double* pr) {
  const std::int64_t n = static_cast<std::int64_t>(sh.rank.size());
  const std::int64_t h = w / 2;
  sc.soft.assign(m, 0.0);
  sc.hit.assign(m, 0.0);
  sc.seg_min.assign(sh.core_min.begin(), sh.core_min.end());
  sc.touched.clear();
  auto add = [&](std::int64_t t, std::int64_t d, std::size_t i) {
    if (sc.weight[t] == 0.0) sc.touched.push_back(t);
    sc.weight[t] += buffer_weight(d, w);
    sc.seg_min[i] = std::min(sc.seg_min[i], sh.rank[t]);
  };
  for (std::size_t i = 0; i < n_seg; ++i) {  // right buffer, then left, as TSB-AD adds them
    for (std::int64_t d = 1; d <= h && ends[i] + d < n; ++d) add(ends[i] + d, d, i);
    for (std::int64_t d = 1; d <= h && starts[i] - d >= 0; ++d) add(starts[i] - d, d, i);
  }
  for (std::int64_t t : sc.touched) {  // rank m: below every threshold, never predicted
    if (!sh.labelled[t] && sh.rank[t] < m) sc.soft[sh.rank[t]] += std::min(sc.weight[t], 1.0);
    sc.weight[t] = 0.0;
  }
  // buffered segments: i and i+1 merge when ends[i] + h >= starts[i+1] - h
  double n_buffered = 0.0;
  std::int32_t group_min = sc.seg_min[0];
  for (std::size_t i = 1; i <= n_seg; ++i) {
    if (i == n_seg || ends[i - 1] + h < starts[i] - h) {
      if (group_min < m) sc.hit[group_min] += 1.0;
      n_buffered += 1.0;
      if (i < n_seg) group_min = sc.seg_min[i];
    } else {
      group_min = std::min(group_min, sc.seg_min[i]);
    }
  }
  for (std::int32_t k = 1; k < m; ++k) {
    sc.soft[k] += sc.soft[k - 1];
    sc.hit[k] += sc.hit[k - 1];
  }
  curve_areas(sh.tp_core.data(), sc.soft.data(), sh.n_pred.data(), sc.hit.data(), n_buffered,
              sh.n_labelled, static_cast<double>(n), m, roc, pr);
}

// roc, pr: (window + 1,) areas for buffer lengths 0..window. Segments ascending, disjoint,
// within [0, n); thresholds non-increasing; m >= 1; n_seg >= 1. Interrupted (stop), the areas
// are unspecified.
inline void areas(const double* score, std::size_t n, const std::int64_t* starts,
                  const std::int64_t* ends, std::size_t n_seg, const double* thresholds,
                  std::int32_t m, std::int64_t window, double* roc, double* pr,
                  Stop& stop = no_stop()) {
  const Shared sh = prepare(score, n, starts, ends, n_seg, thresholds, m, stop);
  if (stop.requested()) return;
#pragma omp parallel
  {
    Scratch sc;
    sc.weight.assign(n, 0.0);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t w = 0; w <= window; ++w)
      if (!stop.poll()) window_areas(sh, starts, ends, n_seg, m, w, sc, roc + w, pr + w);
  }
}

}  // namespace vus
}  // namespace tsad_fast
