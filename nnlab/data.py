"""Data sets (all local, nothing is downloaded) and minibatches.

Inputs come one example per row: ``X`` (N, n_0); labels ``y`` (N,) integers.
Every random choice takes an explicit seed or ``np.random.Generator``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_rng, check_positive, shape_str


def minibatches(X, T, batch_size: int, rng=None, shuffle: bool = True, drop_last: bool = False):
    """Yield ``(X_batch, T_batch)`` covering the data once (one epoch).

    The order is reshuffled on every call from ``rng`` (needed when
    ``shuffle=True``). The last batch is smaller when ``batch_size`` does not
    divide N (dropped if ``drop_last``). ``batch_size=1`` is stochastic
    gradient descent; ``batch_size=N`` is full-batch gradient descent.
    """
    check_positive(batch_size, "batch_size", integer=True)
    X, T = np.asarray(X), np.asarray(T)   # lists work too (indexing needs arrays)
    N = len(X)
    if len(T) != N:
        raise ValueError(f"X has {N} examples but T has {len(T)}: they must match row for row")
    if N == 0:
        raise ValueError("cannot make minibatches of an empty data set")
    if shuffle:
        if rng is None:
            raise TypeError("minibatches(shuffle=True) needs rng: an int seed or np.random.default_rng(seed)")
        order = as_rng(rng).permutation(N)
    else:
        order = np.arange(N)
    stop = N - N % batch_size if drop_last else N
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], T[idx]


def n_batches(N: int, batch_size: int, drop_last: bool = False) -> int:
    """Updates per epoch: ceil(N / batch_size) (floor with ``drop_last``)."""
    check_positive(batch_size, "batch_size", integer=True)
    return N // batch_size if drop_last else -(-N // batch_size)


def one_hot(y, n_classes: int) -> np.ndarray:
    """Integer labels (N,) -> one-hot rows (N, K), as on the slides' digit example."""
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise ValueError(f"one_hot needs integer labels of shape (N,), got {y.dtype} {shape_str(y.shape)}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must be in 0..{n_classes - 1}, got {y.min()}..{y.max()}")
    out = np.zeros((y.size, n_classes))
    out[np.arange(y.size), y] = 1.0
    return out


class Split(NamedTuple):
    """Train / validation / test arrays."""
    X_train: np.ndarray
    T_train: np.ndarray
    X_val: np.ndarray
    T_val: np.ndarray
    X_test: np.ndarray
    T_test: np.ndarray


def split(X, y, val: float = 0.2, test: float = 0.2, seed=0) -> Split:
    """Deterministic stratified split: the same seed gives the same rows."""
    if not (0 <= val < 1 and 0 <= test < 1 and val + test < 1):
        raise ValueError(f"val and test fractions must be in [0, 1) with val + test < 1, got {val}, {test}")
    rng = as_rng(seed, "seed")
    y = np.asarray(y)
    parts = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_test = int(round(test * idx.size))
        n_val = int(round(val * idx.size))
        parts["test"].append(idx[:n_test])
        parts["val"].append(idx[n_test:n_test + n_val])
        parts["train"].append(idx[n_test + n_val:])
    out = []
    for key in ("train", "val", "test"):
        idx = rng.permutation(np.concatenate(parts[key]))
        out += [X[idx], y[idx]]
    return Split(*out)


