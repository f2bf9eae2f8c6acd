"""A grid's summary per detector (its box plot of VUS-PR:
:func:`tsad_fast.plots.plot_vus_pr_box`)."""
from __future__ import annotations


def summarize(frame):
    """One row per detector (in first-seen order): ``tasks``, ``ok``, ``skipped``, ``failed``
    (error or timeout), mean and median VUS-PR and VUS-ROC over its ok tasks, ``rank`` (its
    VUS-PR rank among the detectors on each series, 1 = best, ties averaged, mean over the
    series) and mean ``fit_seconds``."""
    import pandas as pd

    order = list(dict.fromkeys(frame["detector"]))
    ok = frame[frame["status"] == "ok"]
    rows = {}
    for detector in order:
        mine = frame[frame["detector"] == detector]
        good = ok[ok["detector"] == detector]
        rows[detector] = {
            "tasks": len(mine), "ok": len(good),
            "skipped": int((mine["status"] == "skipped").sum()),
            "failed": int(mine["status"].isin(["error", "timeout"]).sum()),
            "VUS-PR mean": good["VUS-PR"].mean() if len(good) else float("nan"),
            "VUS-PR median": good["VUS-PR"].median() if len(good) else float("nan"),
            "VUS-ROC mean": good["VUS-ROC"].mean() if len(good) else float("nan"),
            "VUS-ROC median": good["VUS-ROC"].median() if len(good) else float("nan"),
            "fit_seconds": good["fit_seconds"].mean() if len(good) else float("nan"),
        }
    summary = pd.DataFrame.from_dict(rows, orient="index")
    if len(ok):
        table = ok.pivot_table(index="series", columns="detector", values="VUS-PR")
        summary["rank"] = table.rank(axis=1, ascending=False).mean(axis=0)
    else:
        summary["rank"] = float("nan")
    summary.index.name = "detector"
    return summary


def format_summary(summary) -> str:
    """The summary as a fixed-width text table."""
    return summary.to_string(float_format=lambda v: f"{v:.4f}")
