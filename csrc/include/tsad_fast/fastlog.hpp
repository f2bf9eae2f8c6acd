// Branch-free natural logarithm that compilers can vectorise.
//
// glibc's scalar log() blocks auto-vectorisation of the Grimshaw sums, which dominate SPOT.
// This is the classic fdlibm reduction x = 2^k * m, m in [sqrt(1/2), sqrt(2)), followed by the
// degree-14 odd minimax polynomial in s = f / (2 + f). Error < 1 ulp for positive normal x; it
// is only called on arguments 1 + theta*y that the callers keep positive and normal. On the GPU
// it defers to the device log().
#pragma once

#include <cstdint>
#include <cstring>

#include "tsad_fast/common.hpp"

namespace tsad_fast {

template <class To, class From>
TSAD_HD inline To bit_cast(const From& from) {
#if defined(__CUDACC__) || !defined(__GNUC__)
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
#else
  return __builtin_bit_cast(To, from);
#endif
}

TSAD_HD inline double vlog(double x) {
#if defined(__CUDA_ARCH__)
  return ::log(x);
#else
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01,
                   lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01,
                   lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                   lg7 = 1.479819860511658591e-01;
  const std::uint64_t bits = bit_cast<std::uint64_t>(x);
  // Offsetting by the bits of sqrt(1/2) puts the exponent of the reduced mantissa in the top bits.
  const std::uint64_t tmp = bits - 0x3fe6a09e667f3bcdULL;
  const double m = bit_cast<double>(bits - (tmp & 0xfff0000000000000ULL));
  // k = (signed) tmp >> 52, formed without branches or int64->double conversions (absent
  // from AVX2): the 12-bit two's-complement exponent xor 0x800 is k + 2048, placed in the
  // mantissa of 2^52.
  const double k =
      bit_cast<double>(0x4330000000000000ULL | ((tmp >> 52) ^ 0x800ULL)) - (4503599627370496.0 + 2048.0);
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (lg2 + w * (lg4 + w * lg6));
  const double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
  const double r = t2 + t1;
  const double hfsq = 0.5 * f * f;
  return s * (hfsq + r) + k * ln2_lo - hfsq + f + k * ln2_hi;
#endif
}

}  // namespace tsad_fast
