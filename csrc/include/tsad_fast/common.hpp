// Shared macros for the header-only kernels.
//
// TSAD_HD marks per-element math that the CPU build and the CUDA build both compile, so the
// CPU test-suite exercises exactly the code a GPU runs.
#pragma once

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
