// SPOT / biSPOT / DSPOT / biDSPOT streaming thresholds (Siffer et al., KDD 2017).
//
// Follows the reference `spot.py` step by step (initial peaks, refit at every new peak, alarms
// not added to the peaks, drift removed by a moving window of the last normal values) but finds
// Grimshaw's roots exactly: w is evaluated on a regular grid of n_points + 2 points over each of
// the reference's search intervals and every sign change is solved by bracketed Newton to full
// precision; grid points where |w| is float64 noise are skipped (gpd::kWNoise). Three facts keep
// each refit cheap without changing the result:
//  * the left interval only depends on max(Y), so its grid sums are updated with the new peak;
//  * on the right interval (theta > 0) u(theta) increases and v(theta) decreases, so the sums at
//    two fixed "anchor" thetas around a grid point bound w there; anchors sit on a fixed
//    geometric ladder and are updated with the new peaks only, and a grid point is evaluated
//    exactly only when the bound leaves its sign open;
//  * each root is warm-started from the previous refit's root and Newton stops at the noise
//    floor of w.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <stdexcept>
#include <string>
#include <vector>

#include "tsad_fast/fastlog.hpp"
#include "tsad_fast/gpd.hpp"
#include "tsad_fast/interrupt.hpp"

namespace tsad_fast {
namespace spot {

namespace {

// Adds the Grimshaw sums of y[0..n) at theta to `acc`. The hot loop of the whole kernel.
TSAD_CPU_CLONES
void accumulate_sums(const double* y, std::size_t n, double theta, gpd::Sums& acc) {
  double a = 0.0, b = 0.0, c = 0.0;
#pragma omp simd reduction(+ : a, b, c)
  for (std::size_t i = 0; i < n; ++i) {
    // One rounding: 1 + theta*y cancels next to theta = -1/max(Y), where the fit is steep.
    const double s = std::fma(theta, y[i], 1.0);
    const double r = 1.0 / s;
    a += vlog(s);
    b += r;
    c += r * r;
  }
  acc.log_sum += a;
  acc.inv_sum += b;
  acc.inv2_sum += c;
}

}  // namespace

// Grid work (peaks x grid points) from which the grid sums are split across OpenMP threads.
constexpr std::size_t kParallelWork = 4096;
// Ratio between consecutive anchors of the right-interval ladder, and the distance from 0 that
// a bound on w must keep to decide a sign (far above float64 noise and gpd::kWNoise).
constexpr double kLadderRatio = 1.05;
constexpr double kSignMargin = 1e-9;

enum Status : std::uint8_t { kNormal = 0, kPeak = 1, kAlarm = 2 };

struct Options {
  double q = 1e-4;         // risk
  int n_points = 10;       // grid resolution of each search interval (reference: starting points)
  bool with_alarm = true;  // false: values above z_q also become peaks
  bool compat = false;     // reproduce the reference's exponential log-likelihood sign error
};

struct TailSummary {
  double init_threshold = 0.0;  // t
  double initial_quantile = 0.0;  // z_q after initialisation
  double quantile = 0.0;        // z_q at the end of the stream
  double gamma = 0.0;
  double sigma = 0.0;
  std::size_t n_peaks = 0;
};

// One tail: the upper one (sign = +1) or the lower one (sign = -1, values mirrored around t).
class Tail {
 public:
  Tail(double sign, double init_threshold, const Options& opt)
      : sign_(sign), t_(init_threshold), opt_(opt) {}

  // Collects the peaks of the calibration data and fits the tail with N = num observations.
  void initialize(const double* base, std::size_t n, std::int64_t num) {
    for (std::size_t i = 0; i < n; ++i)
      if (sign_ * base[i] > sign_ * t_) add_peak(sign_ * (base[i] - t_));
    if (peaks_.empty())
      throw std::invalid_argument(
          "init_data: no calibration value lies beyond the initial threshold, so the tail "
          "cannot be fitted");
    fit(num);
    initial_quantile_ = zq_;
  }

