"""Backend bugs the fuzz suite found below the Python layer (in the kernels: C++, Numba and
the NumPy reference's numerics), to be fixed there. ``backends`` marks the affected backend's
case of a test xfail(strict=True); the test runs the reproducer (an ``@example``, or fixed
inputs), so that the case fails on every run until the backend is fixed, and then fails as an
unexpected pass."""
import pytest

from tests.conftest import backend_params

# spot, cpp and numba: peaks spanning many orders of magnitude make w(theta) ill-conditioned,
# and the three root searches pick different Grimshaw roots. Reproducer:
# spot(np.r_[np.zeros(4), 1.0, 1e100], [], q=0.1, level=0.5): the reference's z_q is 3.67e60
# (gamma 119.2), Numba's 1.10e68 (gamma 203.7), C++'s 2.54e68 (gamma 204.4); with 1e300 in
# place of 1e100 C++ overflows (ValueError) where the others give 6.02e299.
SPOT_WIDE_PEAKS = "spot: other Grimshaw roots than the reference for peaks from 1 to 1e100"

# spot, the NumPy reference and Numba (which compiles the same one_plus_product): Dekker's
# exact product splits theta and y with Veltkamp's constant 2**27 + 1, which overflows for a
# factor beyond 2**996 (~1e300): for data scaled by 2**1000 (y huge) or 2**-1000 (theta
# huge) w(theta) is NaN on the whole left interval, the GPD root is lost and the exponential
# fit taken (z_q 1.2% off for a normal stream); brentq's absolute xtol (2.2e-308) also limits
# roots below ~1e-300 to a relative 1e-7. C++ (fma) stays scale-equivariant. Reproducer:
# s = make_stream("normal", 1, 3000); spot(2.0**1000 * s[:2000], 2.0**1000 * s[2000:],
# q=1e-3, backend="numpy").upper_tail.gamma is 0.0, unscaled -0.0857.
SPOT_RANGE_ENDS = "spot reference: Veltkamp split overflows for data beyond 2**+-996"


def backends(kernel: str, **known: str):
    """``backend_params(kernel)`` with each backend named in ``known`` (backend=reason) marked
    xfail(strict=True)."""
    params = []
    for param in backend_params(kernel):
        (backend,) = param.values
        marks = list(param.marks)
        if backend in known:
            marks.append(pytest.mark.xfail(strict=True, reason=known[backend]))
        params.append(pytest.param(backend, marks=marks, id=param.id))
    return params
