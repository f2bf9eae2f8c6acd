// Affiliation precision / recall (Huet et al., KDD 2022) as TSB-AD 1.5 computes them; the
// derivation and the reference are in tsad_fast/kernels/_numpy/affiliation.py. Events are
// half-open [start, stop) intervals; per-interval integrals are host+device closed forms.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "tsad_fast/common.hpp"
#include "tsad_fast/interrupt.hpp"

namespace tsad_fast {
namespace affiliation {

// Precision integral over a predicted piece [i0, i1] outside J = [j0, j1], zone [e0, e1].
TSAD_HD inline double precision_outside(double i0, double i1, double j0, double j1, double e0,
                                        double e1) {
  const double d_min = ::fmax(i0 - j1, j0 - i1);
  const double d_max = ::fmax(i1 - j1, j0 - i0);
  const double m = ::fmin(j0 - e0, e1 - j1);
  const double lo = ::fmin(d_min, m), hi = ::fmin(d_max, m);
  const double a = hi * hi - lo * lo;
  const double b = ::fmax(d_max, m) - ::fmax(d_min, m);
  const double min_piece = 0.5 * a + m * b;
  const double linear_piece = 0.5 * (d_max * d_max - d_min * d_min);
  const double remaining_piece = (j1 - j0) * (i1 - i0);
  return (i1 - i0) - (1.0 / (e1 - e0)) * (min_piece + linear_piece + remaining_piece);
}

// Precision integral of [i0, i1] against J: inside J counts fully, outside by the closed form.
TSAD_HD inline double precision_integral(double i0, double i1, double j0, double j1, double e0,
                                         double e1) {
  const double lo = ::fmax(i0, j0), hi = ::fmin(i1, j1);
  if (lo < hi && lo == i0 && hi == i1) return 0.0 + (i1 - i0) + 0.0;
  if (i1 <= j0 || i0 >= j1) return precision_outside(i0, i1, j0, j1, e0, e1);
  const double left = i0 <= j0 ? precision_outside(i0, lo, j0, j1, e0, e1) : 0.0;
  const double right = i1 >= j1 ? precision_outside(hi, i1, j0, j1, e0, e1) : 0.0;
  return left + (hi - lo) + right;
}

// Splits [a0, a1] at `cut` into the part below and the part above (NaN bounds when absent).
TSAD_HD inline void split_at(double a0, double a1, double cut, double* below0, double* below1,
                             double* above0, double* above1) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  *below0 = *below1 = *above0 = *above1 = nan;
  if (::isnan(a0)) return;
  if (cut >= a1) {
    *below0 = a0;
    *below1 = a1;
  } else if (cut <= a0) {
    *above0 = a0;
    *above1 = a1;
  } else {
    *below0 = a0;
    *below1 = cut;
    *above0 = cut;
    *above1 = a1;
  }
}

TSAD_HD inline double add_part(double total, double part) {
  return ::isnan(part) ? total : total + part;
}

// Recall integral over a ground-truth piece [j0, j1] outside I = [i0, i1], zone [e0, e1].
TSAD_HD inline double recall_outside(double i0, double i1, double j0, double j1, double e0,
                                     double e1) {
  const double pivot = j1 <= i0 ? i0 : i1;
  if (pivot <= e0 || pivot >= e1) return 0.0;
  const double e_mean = (e0 + e1) / 2;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double b0 = e_mean > j0 ? j0 : nan, b1 = e_mean > j0 ? ::fmin(j1, e_mean) : nan;
  const double a0 = e_mean < j1 ? ::fmax(j0, e_mean) : nan, a1 = e_mean < j1 ? j1 : nan;
  double bb0, bb1, ba0, ba1, ab0, ab1, aa0, aa1;
  split_at(b0, b1, (e0 + pivot) / 2, &bb0, &bb1, &ba0, &ba1);
  split_at(a0, a1, (e1 + pivot) / 2, &ab0, &ab1, &aa0, &aa1);
  double p1, p2, p3, p4;
  if (pivot >= j1) {
    p1 = (pivot - e0) * (bb1 - bb0);
    p2 = 2 * pivot * (ba1 - ba0) - (ba1 * ba1 - ba0 * ba0);
    p3 = 2 * pivot * (ab1 - ab0) - (ab1 * ab1 - ab0 * ab0);
    p4 = (e1 + pivot) * (aa1 - aa0) - (aa1 * aa1 - aa0 * aa0);
  } else {
    p1 = (bb1 * bb1 - bb0 * bb0) - (e0 + pivot) * (bb1 - bb0);
    p2 = (ba1 * ba1 - ba0 * ba0) - 2 * pivot * (ba1 - ba0);
    p3 = (ab1 * ab1 - ab0 * ab0) - 2 * pivot * (ab1 - ab0);
    p4 = (e1 - pivot) * (aa1 - aa0);
  }
  const double total = add_part(add_part(add_part(add_part(0.0, p1), p2), p3), p4);
  return (j1 - j0) - (1.0 / (e1 - e0)) * total;
}

// Recall integral of the ground-truth piece [j0, j1] against the prediction [i0, i1].
TSAD_HD inline double recall_integral(double i0, double i1, double j0, double j1, double e0,
                                      double e1) {
  const double lo = ::fmax(j0, i0), hi = ::fmin(j1, i1);
  if (lo < hi && lo == j0 && hi == j1) return 0.0 + (j1 - j0) + 0.0;
  if (j1 <= i0 || j0 >= i1) return recall_outside(i0, i1, j0, j1, e0, e1);
  const double left = j0 <= i0 ? recall_outside(i0, i1, j0, lo, e0, e1) : 0.0;
  const double right = j1 >= i1 ? recall_outside(i0, i1, hi, j1, e0, e1) : 0.0;
  return left + (hi - lo) + right;
}

// (precision or NaN, recall) of the zone [e0, e1] around J; events sorted, scanned from k.
inline void zone_scores(const std::int64_t* starts, const std::int64_t* stops, std::size_t k,
                        std::size_t n_events, double j0, double j1, double e0, double e1,
                        double* precision, double* recall) {
  std::size_t first = k;
  while (first < n_events && static_cast<double>(stops[first]) <= e0) ++first;
  std::size_t last = first;
  while (last < n_events && static_cast<double>(starts[last]) < e1) ++last;
  if (first == last) {
    *precision = std::numeric_limits<double>::quiet_NaN();
    *recall = 0.0;
    return;
  }
  auto clip0 = [&](std::size_t q) { return std::max(static_cast<double>(starts[q]), e0); };
  auto clip1 = [&](std::size_t q) { return std::min(static_cast<double>(stops[q]), e1); };
  double p_sum = 0.0, length = 0.0, r_sum = 0.0;
  for (std::size_t q = first; q < last; ++q) {
    p_sum += precision_integral(clip0(q), clip1(q), j0, j1, e0, e1);
    length += clip1(q) - clip0(q);
  }
  double prev_stop = 2 * e0 - clip0(first);
  for (std::size_t q = first; q < last; ++q) {
    const double i0 = clip0(q), i1 = clip1(q);
    const double next_start = q + 1 < last ? clip0(q + 1) : 2 * e1 - i1;
    const double lo = std::max(j0, (prev_stop + i0) / 2), hi = std::min(j1, (i1 + next_start) / 2);
    if (lo < hi) r_sum += recall_integral(i0, i1, lo, hi, e0, e1);
    prev_stop = i1;
  }
  *precision = p_sum / length;
  *recall = r_sum / (j1 - j0);
}

// (precision, recall) of predicted events against ground-truth events on [0, n).
inline void precision_recall(const std::int64_t* starts, const std::int64_t* stops,
                             std::size_t n_events, const std::int64_t* gt_starts,
                             const std::int64_t* gt_stops, std::size_t n_gt, std::int64_t n,
                             double* precision, double* recall) {
  double p_total = 0.0, r_total = 0.0;
  std::size_t p_count = 0, k = 0;
  for (std::size_t j = 0; j < n_gt; ++j) {
    const double e0 = j == 0 ? 0.0 : static_cast<double>(gt_stops[j - 1] + gt_starts[j]) / 2;
    const double e1 = j == n_gt - 1 ? static_cast<double>(n)
                                    : static_cast<double>(gt_stops[j] + gt_starts[j + 1]) / 2;
    while (k < n_events && static_cast<double>(stops[k]) <= e0) ++k;
    double p, r;
    zone_scores(starts, stops, k, n_events, static_cast<double>(gt_starts[j]),
                static_cast<double>(gt_stops[j]), e0, e1, &p, &r);
    if (!std::isnan(p)) {
      p_total += p;
      ++p_count;
    }
    r_total += r;
  }
  *precision = p_count ? p_total / static_cast<double>(p_count)
                       : std::numeric_limits<double>::quiet_NaN();
  *recall = r_total / static_cast<double>(n_gt);
}

// Precision and recall (m,) of the predictions score > thresholds[k]; OpenMP over thresholds.
inline void sweep(const double* score, std::size_t n, const std::int64_t* gt_starts,
                  const std::int64_t* gt_stops, std::size_t n_gt, const double* thresholds,
                  std::size_t m, double* precision, double* recall, Stop& stop = no_stop()) {
  const std::int64_t mm = static_cast<std::int64_t>(m);
#pragma omp parallel
  {
    std::vector<std::int64_t> starts, stops;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t k = 0; k < mm; ++k) {
      if (stop.poll()) continue;  // interrupted: outputs unspecified
      starts.clear();
      stops.clear();
      bool inside = false;
      for (std::size_t t = 0; t < n; ++t) {
        const bool above = score[t] > thresholds[k];
        if (above && !inside) starts.push_back(static_cast<std::int64_t>(t));
        if (inside && !above) stops.push_back(static_cast<std::int64_t>(t));
        inside = above;
      }
      if (inside) stops.push_back(static_cast<std::int64_t>(n));
      precision_recall(starts.data(), stops.data(), starts.size(), gt_starts, gt_stops, n_gt,
                       static_cast<std::int64_t>(n), precision + k, recall + k);
    }
  }
}

}  // namespace affiliation
}  // namespace tsad_fast