def _digits_arrays():
    """The 1,797 digits as X (1797, 64) float and y (1797,) int, from scikit-learn's bundled file.

    Reads ``sklearn/datasets/data/digits.csv.gz`` directly (importing
    sklearn.datasets takes a second or two, which every homework kernel
    would pay); falls back to ``sklearn.datasets.load_digits``.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.exists():
            data = np.loadtxt(path, delimiter=",")
            return data[:, :-1].astype(np.float64), data[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits as _load

    d = _load()
    return d.data.astype(np.float64), d.target.astype(np.int64)


def load_digits(val: float = 0.2, test: float = 0.2, seed=0, scale: str = "unit") -> Split:
    """scikit-learn's bundled handwritten digits: 1,797 images of 8×8 pixels, 10 classes.

    Each image becomes a vector of 64 inputs (the slides use 16×16 = 256), and
    each class one output. scale: ``"unit"`` divides the 0..16 pixel values by
    16; ``"standard"`` standardises with the training set's mean and std;
    ``"none"`` keeps raw values. The split is stratified and fixed by ``seed``.
    """
    X, y = _digits_arrays()
    s = split(X, y, val=val, test=test, seed=seed)
    if scale == "unit":
        return Split(s.X_train / 16, s.T_train, s.X_val / 16, s.T_val, s.X_test / 16, s.T_test)
    if scale == "standard":
        mu, sd = s.X_train.mean(axis=0), s.X_train.std(axis=0) + 1e-8
        return Split((s.X_train - mu) / sd, s.T_train, (s.X_val - mu) / sd, s.T_val,
                     (s.X_test - mu) / sd, s.T_test)
    if scale == "none":
        return s
    raise ValueError(f"scale must be 'unit', 'standard' or 'none', got {scale!r}")


def logic_gate(name: str):
    """Truth table of AND, OR, XOR, NAND or NOR: X (4, 2) of 0/1 and y (4,)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    a, b = X[:, 0].astype(bool), X[:, 1].astype(bool)
    table = {"AND": a & b, "OR": a | b, "XOR": a ^ b, "NAND": ~(a & b), "NOR": ~(a | b)}
    key = str(name).upper()
    if key not in table:
        raise ValueError(f"unknown gate {name!r}; choose one of {', '.join(table)}")
    return X, table[key].astype(np.int64)


def moons(n: int = 200, noise: float = 0.1, seed=0):
    """Two interleaving half circles in 2-D: X (n, 2), y (n,) in {0, 1}."""
    check_positive(n, "n", integer=True)
    rng = as_rng(seed, "seed")
    n0 = n // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n - n0)
    X = np.vstack([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.r_[np.zeros(n0, np.int64), np.ones(n - n0, np.int64)]
    X = X + noise * rng.standard_normal(X.shape)
    idx = rng.permutation(n)
    return X[idx], y[idx]


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed=0):
    """A small circle inside a large one: X (n, 2), y (n,) with 1 for the inner circle."""
    check_positive(n, "n", integer=True)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor}")
    rng = as_rng(seed, "seed")
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.vstack([np.c_[np.cos(t0), np.sin(t0)], factor * np.c_[np.cos(t1), np.sin(t1)]])
    y = np.r_[np.zeros(n0, np.int64), np.ones(n - n0, np.int64)]
    X = X + noise * rng.standard_normal(X.shape)
    idx = rng.permutation(n)
    return X[idx], y[idx]


def spirals(n_per_class: int = 100, classes: int = 3, noise: float = 0.2, turns: float = 1.0, seed=0):
    """Interleaved spiral arms (CS231n's toy data): X (n_per_class*classes, 2), y (N,)."""
    check_positive(n_per_class, "n_per_class", integer=True)
    check_positive(classes, "classes", integer=True)
    rng = as_rng(seed, "seed")
    X, y = [], []
    for c in range(classes):
        r = np.linspace(0.0, 1.0, n_per_class)
        t = turns * 4.0 * r + c * 2 * np.pi / classes + noise * rng.standard_normal(n_per_class)
        X.append(np.c_[r * np.sin(t), r * np.cos(t)])
        y.append(np.full(n_per_class, c, np.int64))
    X, y = np.vstack(X), np.concatenate(y)
    idx = rng.permutation(len(y))
    return X[idx], y[idx]


def regression_1d(n: int = 100, noise: float = 0.1, seed=0, f=None):
    """A 1-D regression toy: x uniform in [-1, 1], t = f(x) + noise.

    Default f(x) = sin(3x) + 0.3x. Returns X (n, 1) sorted by x and T (n, 1).
    """
    check_positive(n, "n", integer=True)
    rng = as_rng(seed, "seed")
    f = f or (lambda x: np.sin(3 * x) + 0.3 * x)
    x = np.sort(rng.uniform(-1, 1, n))
    t = f(x) + noise * rng.standard_normal(n)
    return x[:, None], t[:, None]
