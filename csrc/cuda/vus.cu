// VUS areas on the GPU: the algorithm of csrc/include/tsad_fast/vus.hpp with one thread per
// point for the ranking and the buffer weights, one block per buffered segment for the "hit"
// minima, and the shared host+device curve_areas() per buffer length. Histograms are summed
// with atomics, so results equal the CPU kernels up to the order of floating-point additions.
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "tsad_fast/vus.hpp"
#include "device_array.cuh"
#include "vus_cuda.hpp"

namespace {

using tsad_fast::cuda::check;
using tsad_fast::cuda::DeviceArray;

// Index of the last segment starting at or before t (-1 if none).
__device__ std::int64_t segment_at_or_before(const std::int64_t* starts, std::int64_t n_seg,
                                             std::int64_t t) {
  std::int64_t lo = 0, hi = n_seg;  // first start > t
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (starts[mid] <= t) lo = mid + 1; else hi = mid;
  }
  return lo - 1;
}

__global__ void rank_kernel(const double* score, std::int64_t n, const double* thresholds,
                            std::int32_t m, const std::int64_t* starts, const std::int64_t* ends,
                            std::int64_t n_seg, std::int32_t* rank, double* n_pred_hist,
                            double* tp_hist) {
  for (std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; t < n;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int32_t r = tsad_fast::vus::rank_of(score[t], thresholds, m);
    rank[t] = r;
    if (r >= m) continue;  // below every threshold (possible with one threshold): never predicted
    atomicAdd(&n_pred_hist[r], 1.0);
    const std::int64_t i = segment_at_or_before(starts, n_seg, t);
    if (i >= 0 && t <= ends[i]) atomicAdd(&tp_hist[r], 1.0);
  }
}

// Adds the buffer weights of buffer length w (half-width h > 0) to soft_hist[w * m + rank].
__device__ void soft_of_window(const std::int32_t* rank, std::int64_t n,
                               const std::int64_t* starts, const std::int64_t* ends,
                               std::int64_t n_seg, std::int32_t m, std::int64_t w,
                               std::int64_t h, double* soft_hist) {
  for (std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; t < n;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = segment_at_or_before(starts, n_seg, t);
    if (i >= 0 && t <= ends[i]) continue;  // labelled
    double weight = 0.0;
    for (std::int64_t k = i; k >= 0 && t - ends[k] <= h; --k)  // right buffers of earlier segments
      if (t > ends[k]) weight += tsad_fast::vus::buffer_weight(t - ends[k], w);
    for (std::int64_t k = i + 1; k < n_seg && starts[k] - t <= h; ++k)  // left buffers of later ones
      weight += tsad_fast::vus::buffer_weight(starts[k] - t, w);
    if (weight > 0.0 && rank[t] < m)
      atomicAdd(&soft_hist[w * m + rank[t]], weight < 1.0 ? weight : 1.0);
  }
}

// Buffer weight of every unlabelled point for the buffer lengths w = blockIdx.y, blockIdx.y +
// gridDim.y, ... below n_windows (the grid's y dimension is capped at 65535).
__global__ void soft_kernel(const std::int32_t* rank, std::int64_t n, const std::int64_t* starts,
                            const std::int64_t* ends, std::int64_t n_seg, std::int32_t m,
                            std::int64_t n_windows, double* soft_hist) {
  for (std::int64_t w = blockIdx.y; w < n_windows; w += gridDim.y) {
    const std::int64_t h = w / 2;
    if (h > 0) soft_of_window(rank, n, starts, ends, n_seg, m, w, h, soft_hist);
  }
}

// One block per buffered segment: the smallest rank inside it marks the threshold that hits it.
__global__ void hit_kernel(const std::int32_t* rank, const std::int64_t* group_lo,
                           const std::int64_t* group_hi, const std::int64_t* group_w,
                           std::int32_t m, double* hit_hist) {
  __shared__ std::int32_t best[256];
  const std::int64_t g = blockIdx.x;
  std::int32_t local = m;
  for (std::int64_t t = group_lo[g] + threadIdx.x; t <= group_hi[g]; t += blockDim.x)
    local = min(local, rank[t]);
  best[threadIdx.x] = local;
  __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) best[threadIdx.x] = min(best[threadIdx.x], best[threadIdx.x + stride]);
    __syncthreads();
  }
  if (threadIdx.x == 0 && best[0] < m) atomicAdd(&hit_hist[group_w[g] * m + best[0]], 1.0);
}

__global__ void prefix_kernel(double* rows, std::int64_t n_rows, std::int32_t m) {
  const std::int64_t r = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (r >= n_rows) return;
  for (std::int32_t k = 1; k < m; ++k) rows[r * m + k] += rows[r * m + k - 1];
}

__global__ void areas_kernel(const double* tp_core, const double* soft, const double* n_pred,
                             const double* hit, const double* n_buffered, double n_labelled,
                             double n, std::int32_t m, std::int64_t n_windows, double* roc,
                             double* pr) {
  const std::int64_t w = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (w >= n_windows) return;
  tsad_fast::vus::curve_areas(tp_core, soft + w * m, n_pred, hit + w * m, n_buffered[w],
                              n_labelled, n, m, roc + w, pr + w);
}

}  // namespace

