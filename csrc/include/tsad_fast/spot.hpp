// SPOT / biSPOT / DSPOT / biDSPOT streaming thresholds (Siffer et al., KDD 2017).
//
// Follows the reference `spot.py` step by step (initial peaks, refit at every new peak, alarms
// not added to the peaks, drift removed by a moving window of the last normal values) but finds
// Grimshaw's roots exactly: w is evaluated on a regular grid of n_points + 2 points over each of
// the reference's search intervals and every sign change is solved by bracketed Newton to full
// precision; grid points where |w| is float64 noise are skipped (gpd::kWNoise).
//
// A refit evaluates w at a few dozen thetas over all the peaks, and the peaks grow with the
// stream. So that a refit does not cost O(peaks), the sums at theta come from a Taylor expansion
// about a fixed nearby theta0 (an "expansion"), whose power sums over the peaks are extended
// with each new peak only: with z = y / (1 + theta0 y) and delta = theta - theta0,
//   log(1 + theta y)      = log(1 + theta0 y) + sum_k (-1)^(k+1) (delta z)^k / k
//   1 / (1 + theta y)     = sum_j (-delta z)^j / (1 + theta0 y)
//   1 / (1 + theta y)^2   = sum_j (j + 1) (-delta z)^j / (1 + theta0 y)^2
// The expansions sit on fixed geometric ladders (ratio kLadderRatio) in theta > 0 and in the
// distance theta + 1/max(Y) to the singularity for theta < 0, so |delta z| <= 0.025 and
// kTerms terms leave an error below float64 rounding; a theta no expansion covers is summed
// directly. Each root is warm-started from the previous refit's root.
#pragma once

#include <algorithm>
#include <array>
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