  // One stream value with num normal observations so far.
  Status observe(double x, std::int64_t num, bool with_alarm) {
    if (sign_ * x > sign_ * zq_) {
      if (with_alarm) return kAlarm;
    } else if (!(sign_ * x > sign_ * t_)) {
      return kNormal;
    }
    add_peak(sign_ * (x - t_));
    fit(num + 1);
    return kPeak;
  }

  // Restores the tail that peaks() and summary() describe, without refitting: the next peak
  // refits it as it would have in the stream that left it.
  void restore(const double* peaks, std::size_t n, double quantile, double gamma, double sigma,
               double initial_quantile) {
    for (std::size_t i = 0; i < n; ++i) add_peak(peaks[i]);
    zq_ = quantile;
    gamma_ = gamma;
    sigma_ = sigma;
    initial_quantile_ = initial_quantile;
  }

  double quantile() const { return zq_; }
  const std::vector<double>& peaks() const { return peaks_; }

  TailSummary summary() const {
    TailSummary s;
    s.init_threshold = t_;
    s.initial_quantile = initial_quantile_;
    s.quantile = zq_;
    s.gamma = gamma_;
    s.sigma = sigma_;
    s.n_peaks = peaks_.size();
    return s;
  }

 private:
  // A fixed theta of the right-interval ladder with its sums over peaks[0, n_done).
  struct Anchor {
    double theta = 0.0;
    std::size_t n_done = 0;
    gpd::Sums sums;
  };

  // Grid sums of one search interval, kept while its bounds stay the same.
  struct GridCache {
    double lo = 0.0, hi = 0.0;
    std::size_t n_done = 0;
    std::vector<double> theta;
    std::vector<gpd::Sums> sums;
  };

  void add_peak(double y) {
    if (peaks_.empty()) {
      y_min_ = y_max_ = y;
    } else {
      y_min_ = std::min(y_min_, y);
      y_max_ = std::max(y_max_, y);
    }
    y_sum_ += y;
    peaks_.push_back(y);
  }

  gpd::Sums sums_at(double theta) const {
    gpd::Sums s;
    accumulate_sums(peaks_.data(), peaks_.size(), theta, s);
    return s;
  }

  // Brings `cache` to the grid of [lo, hi] over all current peaks; linspace(lo, hi, n_points + 2).
  void update_grid(GridCache& cache, double lo, double hi) const {
    const int g = opt_.n_points + 2;
    if (cache.theta.size() != static_cast<std::size_t>(g) || cache.lo != lo || cache.hi != hi) {
      cache.lo = lo;
      cache.hi = hi;
      cache.n_done = 0;
      cache.theta.assign(g, 0.0);
      cache.sums.assign(g, gpd::Sums{});
      const double step = (hi - lo) / (g - 1);
      for (int j = 0; j < g - 1; ++j) cache.theta[j] = j * step + lo;
      cache.theta[g - 1] = hi;
    }
    const std::size_t fresh = peaks_.size() - cache.n_done;
    if (fresh == 0) return;
    // Grid points are independent: threads split them once the work pays for a parallel region.
    const double* y = peaks_.data() + cache.n_done;
#pragma omp parallel for schedule(static) if (fresh * g >= kParallelWork)
    for (int j = 0; j < g; ++j) accumulate_sums(y, fresh, cache.theta[j], cache.sums[j]);
    cache.n_done = peaks_.size();
  }

  // Bracketed Newton on w in (a, b), w(a) = wa of the opposite sign to w(b), started at x,
  // whose sums over all peaks are in at_root when `have_sums`.
  double solve(double a, double b, double wa, double x, bool have_sums, gpd::Sums& at_root) const {
    const double n = static_cast<double>(peaks_.size());
    constexpr double eps = std::numeric_limits<double>::epsilon();
    for (int it = 0; it < 200; ++it) {
      if (it > 0 || !have_sums) at_root = sums_at(x);
      const double f = gpd::w_value(at_root.log_sum, at_root.inv_sum, n);
      // Below this |w| is rounding noise of the sums: x is a root as far as float64 can tell.
      const double noise = 64.0 * eps * (std::fabs(1.0 + at_root.log_sum / n) + at_root.inv_sum / n);
      if (std::fabs(f) <= noise || !std::isfinite(f)) return x;
      if (gpd::brackets(wa, f)) {
        b = x;
      } else {
        a = x;
        wa = f;
      }
      double next = x - f / gpd::w_slope(at_root, n, x);
      if (!(next > a && next < b)) next = 0.5 * (a + b);
      // Converged: x is within a few ulps of the root, and at_root already holds its sums.
      const double tol = 2.0 * eps * std::fabs(next);
      if (std::fabs(next - x) <= tol || b - a <= 2.0 * tol) return x;
      x = next;
    }
    return x;
  }

