"""Numba versions of the kernels.

The serial kernels are compiled with ``nogil=True``, so Python threads run them at once; the
``parallel=True`` ones (mv_mtf, nearest) keep the GIL, because Numba's fallback threading layer
(workqueue, where neither OpenMP nor TBB is found) aborts when two threads launch parallel
regions at the same time.
"""