// Ratio between consecutive expansion points of a ladder; Taylor terms of an expansion; the
// largest |delta z| an expansion is used for (the ladder keeps it below 0.025: 0.03^13 ~ 1e-20).
constexpr double kLadderRatio = 1.05;
constexpr int kTerms = 12;
constexpr double kRadius = 0.03;

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
  // Sums over peaks[0, n_done) about theta: log_sum = sum log(1 + theta y); with
  // r = 1 / (1 + theta y) and u = unit * y r (unit: theta, or the distance theta + 1/max(Y) to
  // the singularity, so 0 < u <= 1 and the powers neither overflow nor underflow at any scale
  // of Y), pz[k] = sum u^k (k >= 1), pr[k] = sum u^k r and pr2[k] = sum u^k r^2 (k >= 0).
  struct Expansion {
    double theta = 0.0;
    double unit = 1.0;
    std::size_t n_done = 0;
    double log_sum = 0.0;
    std::array<double, kTerms + 1> pz{}, pr{}, pr2{};
  };

  void add_peak(double y) {
    if (peaks_.empty() || y > y_max_) left_.clear();  // its ladder hangs on 1 / max(Y)
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

  // Brings an expansion up to date with every peak.
  void extend(Expansion& e) const {
    for (std::size_t i = e.n_done; i < peaks_.size(); ++i) {
      const double y = peaks_[i];
      const double one = std::fma(e.theta, y, 1.0);
      const double r = 1.0 / one;
      const double z = e.unit * y * r;
      e.log_sum += std::log(one);
      double zk = 1.0;
      e.pr[0] += r;
      e.pr2[0] += r * r;
      for (int k = 1; k <= kTerms; ++k) {
        zk *= z;
        e.pz[k] += zk;
        e.pr[k] += zk * r;
        e.pr2[k] += zk * r * r;
      }
    }
    e.n_done = peaks_.size();
  }

  // The expansion that covers theta (its ladder point nearest in ratio), up to date; null
  // where none does (theta = 0, not finite, or beyond any sane ladder).
  Expansion* expansion_for(double theta) {
    const bool right = theta > 0.0;
    // the distance to the singularity in units of 1/max(Y): theta + 1/max(Y) underflows or
    // rounds away at extreme scales of Y, theta * max(Y) + 1 does not
    const double distance = right ? theta : std::fma(theta, y_max_, 1.0);
    if (!(distance > 0.0) || !std::isfinite(distance)) return nullptr;
    const double rung = std::nearbyint(std::log(distance) / std::log(kLadderRatio));
    if (!(std::fabs(rung) < 1e5)) return nullptr;
    auto& ladder = right ? right_ : left_;
    auto [it, fresh] = ladder.try_emplace(static_cast<int>(rung));
    Expansion& e = it->second;
    if (fresh) {
      const double step = (right ? 1.0 : 1.0 / y_max_) * std::pow(kLadderRatio, rung);
      e.theta = right ? step : step - 1.0 / y_max_;
      e.unit = step;
      if (!(std::fma(e.theta, y_max_, 1.0) > 0.0)) {
        ladder.erase(it);
        return nullptr;
      }
    }
    extend(e);
    return &e;
  }

  // The sums at theta: from an expansion where one covers it, else summed directly.
  gpd::Sums sums_fast(double theta) {
    Expansion* e = expansion_for(theta);
    const double delta = e ? (theta - e->theta) / e->unit : 0.0;  // in units
    if (!e || !(std::fabs(delta) * e->unit * y_max_ / std::fma(e->theta, y_max_, 1.0) <= kRadius))
      return sums_at(theta);
    gpd::Sums s;
    double power = 1.0;  // (-delta)^k
    double log_series = 0.0, inv = e->pr[0], inv2 = e->pr2[0];
    for (int k = 1; k <= kTerms; ++k) {
      power *= -delta;
      log_series -= power * e->pz[k] / k;
      inv += power * e->pr[k];
      inv2 += (k + 1) * power * e->pr2[k];
    }
    s.log_sum = e->log_sum + log_series;
    s.inv_sum = inv;
    s.inv2_sum = inv2;
    return s;
  }

  // Bracketed Newton on w in (a, b), w(a) = wa of the opposite sign to w(b), started at x;
  // the sums at the root in at_root.
  double solve(double a, double b, double wa, double x, gpd::Sums& at_root) {
    const double n = static_cast<double>(peaks_.size());
    constexpr double eps = std::numeric_limits<double>::epsilon();
    for (int it = 0; it < 200; ++it) {
      at_root = sums_fast(x);
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

  // Roots of w over linspace(lo, hi, n_points + 2), one per sign change between consecutive
  // grid points with a sign, each warm-started from the previous fit's root in its bracket.
  void interval_roots(double lo, double hi, std::vector<double>& roots,
                      std::vector<gpd::Sums>& root_sums) {
    const double n = static_cast<double>(peaks_.size());
    const int g = opt_.n_points + 2;
    const double step = (hi - lo) / (g - 1);
    int last = -1;  // last grid point with a sign
    double last_theta = 0.0, last_w = 0.0;
    for (int j = 0; j < g; ++j) {
      const double theta = j == g - 1 ? hi : j * step + lo;
      const gpd::Sums s = sums_fast(theta);
      const double w = gpd::w_value(s.log_sum, s.inv_sum, n);
      if (!gpd::has_sign(w)) continue;
      if (last >= 0 && gpd::brackets(last_w, w)) {
        double start = 0.5 * (last_theta + theta);
        for (double previous : prev_roots_)
          if (previous > last_theta && previous < theta) start = previous;
        gpd::Sums at_root;
        roots.push_back(solve(last_theta, theta, last_w, start, at_root));
        root_sums.push_back(at_root);
      }
      last = j;
      last_theta = theta;
      last_w = w;
    }
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
    interval_roots((a + eps) + eps, -eps, roots, root_sums);
    // Reference condition for the right interval: y_mean > y_min > 0, not np.isclose(mean, min).
    if (y_mean > y_min_ && y_min_ > 0.0 &&
        !(std::fabs(y_mean - y_min_) <= 1e-8 + 1e-5 * std::fabs(y_min_))) {
      const double lo = 2.0 * (y_mean - y_min_) / (y_mean * y_min_);
      const double hi = 2.0 * (y_mean - y_min_) / (y_min_ * y_min_);
      interval_roots(lo, hi, roots, root_sums);
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
  std::unordered_map<int, Expansion> left_, right_;  // the ladders, by rung
  std::vector<double> prev_roots_;  // roots of the last fit, ascending
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