  // Solves w in (a, b) from a sign change, warm-started from the previous fit's root there:
  // its sums only need the peaks added since, so the first Newton step costs O(new peaks).
  void solve_bracket(double a, double b, double wa, std::vector<double>& roots,
                     std::vector<gpd::Sums>& root_sums) const {
    double start = 0.5 * (a + b);
    bool have_sums = false;
    gpd::Sums s;
    for (std::size_t i = 0; i < prev_roots_.size(); ++i) {
      if (prev_roots_[i] > a && prev_roots_[i] < b) {
        start = prev_roots_[i];
        s = prev_root_sums_[i];
        accumulate_sums(peaks_.data() + prev_n_peaks_, peaks_.size() - prev_n_peaks_, start, s);
        have_sums = true;
      }
    }
    roots.push_back(solve(a, b, wa, start, have_sums, s));
    root_sums.push_back(s);
  }

  // Roots between consecutive grid points with a sign; w[j] only needs the right sign.
  void roots_from_signs(const double* theta, const double* w, int g, std::vector<double>& roots,
                        std::vector<gpd::Sums>& root_sums) const {
    int last = -1;  // last grid point with a sign
    for (int j = 0; j < g; ++j) {
      if (!gpd::has_sign(w[j])) continue;
      if (last >= 0 && gpd::brackets(w[last], w[j]))
        solve_bracket(theta[last], theta[j], w[last], roots, root_sums);
      last = j;
    }
  }

  // Left interval: exact grid values from the incrementally updated cache.
  void left_roots(double lo, double hi, std::vector<double>& roots,
                  std::vector<gpd::Sums>& root_sums) {
    update_grid(left_, lo, hi);
    const double n = static_cast<double>(peaks_.size());
    const int g = opt_.n_points + 2;
    std::vector<double> w(g);
    for (int j = 0; j < g; ++j)
      w[j] = gpd::w_value(left_.sums[j].log_sum, left_.sums[j].inv_sum, n);
    roots_from_signs(left_.theta.data(), w.data(), g, roots, root_sums);
  }

  // Ladder anchor k (theta = kLadderRatio^k) with its sums over all current peaks.
  const Anchor& anchor(int k) {
    Anchor& a = anchors_[k];
    if (a.n_done == 0) a.theta = std::pow(kLadderRatio, k);
    if (a.n_done < peaks_.size()) {
      accumulate_sums(peaks_.data() + a.n_done, peaks_.size() - a.n_done, a.theta, a.sums);
      a.n_done = peaks_.size();
    }
    return a;
  }

  // Right interval (theta > 0): each grid value is w exactly, or a stand-in of the right sign
  // (+-1) when the anchors around it prove the sign with room to spare.
  void right_roots(double lo, double hi, std::vector<double>& roots,
                   std::vector<gpd::Sums>& root_sums) {
    const double n = static_cast<double>(peaks_.size());
    const int g = opt_.n_points + 2;
    std::vector<double> theta(g), w(g);
    const double step = (hi - lo) / (g - 1);
    for (int j = 0; j < g; ++j) {
      theta[j] = j == g - 1 ? hi : j * step + lo;
      const double rung = std::floor(std::log(theta[j]) / std::log(kLadderRatio));
      if (!(std::fabs(rung) < 1e6)) {  // theta not finite or > 0, or beyond any sane ladder
        const gpd::Sums exact = sums_at(theta[j]);
        w[j] = gpd::w_value(exact.log_sum, exact.inv_sum, n);
        continue;
      }
      const int k = static_cast<int>(rung);
      const Anchor& below = anchor(k);  // references into the map survive its rehashing
      const Anchor& above = anchor(k + 1);
      if (below.theta <= theta[j] && theta[j] <= above.theta) {
        // u increases and v > 0 decreases with theta, so u*v lies between these products
        const double w_max = (1.0 + above.sums.log_sum / n) * (below.sums.inv_sum / n) - 1.0;
        const double w_min = (1.0 + below.sums.log_sum / n) * (above.sums.inv_sum / n) - 1.0;
        if (w_max < -kSignMargin) {
          w[j] = -1.0;
          continue;
        }
        if (w_min > kSignMargin) {
          w[j] = 1.0;
          continue;
        }
      }
      const gpd::Sums exact = sums_at(theta[j]);
      w[j] = gpd::w_value(exact.log_sum, exact.inv_sum, n);
    }
    roots_from_signs(theta.data(), w.data(), g, roots, root_sums);
  }

