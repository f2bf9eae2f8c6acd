// Per-element math of the Generalised Pareto tail used by SPOT (Siffer et al., KDD 2017).
//
// Grimshaw's trick reduces the 2-parameter likelihood maximisation to the roots of
//   w(theta) = u(theta) * v(theta) - 1,  u = 1 + mean log(1 + theta*Y),  v = mean 1/(1 + theta*Y)
// over the peaks Y > 0. A root theta gives gamma = u - 1 and sigma = gamma / theta.
#pragma once

#include <cmath>

#include "tsad_fast/common.hpp"

namespace tsad_fast {
namespace gpd {

// Running sums over the peaks at one theta: sum log(1+theta*y), sum 1/(1+theta*y), sum 1/(1+theta*y)^2.
struct Sums {
  double log_sum = 0.0;
  double inv_sum = 0.0;
  double inv2_sum = 0.0;
};

// w(theta) from the sums over n peaks.
TSAD_HD inline double w_value(double log_sum, double inv_sum, double n) {
  return (1.0 + log_sum / n) * (inv_sum / n) - 1.0;
}

// dw/dtheta from the sums (same formula as the reference's analytic Jacobian).
TSAD_HD inline double w_slope(const Sums& s, double n, double theta) {
  const double u = 1.0 + s.log_sum / n;
  const double v = s.inv_sum / n;
  const double du = (1.0 - v) / theta;
  const double dv = (s.inv2_sum / n - v) / theta;
  return u * dv + v * du;
}

// Log-likelihood of the peaks under GPD(gamma, sigma) when theta = gamma / sigma is a root:
// sum log(1 + theta*y) = n*gamma, so L = -n log sigma - (1 + 1/gamma) n gamma.
TSAD_HD inline double loglik_root(double n, double gamma, double sigma) {
  return -n * ::log(sigma) - n * (gamma + 1.0);
}

// Log-likelihood of the exponential candidate (gamma = 0, sigma = mean). `compat` reproduces the
// sign error of the reference implementation, n*(1 + log mean), which makes SPOT scale-dependent.
TSAD_HD inline double loglik_exponential(double n, double mean, bool compat) {
  const double magnitude = n * (1.0 + ::log(mean));
  return compat ? magnitude : -magnitude;
}

// Excess over the initial threshold t at risk q: sigma/gamma ((q N / N_t)^-gamma - 1), or
// -sigma log(q N / N_t) when gamma = 0. `ratio` is q N / N_t.
TSAD_HD inline double tail_excess(double gamma, double sigma, double ratio) {
  if (gamma != 0.0) return (sigma / gamma) * (::pow(ratio, -gamma) - 1.0);
  return -sigma * ::log(ratio);
}

// |w| at or below this is float64 noise (u*v - 1 with u, v close to 1, as near the trivial root
// theta = 0, which is the exponential candidate already): such grid points carry no sign and
// are skipped by the root search in every backend.
constexpr double kWNoise = 1e-10;

TSAD_HD inline bool has_sign(double w) { return ::fabs(w) > kWNoise; }  // false for NaN too

// Sign change of w between two grid points with a sign.
TSAD_HD inline bool brackets(double wa, double wb) {
  return (wa < 0.0 && wb > 0.0) || (wa > 0.0 && wb < 0.0);
}

}  // namespace gpd
}  // namespace tsad_fast
