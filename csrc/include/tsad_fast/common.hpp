// Shared macros for the header-only kernels.
//
// TSAD_HD marks per-element math that the CPU build and the CUDA build both compile, so the
// CPU test-suite exercises exactly the code a GPU runs.
#pragma once

#include <cstddef>

// TSAD_UNFUSED_MISSING: a header whose results must equal the NumPy reference bit for bit
// stops a host build of a translation unit that may fuse multiply-adds. CMakeLists.txt compiles
// those units with -ffp-contract=off and defines TSAD_FP_CONTRACT_OFF beside it; the GPU code
// rounds each operation explicitly (__dmul_rn, __dadd_rn).
#if !defined(__CUDACC__) && !defined(TSAD_FP_CONTRACT_OFF)
#define TSAD_UNFUSED_MISSING 1
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#error "tsad_fast's C++ kernels need GCC or Clang (vector extensions, __attribute__, __builtin_*); MSVC is not supported"
#endif

#if defined(__CUDACC__)
#define TSAD_HD __host__ __device__
#else
#define TSAD_HD
#endif

// Function multi-versioning for the hot CPU loops: an AVX2+FMA clone chosen at load time where
// the CPU has it, a baseline x86-64 clone elsewhere. Never -march=native in the shipped build.
#if !defined(__CUDACC__) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    defined(__linux__)
#define TSAD_CPU_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define TSAD_CPU_CLONES
#endif

#if !defined(__CUDACC__)
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TSAD_X86_VARIANTS 1
#endif

namespace tsad_fast {
// Vectors of doubles (and floats) for register tiles (GCC/Clang vector extensions), and the two
// instruction sets the tiled kernels are instantiated for: 128-bit vectors everywhere, and
// AVX2+FMA on x86-64 CPUs that have it (chosen at run time; never -march=native).
typedef double v2d __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));

struct Vec128 {
  using T = double;
  using V = v2d;
  static constexpr std::size_t W = 2;
  static inline V splat(const double* x) { return V{*x, *x}; }
  // fused only where the translation unit allows contraction
  static inline V mul_add(V a, V b, V c) { return a * b + c; }
};

struct Vec128Float {  // the float32 kernels' 128-bit vectors: four floats
  using T = float;
  using V = v4f;
  static constexpr std::size_t W = 4;
  static inline V splat(const float* x) { return V{*x, *x, *x, *x}; }
  static inline V mul_add(V a, V b, V c) { return a * b + c; }
};

#if defined(TSAD_X86_VARIANTS)
struct Avx2Fma {
  using T = double;
  using V = v4d;
  static constexpr std::size_t W = 4;
  __attribute__((target("avx2,fma"))) static inline V splat(const double* x) {
    return (V)_mm256_broadcast_sd(x);
  }
  __attribute__((target("avx2,fma"))) static inline V mul_add(V a, V b, V c) {
    return (V)_mm256_fmadd_pd((__m256d)a, (__m256d)b, (__m256d)c);
  }
};

struct Avx2FmaFloat {  // the float32 kernels' AVX2+FMA: eight floats a vector
  using T = float;
  using V = v8f;
  static constexpr std::size_t W = 8;
  __attribute__((target("avx2,fma"))) static inline V splat(const float* x) {
    return (V)_mm256_broadcast_ss(x);
  }
  __attribute__((target("avx2,fma"))) static inline V mul_add(V a, V b, V c) {
    return (V)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
  }
};

inline bool cpu_has_avx2_fma() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif
}  // namespace tsad_fast
#endif