  // Grimshaw maximum-likelihood fit of the peaks and the extreme quantile for N = num.
  void fit(std::int64_t num) {
    const double n = static_cast<double>(peaks_.size());
    const double y_mean = y_sum_ / n;
    std::vector<double> roots;
    std::vector<gpd::Sums> root_sums;

    double eps = 1e-8;
    const double a = -1.0 / y_max_;
    if (std::fabs(a) < 3.0 * eps) eps = std::fabs(a) / opt_.n_points;
    left_roots((a + eps) + eps, -eps, roots, root_sums);
    // Reference condition for the right interval: y_mean > y_min > 0, not np.isclose(mean, min).
    if (y_mean > y_min_ && y_min_ > 0.0 &&
        !(std::fabs(y_mean - y_min_) <= 1e-8 + 1e-5 * std::fabs(y_min_))) {
      const double lo = 2.0 * (y_mean - y_min_) / (y_mean * y_min_);
      const double hi = 2.0 * (y_mean - y_min_) / (y_min_ * y_min_);
      right_roots(lo, hi, roots, root_sums);
    }

    double gamma = 0.0, sigma = y_mean;
    double best = gpd::loglik_exponential(n, y_mean, opt_.compat);
    for (std::size_t i = 0; i < roots.size(); ++i) {
      const double g = root_sums[i].log_sum / n;
      const double s = g / roots[i];
      const double ll = gpd::loglik_root(n, g, s);
      if (ll > best) {
        best = ll;
        gamma = g;
        sigma = s;
      }
    }
    prev_roots_.swap(roots);
    prev_root_sums_.swap(root_sums);
    prev_n_peaks_ = peaks_.size();
    gamma_ = gamma;
    sigma_ = sigma;
    zq_ = t_ + sign_ * gpd::tail_excess(gamma, sigma, static_cast<double>(num) * opt_.q / n);
  }

  double sign_;
  double t_;
  Options opt_;
  std::vector<double> peaks_;
  double y_min_ = 0.0, y_max_ = 0.0, y_sum_ = 0.0;
  double zq_ = 0.0, initial_quantile_ = 0.0, gamma_ = 0.0, sigma_ = 0.0;
  GridCache left_;
  std::unordered_map<int, Anchor> anchors_;
  std::vector<double> prev_roots_;      // roots of the last fit, ascending
  std::vector<gpd::Sums> prev_root_sums_;  // their sums over the first prev_n_peaks_ peaks
  std::size_t prev_n_peaks_ = 0;
};

// Continues SPOT over x from fitted tails: `ring` holds the drift window's last normal values,
// oldest first (empty: no drift), and comes back in the same order; num counts the normal
// observations so far. Outputs as run_stream's.
inline void continue_stream(Tail& up, Tail& low, bool two_sided, std::vector<double>& ring,
                            std::int64_t& num, const double* x, std::size_t n,
                            const Options& opt, double* upper, double* lower,
                            std::uint8_t* alarm, Stop& stop = no_stop()) {
  const std::size_t depth = ring.size();
  std::size_t head = 0;  // oldest value of the ring
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 1024 == 0 && stop.poll()) return;  // outputs unspecified
    double mean = 0.0;
    if (depth > 0) {
      double s = 0.0;
      for (std::size_t k = 0; k < depth; ++k) s += ring[(head + k) % depth];
      mean = s / static_cast<double>(depth);
    }
    const double v = x[i] - mean;
    const Status su = up.observe(v, num, opt.with_alarm);
    const Status sl = two_sided ? low.observe(v, num, opt.with_alarm) : kNormal;
    const bool is_alarm = su == kAlarm || sl == kAlarm;
    alarm[i] = is_alarm ? 1 : 0;
    if (!is_alarm) {
      ++num;
      if (depth > 0) {
        ring[head] = x[i];
        head = (head + 1) % depth;
      }
    }
    upper[i] = up.quantile() + mean;
    if (two_sided) lower[i] = low.quantile() + mean;
  }
  std::rotate(ring.begin(), ring.begin() + static_cast<std::ptrdiff_t>(head), ring.end());
}

