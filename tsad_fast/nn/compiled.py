"""``torch.compile`` where it pays, with a fallback: :class:`Compiled` wraps a function of
tensors; called with ``enabled=True`` it runs the function compiled by TorchInductor (one
graph for every batch size, ``dynamic=True``; the first call compiles, later processes reuse
torch's on-disk cache), and if compiling fails (no C++ compiler, no Triton for a GPU, an
unsupported platform) it warns once and runs the function as written from then on."""
from __future__ import annotations

import warnings
from typing import Callable


class Compiled:
    """``fn`` callable compiled or as written: ``Compiled(fn)(*tensors, enabled=...)``."""

    def __init__(self, fn: Callable, batch_args=()):
        self.fn, self.batch_args = fn, tuple(batch_args)
        self._compiled = None
        self._failed = False

    def __call__(self, *args, enabled: bool = True):
        if not enabled or self._failed:
            return self.fn(*args)
        if self._compiled is None:
            import torch

            self._compiled = torch.compile(self.fn)
        try:
            import torch

            for i in self.batch_args:
                torch._dynamo.maybe_mark_dynamic(args[i], 0)
            return self._compiled(*args)
        except Exception as error:  # noqa: BLE001 - any compiler failure: run uncompiled
            self._failed = True
            warnings.warn(f"torch.compile of {self.fn.__name__} failed ({type(error).__name__}: "
                          f"{str(error).splitlines()[0] if str(error) else ''}); running it "
                          "uncompiled", RuntimeWarning, stacklevel=2)
            return self.fn(*args)
