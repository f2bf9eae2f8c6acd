"""Tiny labelled series written as the files a grid reads."""
import numpy as np


def tsbad_csv(folder, index, n=600, c=2, train=250, anomaly=(400, 415), seed=0):
    """A TSB-AD CSV ``NNN_toy_id_I_Synthetic_tr_TRAIN_1st_A.csv`` of c sines plus noise with
    one shifted stretch; returns its path."""
    rng = np.random.default_rng(seed + index)
    t = np.arange(n)
    X = np.stack([np.sin(2 * np.pi * t / (30 + 7 * k)) for k in range(c)], 1)
    X += 0.1 * rng.normal(size=(n, c))
    labels = np.zeros(n, dtype=int)
    a, b = anomaly
    X[a:b, 0] += 3
    labels[a:b] = 1
    path = folder / f"{index:03d}_toy_id_{index}_Synthetic_tr_{train}_1st_{a}.csv"
    table = np.c_[X, labels]
    header = ",".join([f"V{k}" for k in range(c)] + ["Label"])
    np.savetxt(path, table, delimiter=",", header=header, comments="",
               fmt=["%.6f"] * c + ["%d"])
    return path