// Runs SPOT over a stream.
//   base (n_base,)     calibration values (already drift-removed for DSPOT)
//   t_upper, t_lower   initial thresholds (t_lower unused unless two_sided)
//   window (depth,)    last calibration values for the drift mean; depth = 0 disables drift
//   x (n,)             stream
// Outputs: upper (n,), lower (n,) when two_sided (else may be null), alarm (n,) 0/1;
// unspecified when interrupted (stop).
inline void run_stream(const double* base, std::size_t n_base, double t_upper, double t_lower,
                       bool two_sided, const double* window, std::size_t depth, const double* x,
                       std::size_t n, const Options& opt, double* upper, double* lower,
                       std::uint8_t* alarm, TailSummary* upper_summary,
                       TailSummary* lower_summary, Stop& stop = no_stop()) {
  if (n_base == 0) throw std::invalid_argument("init_data: empty calibration data");
  std::int64_t num = static_cast<std::int64_t>(n_base);
  Tail up(1.0, t_upper, opt);
  Tail low(-1.0, t_lower, opt);
  up.initialize(base, n_base, num);
  if (two_sided) low.initialize(base, n_base, num);
  std::vector<double> ring(window, window + depth);
  continue_stream(up, low, two_sided, ring, num, x, n, opt, upper, lower, alarm, stop);
  *upper_summary = up.summary();
  if (two_sided) *lower_summary = low.summary();
}

// The state a resumed stream leaves: each tail's peaks and summary, the drift window (oldest
// first) and the count of normal observations.
struct Resumed {
  std::vector<double> peaks_upper, peaks_lower, ring;
  std::int64_t num = 0;
  TailSummary upper, lower;
};

// Continues a stream that run_stream or resume_stream left: per tail its peaks and last fit
// fit[4 * tail ..] = (quantile, gamma, sigma, initial_quantile), the drift window (oldest
// first, depth values) and num; then as run_stream over x, the new state in *state.
inline void resume_stream(double t_upper, double t_lower, bool two_sided,
                          const double* peaks_upper, std::size_t n_upper,
                          const double* peaks_lower, std::size_t n_lower, const double* fit,
                          const double* window, std::size_t depth, std::int64_t num,
                          const double* x, std::size_t n, const Options& opt, double* upper,
                          double* lower, std::uint8_t* alarm, Resumed* state,
                          Stop& stop = no_stop()) {
  if (n_upper == 0 || (two_sided && n_lower == 0))
    throw std::invalid_argument("state: a tail without peaks cannot be resumed");
  Tail up(1.0, t_upper, opt);
  Tail low(-1.0, t_lower, opt);
  up.restore(peaks_upper, n_upper, fit[0], fit[1], fit[2], fit[3]);
  if (two_sided) low.restore(peaks_lower, n_lower, fit[4], fit[5], fit[6], fit[7]);
  std::vector<double> ring(window, window + depth);
  continue_stream(up, low, two_sided, ring, num, x, n, opt, upper, lower, alarm, stop);
  state->peaks_upper = up.peaks();
  if (two_sided) state->peaks_lower = low.peaks();
  state->ring.swap(ring);
  state->num = num;
  state->upper = up.summary();
  if (two_sided) state->lower = low.summary();
}

}  // namespace spot
}  // namespace tsad_fast
