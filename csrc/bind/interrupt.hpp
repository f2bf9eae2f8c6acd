// Interruptible kernel calls: the kernel runs without the GIL, polls a tsad_fast::Stop
// (tsad_fast/interrupt.hpp) whose check runs Python's signal handlers, and the binding raises
// the exception a handler raised (KeyboardInterrupt for Ctrl-C) once the kernel has returned.
#pragma once

#include <pybind11/pybind11.h>

#include <type_traits>
#include <utility>

#include "tsad_fast/interrupt.hpp"

namespace tsad_fast {
namespace bind {

// Runs the pending signal handlers; true when one raised. Python runs handlers on its main
// thread only, so from any other thread this is always false.
inline bool python_signal_raised() {
  pybind11::gil_scoped_acquire gil;
  return PyErr_CheckSignals() != 0;
}

// kernel(args..., stop) without the GIL for the kernels that poll a Stop (the C++ ones),
// kernel(args...) for the others (the CUDA ones); raises what a signal handler raised.
template <auto kernel, class... Args>
void call_released(Args&&... args) {
  Stop stop(&python_signal_raised);
  {
    pybind11::gil_scoped_release release;
    if constexpr (std::is_invocable_v<decltype(kernel), Args&&..., Stop&>)
      kernel(std::forward<Args>(args)..., stop);
    else
      kernel(std::forward<Args>(args)...);
  }
  if (stop.requested()) throw pybind11::error_already_set();
}

}  // namespace bind
}  // namespace tsad_fast
