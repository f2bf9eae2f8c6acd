"""Optional dependencies, imported where they are needed with an error naming the extra that
installs them: ``torch`` (the detectors: torch, scikit-learn, tqdm) and ``plot``
(matplotlib, for the PNG plots and reports)."""
from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module``, or raise ImportError saying that ``what`` needs the ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{what} needs {module.split('.')[0]}: pip install "
                          f"\"tsad-fast[{extra}]\"") from exc


def pyplot(what: str = "plotting") -> ModuleType:
    """matplotlib.pyplot on the non-interactive Agg backend (files only, no screen)."""
    matplotlib = require("matplotlib", "plot", what)
    matplotlib.use("Agg")
    return require("matplotlib.pyplot", "plot", what)
