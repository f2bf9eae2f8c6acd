// Cooperative interruption of the long CPU loops (Ctrl-C from Python).
//
// A kernel takes a `Stop&` and its loops ask `stop.poll()` between units of work of a
// microsecond or more (a block of points, a threshold, a Lloyd step). Only the thread that
// created the Stop (the caller, which is also the master of every OpenMP region it opens)
// runs the check: it reads the clock (~20 ns) and, at most once per kPollPeriod, asks the
// check function (the binding's acquires the GIL and runs Python's signal handlers). Once the
// check answers yes, poll() returns true on every thread: loops skip their remaining work, the
// kernel returns early with its outputs unspecified, and the binding raises the pending Python
// exception. A default Stop never stops, so the kernels stay callable without Python. CPU
// only: no CUDA code polls.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

namespace tsad_fast {

class Stop {
 public:
  using Check = bool (*)();
  static constexpr std::chrono::milliseconds kPollPeriod{20};

  Stop() = default;
  explicit Stop(Check check) : check_(check), owner_(std::this_thread::get_id()) {}
  Stop(const Stop&) = delete;
  Stop& operator=(const Stop&) = delete;

  // True once a stop was requested; on the creating thread, may run the check first.
  bool poll() {
    if (check_ != nullptr && std::this_thread::get_id() == owner_) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_ >= kPollPeriod) {
        last_ = now;
        if (check_()) requested_.store(true, std::memory_order_relaxed);
      }
    }
    return requested();
  }

  bool requested() const { return requested_.load(std::memory_order_relaxed); }

 private:
  Check check_ = nullptr;
  std::thread::id owner_{};
  std::chrono::steady_clock::time_point last_{};
  std::atomic<bool> requested_{false};
};

// The Stop of callers that cannot be interrupted (tests, other C++ code): never stops.
inline Stop& no_stop() {
  static Stop never;
  return never;
}

}  // namespace tsad_fast