namespace tsad_fast {
namespace cuda {

void vus_areas_device(const double* score, std::size_t n, const std::int64_t* starts,
                      const std::int64_t* ends, std::size_t n_seg, const double* thresholds,
                      std::int32_t m, std::int64_t window, double* roc, double* pr,
                      cudaStream_t stream) {
  const std::int64_t n_windows = window + 1;
  // buffered segments of every buffer length (host: O(S) per length)
  std::vector<std::int64_t> lo, hi, gw;
  std::vector<double> n_buffered(n_windows, 0.0);
  double n_labelled = 0.0;
  for (std::size_t i = 0; i < n_seg; ++i) n_labelled += static_cast<double>(ends[i] - starts[i] + 1);
  const std::int64_t last = static_cast<std::int64_t>(n) - 1;
  for (std::int64_t w = 0; w < n_windows; ++w) {
    const std::int64_t h = w / 2;
    std::int64_t a = std::max<std::int64_t>(starts[0] - h, 0);
    for (std::size_t i = 1; i <= n_seg; ++i) {
      if (i == n_seg || ends[i - 1] + h < starts[i] - h) {
        lo.push_back(a);
        hi.push_back(std::min(ends[i - 1] + h, last));
        gw.push_back(w);
        n_buffered[w] += 1.0;
        if (i < n_seg) a = starts[i] - h;
      }
    }
  }
  if (lo.size() > 0x7fffffffULL) throw std::length_error("vus_areas: too many buffered segments");
  DeviceArray<double> d_nbuf(n_buffered.data(), n_windows, stream);
  DeviceArray<std::int64_t> d_starts(starts, n_seg, stream), d_ends(ends, n_seg, stream);
  DeviceArray<std::int64_t> d_lo(lo.data(), lo.size(), stream), d_hi(hi.data(), hi.size(), stream),
      d_gw(gw.data(), gw.size(), stream);
  DeviceArray<std::int32_t> d_rank(n, stream);
  DeviceArray<double> d_npred(m, stream), d_tp(m, stream), d_soft(n_windows * m, stream),
      d_hit(n_windows * m, stream);
  const int threads = 256;
  const int blocks = static_cast<int>(std::min<std::size_t>((n + threads - 1) / threads, 4096));
  const auto ns = static_cast<std::int64_t>(n_seg);
  rank_kernel<<<blocks, threads, 0, stream>>>(score, n, thresholds, m, d_starts.ptr, d_ends.ptr,
                                              ns, d_rank.ptr, d_npred.ptr, d_tp.ptr);
  const unsigned window_blocks = static_cast<unsigned>(std::min<std::int64_t>(n_windows, 65535));
  soft_kernel<<<dim3(blocks, window_blocks), threads, 0, stream>>>(
      d_rank.ptr, n, d_starts.ptr, d_ends.ptr, ns, m, n_windows, d_soft.ptr);
  hit_kernel<<<static_cast<unsigned>(lo.size()), threads, 0, stream>>>(
      d_rank.ptr, d_lo.ptr, d_hi.ptr, d_gw.ptr, m, d_hit.ptr);
  prefix_kernel<<<1, 1, 0, stream>>>(d_npred.ptr, 1, m);
  prefix_kernel<<<1, 1, 0, stream>>>(d_tp.ptr, 1, m);
  const int row_blocks = static_cast<int>((n_windows + 127) / 128);
  prefix_kernel<<<row_blocks, 128, 0, stream>>>(d_soft.ptr, n_windows, m);
  prefix_kernel<<<row_blocks, 128, 0, stream>>>(d_hit.ptr, n_windows, m);
  areas_kernel<<<row_blocks, 128, 0, stream>>>(d_tp.ptr, d_soft.ptr, d_npred.ptr, d_hit.ptr,
                                               d_nbuf.ptr, n_labelled, static_cast<double>(n), m,
                                               n_windows, roc, pr);
  check(cudaGetLastError(), "vus kernels launch");
  check(cudaStreamSynchronize(stream), "vus kernels");  // before the temporaries are freed
}

void vus_areas(const double* score, std::size_t n, const std::int64_t* starts,
               const std::int64_t* ends, std::size_t n_seg, const double* thresholds,
               std::int32_t m, std::int64_t window, double* roc, double* pr) {
  DeviceArray<double> d_score(score, n), d_thr(thresholds, m), d_roc(window + 1), d_pr(window + 1);
  vus_areas_device(d_score.ptr, n, starts, ends, n_seg, d_thr.ptr, m, window, d_roc.ptr, d_pr.ptr,
                   nullptr);
  d_roc.to_host(roc, window + 1);
  d_pr.to_host(pr, window + 1);
}

}  // namespace cuda
}  // namespace tsad_fast
