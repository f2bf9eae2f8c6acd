"""Anomaly reports: JSON, Markdown and a bar chart of the top variables of each explanation."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from tsad_fast._optional import pyplot


def write_report(explanations: Iterable, path: Union[str, Path],
                 variable_names: Optional[Sequence[str]] = None, top: int = 10) -> dict:
    """Write ``path.json``, ``path.md`` and ``path.png`` (the suffix of ``path`` is replaced)
    for explanations with ``as_dict()`` (e.g. :class:`tsad_fast.explain.multimodal.Explanation`).
    Returns the paths written."""
    path = Path(path)
    entries = [e.as_dict() for e in explanations]
    width = max((len(e["contributions"]) for e in entries), default=0)
    if variable_names is not None and len(variable_names) < width:
        raise ValueError(f"variable_names has {len(variable_names)} names for {width} variables")
    name = (lambda v: variable_names[v]) if variable_names is not None else (lambda v: f"var {v}")
    for entry in entries:
        for item in entry["top_variables"]:
            item["name"] = name(item["variable"])
    out = {"json": path.with_suffix(".json"), "markdown": path.with_suffix(".md"),
           "png": path.with_suffix(".png")}
    out["json"].write_text(json.dumps({"anomalies": entries}, indent=1))
    lines = ["# Anomaly report", "", "| timestamp | score | type | critical point | top variables "
             "(contribution) |", "| --- | --- | --- | --- | --- |"]
    for entry in entries:
        tops = ", ".join(f"{item['name']} ({item['contribution']:.3g})"
                         for item in entry["top_variables"][:top])
        kind = entry["type"] if entry["type"] >= 0 else "—"
        lines.append(f"| {entry['timestamp']} | {entry['score']:.4f} | {kind} | "
                     f"{entry['critical_point']} | {tops or '—'} |")
    out["markdown"].write_text("\n".join(lines) + "\n")
    _bar_chart(out["png"], entries, name, top)
    return out


def _bar_chart(path: Path, entries, name, top: int) -> None:
    plt = pyplot("write_report")

    shown = entries[:6] or [{"timestamp": "-", "contributions": [], "ranking": []}]
    fig, axes = plt.subplots(len(shown), 1, figsize=(8, 2.2 * len(shown)), squeeze=False)
    for ax, entry in zip(axes[:, 0], shown):
        variables = entry["ranking"][:top]
        values = [entry["contributions"][v] for v in variables]
        ax.barh([name(v) for v in variables][::-1], values[::-1], color="#C0392B")
        ax.set_title(f"timestamp {entry['timestamp']}", fontsize=9)
        ax.tick_params(labelsize=8)
    axes[-1, 0].set_xlabel("contribution (fused SHAP)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
