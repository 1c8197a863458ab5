"""Training-step time of nnlab vs a hand-written numpy loop vs PyTorch (CPU),
and seconds to 97 % test accuracy on the digits for nnlab vs scikit-learn.

One step = forward, softmax cross-entropy, backward, SGD update, on one
minibatch, in float64 for all three (the same arithmetic). ReLU hidden layers.
"""

from __future__ import annotations

import time

import numpy as np

import nnlab
from nnlab.losses import describe
from nnlab.train import train_step

SIZES = {
    "64-32-10 b32": ([64, 32, 10], 32),
    "64-128-10 b32": ([64, 128, 10], 32),
    "64-16-16-16-16-10 b32": ([64, 16, 16, 16, 16, 10], 32),
    "784-512-512-10 b256": ([784, 512, 512, 10], 256),
}
COURSE_SIZES = ("64-32-10 b32", "64-128-10 b32", "64-16-16-16-16-10 b32")
ETA = 0.01


def _median_steps(steps: dict, batches: dict, repeats: int) -> dict:
    """Median seconds per step of each implementation.

    The implementations take turns block by block, so a busy machine slows
    them alike; each block runs every batch once.
    """
    for name, step in steps.items():             # warm up
        for Xb, yb in batches[name][:3]:
            step(Xb, yb)
    times = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            bs = batches[name]
            t0 = time.perf_counter()
            for Xb, yb in bs:
                step(Xb, yb)
            times[name].append((time.perf_counter() - t0) / len(bs))
    return {name: float(np.median(ts)) for name, ts in times.items()}


def _batches(sizes, batch, n_batches, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((batch, sizes[0])), rng.integers(0, sizes[-1], batch)) for _ in range(n_batches)]


def nnlab_step(sizes):
    """The step exactly as nnlab.fit runs it (fit checks the data set once, before the first step)."""
    net = nnlab.MLP(sizes, hidden="relu", seed=0)
    opt = nnlab.SGD(eta=ETA)
    loss = describe("softmax_cross_entropy").fast   # fit's per-step kernel

    def step(Xb, yb):
        train_step(net, Xb, yb, loss, opt)
    return step


def numpy_step(sizes):
    """The minimum: the same arithmetic written out by hand, no checks, no bookkeeping."""
    rng = np.random.default_rng(0)
    Ws = [rng.normal(0, np.sqrt(2 / m), (n, m)) for m, n in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(n) for n in sizes[1:]]
    L = len(Ws)

    def step(X, y):
        As, Zs = [X], []
        A = X
        for l in range(L):
            Z = A @ Ws[l].T + bs[l]
            Zs.append(Z)
            A = np.maximum(Z, 0) if l < L - 1 else Z
            As.append(A)
        N = X.shape[0]
        rows = np.arange(N)
        S = A - A.max(axis=1, keepdims=True)
        E = np.exp(S)
        total = E.sum(axis=1, keepdims=True)
        cost = (np.log(total).sum() - S[rows, y].sum()) / N    # the cost a training loop reports
        P = E / total
        P[rows, y] -= 1
        D = P / N
        for l in range(L - 1, -1, -1):
            dW = D.T @ As[l]
            db = D.sum(axis=0)
            if l:
                D = (D @ Ws[l]) * (Zs[l - 1] > 0)
            Ws[l] -= ETA * dW
            bs[l] -= ETA * db
        return cost
    return step


def torch_step(sizes):
    import torch

    torch.manual_seed(0)
    layers = []
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(m, n, dtype=torch.float64))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=ETA)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(Xb, yb):
        opt.zero_grad()
        loss_fn(model(Xb), yb).backward()
        opt.step()
    return step


def step_times(quick: bool) -> dict:
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None
    out = {}
    for key, (sizes, batch) in SIZES.items():
        big = sizes[0] > 100
        n_b, repeats = (4, 7) if big else (20, 41)
        if quick:
            n_b, repeats = max(2, n_b // 5), 3
        batches = _batches(sizes, batch, n_b)
        # nnlab and the hand-written loop take turns; PyTorch runs in a phase of its own,
        # because its OpenMP threads keep spinning after a call and would slow whatever runs next.
        row = _median_steps({"nnlab": nnlab_step(sizes), "numpy": numpy_step(sizes)},
                            {"nnlab": batches, "numpy": batches}, repeats)
        if torch is not None:
            tb = [(torch.from_numpy(X), torch.from_numpy(y)) for X, y in batches]
            row.update(_median_steps({"torch": torch_step(sizes)}, {"torch": tb}, repeats))
        out[key] = row
        print(f"   {key:24s} " + "  ".join(f"{k} {v * 1e6:9.1f} us" for k, v in row.items()), flush=True)
    return out


def digits_97(quick: bool) -> dict:
    """Training seconds until the test accuracy first reaches 97 % (checked after each epoch)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    s = nnlab.load_digits(scale="standard", seed=0)
    out = {}

    net = nnlab.MLP([64, 256, 10], seed=1)
    opt = nnlab.SGD(eta=0.05, momentum=0.9, weight_decay=1e-3)
    rng = np.random.default_rng(1)
    elapsed, epochs = 0.0, 0
    while epochs < 200:
        t0 = time.perf_counter()
        nnlab.fit(net, s.X_train, s.T_train, epochs=1, batch_size=32, optimizer=opt, seed=rng)
        elapsed += time.perf_counter() - t0
        epochs += 1
        if nnlab.evaluate(net, s.X_test, s.T_test)[1] >= 0.97:
            break
    out["nnlab"] = elapsed
    out["nnlab_epochs"] = epochs

    # scikit-learn's defaults (Adam, batch 200), one epoch per fit() call through warm_start:
    # its own training loop, as a user would run it.
    clf = MLPClassifier(hidden_layer_sizes=(256,), random_state=1, max_iter=1, warm_start=True)
    elapsed, epochs = 0.0, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        while epochs < 300:
            t0 = time.perf_counter()
            clf.fit(s.X_train, s.T_train)
            elapsed += time.perf_counter() - t0
            epochs += 1
            if clf.score(s.X_test, s.T_test) >= 0.97:
                break
    out["sklearn"] = elapsed
    out["sklearn_epochs"] = epochs
    print(f"   digits to 97%: nnlab {out['nnlab']:.3f} s ({out['nnlab_epochs']} epochs), "
          f"sklearn {out['sklearn']:.3f} s ({out['sklearn_epochs']} epochs)", flush=True)
    return out


def run(quick: bool = False) -> dict:
    st = step_times(quick)
    d97 = digits_97(quick)
    goals = {
        "nnlab_within_1.25x_numpy": all(r["nnlab"] <= 1.25 * r["numpy"] for r in st.values()),
        "nnlab_faster_than_torch_course_sizes": all(st[k]["nnlab"] < st[k]["torch"] for k in COURSE_SIZES if "torch" in st[k]) if all("torch" in st[k] for k in COURSE_SIZES) else None,
        "nnlab_faster_than_sklearn_to_97": d97["nnlab"] < d97["sklearn"],
    }
    return {"step_time": st, "digits_97": d97, "goals_nnlab": goals}
