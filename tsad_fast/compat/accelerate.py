"""Swap tsad_fast's kernels into the pipelines users already run, without editing them.

:func:`accelerate` replaces TSB-AD's ``get_metrics`` in every loaded module that holds it
(``TSB_AD.evaluation.metrics`` itself, ``TSB_AD.main``, a user's script that imported it) by
:func:`tsad_fast.metrics.get_metrics` (same arguments, same result dict, TSB-AD's treatment of
a boolean ``pred`` included), and the ``SPOT``, ``biSPOT``, ``dSPOT`` and ``bidSPOT`` classes of
every loaded copy of the reference ``spot.py`` (a module named ``spot`` or ``*.spot``) by
:mod:`tsad_fast.compat.spot`'s. With ``hook=True`` copies imported later are swapped as they
load. :func:`run_script` runs an unmodified script that way (``tsad-fast accelerate``).
"""
from __future__ import annotations

import importlib.abc
import runpy
import sys
from typing import List, Optional, Sequence

_SPOT_CLASSES = ("SPOT", "biSPOT", "dSPOT", "bidSPOT")


def _is_spot_copy(name: str) -> bool:
    return (name == "spot" or name.endswith(".spot")) and not name.startswith("tsad_fast.")


def _swap_spot(module) -> List[str]:
    from tsad_fast.compat import spot as shim

    swapped = []
    for cls in _SPOT_CLASSES:
        if isinstance(getattr(module, cls, None), type) and getattr(module, cls) is not \
                getattr(shim, cls):
            setattr(module, cls, getattr(shim, cls))
            swapped.append(f"{module.__name__}.{cls}")
    return swapped


class _SwapLoader(importlib.abc.Loader):
    """Runs the real loader, then swaps the module's SPOT classes."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _swap_spot(module)


class _SpotFinder(importlib.abc.MetaPathFinder):
    """Finds reference ``spot`` modules with the other finders and wraps their loader."""

    def find_spec(self, fullname, path, target=None):
        if not _is_spot_copy(fullname):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _SwapLoader(spec.loader)
                return spec
        return None


def accelerate(hook: bool = False) -> List[str]:
    """Swap tsad_fast in; returns the ``module.name`` entries replaced. ``hook=True`` also
    swaps the SPOT classes of reference ``spot`` modules imported from now on. Idempotent;
    without TSB-AD installed only the SPOT classes are swapped."""
    from tsad_fast.metrics import get_metrics

    swapped = []
    try:
        from TSB_AD.evaluation import metrics as tsb_metrics
    except ImportError:
        tsb_metrics = None
    original = getattr(tsb_metrics, "get_metrics", None)
    for name, module in list(sys.modules.items()):
        if module is None:
            continue
        if original is not None and original is not get_metrics and \
                getattr(module, "get_metrics", None) is original:
            module.get_metrics = get_metrics
            swapped.append(f"{name}.get_metrics")
        if _is_spot_copy(name):
            swapped += _swap_spot(module)
    if hook and not any(isinstance(f, _SpotFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SpotFinder())
    return swapped


def run_script(path: str, args: Optional[Sequence[str]] = None) -> None:
    """Run the Python script ``path`` as ``__main__`` with ``sys.argv = [path, *args]`` after
    :func:`accelerate` (with the import hook); its directory leads ``sys.path``, as for
    ``python path``."""
    import os

    if not os.path.isfile(path):
        raise ValueError(f"script {path!r} is not a file")
    accelerate(hook=True)
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [path, *(args or ())]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
