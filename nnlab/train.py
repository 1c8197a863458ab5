"""Training loop: minibatch SGD for some epochs, with a per-epoch history."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import NonFiniteError, as_float_array, as_rng, check_labels, check_positive, shape_str
from .data import minibatches, n_batches
from .losses import PENALTIES, accuracy, describe
from .optim import SGD


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during training."""


@dataclass
class History:
    """Per-epoch records of a ``fit``.

    loss, acc: on the whole training set in evaluation mode after each epoch
    (no dropout; the data loss without the penalty). val_loss, val_acc: the
    same on the validation set (empty if none was given). step_loss: the cost
    of every minibatch as it was trained on (with dropout and penalty).
    acc lists are empty for regression losses.

    With early stopping (``fit(..., patience=k)``): best_epoch is the epoch
    with the lowest val_loss (1-based), stopped_epoch the epoch after which
    training stopped because val_loss had not improved for ``patience`` epochs
    (None if it ran all epochs).
    """

    loss: list = field(default_factory=list)
    acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, list) else v for k, v in self.__dict__.items()}


def _as_targets(net, T, loss):
    """Targets as the loss expects them: 0/1 labels (N,) become (N, 1) for one binary output."""
    T = np.asarray(T)
    if loss.targets == "binary" and T.ndim == 1 and net.sizes[-1] == 1:
        return T.reshape(-1, 1).astype(np.float64)
    return T


def evaluate(net, X, T, loss="softmax_cross_entropy"):
    """Cost and accuracy of ``net`` on (X, T) in evaluation mode (no dropout).

    Returns ``(C, acc)``; acc is None for regression losses.
    """
    loss = describe(loss)
    T = _as_targets(net, T, loss)
    Y = net.forward(X, train=False)
    C, _ = loss(Y, T)
    if not loss.classification:
        return C, None
    if Y.shape[1] == 1:
        pred = net.predict(X)
        return C, float(np.mean(pred == np.asarray(T).reshape(-1)))
    return C, accuracy(Y, T)


def train_step(net, Xb, Tb, loss, optimizer, penalty=None, lam: float = 0.0) -> float:
    """One minibatch step as ``fit`` does it: forward, cost, backward, update. Returns the cost.

    Xb, Tb must already be checked (``fit`` checks the whole data set once);
    ``loss`` is a function ``loss(Y, T) -> (C, dY)`` (fit passes the
    description's ``fast`` kernel when it has one). If the cost is NaN or infinite, no update is
    made and the cost is returned for the caller to report.
    """
    Y = net.forward(Xb, train=True, check=False)
    C, dY = loss(Y, Tb)                          # a NaN or inf in Y makes C NaN or inf
    if penalty is not None and math.isfinite(C):
        P, pgrads = PENALTIES[penalty](net.params, lam)
        C += P
    if not math.isfinite(C):
        return C
    grads = net.backward(dY, check=False)
    if penalty is not None:
        for k, g in pgrads.items():
            grads[k] = grads[k] + g
    optimizer.step(net.params, grads)
    return C


def fit(net, X, T, *, epochs: int, batch_size: int, optimizer=None, loss="softmax_cross_entropy",
        penalty: str | None = None, lam: float | None = None, seed=0, X_val=None, T_val=None,
        progress: bool = False, callback=None, patience: int | None = None, min_delta: float = 0.0,
        restore_best: bool = True) -> History:
    """Train ``net`` with minibatch SGD; returns a ``History``.

    X: (N, n_0) inputs; T: labels (N,) / one-hot (N, K) or targets (N, K).
    epochs, batch_size: positive integers (batch_size 1 is SGD, N is full batch).
    optimizer: an ``SGD`` (default ``SGD(eta=0.1)``). loss: a name from
    ``nnlab.losses.LOSSES``, a function ``loss(Y, T) -> (C, dY)``, or an
    ``nnlab.losses.Loss`` describing one (what it takes, what targets it wants).
    Everything is checked once before the first step; then each step runs the
    loss's ``fast`` kernel if its description has one, else the loss itself.
    penalty: ``"l2"`` or ``"l1"`` with strength ``lam`` (required with a penalty). seed: int or Generator
    for the shuffling. progress: show a tqdm bar. callback(epoch, net, history)
    is called after each epoch.

    Early stopping: with ``patience=k`` (needs X_val, T_val), training stops
    when the validation cost has not fallen by more than ``min_delta`` for k
    epochs in a row; with ``restore_best`` (default) the network gets back the
    weights of its best epoch. ``History.best_epoch`` and ``stopped_epoch`` say
    what happened. This is the stopping criterion of minibatch SGD ("if the
    stopping criteria are not met, go back to step 1").

    Raises ``TrainingDiverged`` naming the epoch and step when the cost
    becomes NaN or infinite.
    """
    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    optimizer = optimizer if optimizer is not None else SGD(eta=0.1)
    loss = describe(loss)
    X = as_float_array(X, "X", ndim=2, hint=" (N examples, n_0 features)")
    T = _as_targets(net, T, loss)
    if len(T) != len(X):
        hint = " (is X transposed? examples go in rows: use X.T)" if X.shape[1] == len(T) else ""
        raise ValueError(f"X has {len(X)} examples but T has {len(T)}: they must match row for row{hint}")
    if X.shape[1] != net.sizes[0]:
        raise ValueError(f"{net!r} expects {net.sizes[0]} input features, got X of shape {shape_str(X.shape)}")
    name = loss.name
    if loss.applies == "softmax" and net.sizes[-1] == 1:
        raise ValueError(
            f"{net!r} has one output, but softmax cross-entropy needs one output per class. For two classes "
            "with one output use loss='binary_cross_entropy' (labels 0/1, output='identity'); or give the "
            "network one output per class.")
    if loss.targets == "values" and T.ndim == 1 and net.sizes[-1] > 1 and np.issubdtype(T.dtype, np.integer):
        raise ValueError(
            f"{name} compares the network output Y (N, {net.sizes[-1]}) with targets T of the same shape, but T "
            f"holds {len(T)} integer labels, shape {shape_str(T.shape)}. Turn them into one-hot rows first: "
            f"T = nnlab.data.one_hot(T, {net.sizes[-1]}).")
    if loss.targets == "labels":
        T = check_labels(T, "T (labels)", len(X), net.sizes[-1])
    if T_val is not None and X_val is None:
        raise ValueError("T_val given without X_val: pass both (the validation inputs and their targets), or neither")
    has_val = X_val is not None
    if has_val:
        if T_val is None:
            raise ValueError("X_val given without T_val: pass both (the validation inputs and their targets), or neither")
        X_val = as_float_array(X_val, "X_val", ndim=2, hint=" (N_val examples, n_0 features)")
        if X_val.shape[1] != net.sizes[0]:
            raise ValueError(f"{net!r} expects {net.sizes[0]} input features, got X_val of shape "
                             f"{shape_str(X_val.shape)} (X has {X.shape[1]}: are X and X_val from the same data?)")
        T_val = _as_targets(net, T_val, loss)
        if len(T_val) != len(X_val):
            raise ValueError(f"X_val has {len(X_val)} examples but T_val has {len(T_val)}: they must match row for row")
        if loss.targets == "labels":
            T_val = check_labels(T_val, "T_val (labels)", len(X_val), net.sizes[-1])
    if loss.applies is not None and net.output.name != "identity":
        raise ValueError(
            f"loss {name!r} takes logits (the raw z of the last layer) and applies the "
            f"{loss.applies} itself, but the network's output activation is {net.output.name!r}: "
            f"that would apply it twice. Build the network with output='identity'."
        )
    if penalty is not None and penalty not in PENALTIES:
        raise ValueError(f"unknown penalty {penalty!r}; choose 'l2', 'l1' or None")
    if penalty is not None and lam is None:
        raise ValueError(f"penalty={penalty!r} needs its strength lam (λ), e.g. lam=1e-3; "
                         "without it there would be no penalty at all")
    if penalty is None and lam:
        raise ValueError(f"lam={lam} is the strength of a penalty, but penalty is None: add penalty='l2' or 'l1'")
    lam = 0.0 if lam is None else lam
    if patience is not None:
        if not has_val:
            raise ValueError(f"patience={patience} stops training when the validation cost stops improving, "
                             "but no validation set was given: pass X_val and T_val (e.g. data.X_val, data.T_val)")
        check_positive(patience, "patience", integer=True)
    if not (isinstance(min_delta, (int, float)) and math.isfinite(min_delta) and min_delta >= 0):
        raise ValueError(f"min_delta must be a number >= 0 (the smallest fall in validation cost that counts "
                         f"as an improvement), got {min_delta!r}")
    best_cost, best_params = math.inf, None
    rng = as_rng(seed, "seed")
    step_loss = loss.fast or loss.fn        # the one fast path: all data checked above
    hist = History()
    epoch_iter = range(1, epochs + 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(epoch_iter, desc="epochs", unit="epoch")
        epoch_iter = bar
    steps_per_epoch = n_batches(len(X), batch_size)
    for epoch in epoch_iter:
        with np.errstate(over="ignore", invalid="ignore"):   # divergence is reported below instead
            for step, (Xb, Tb) in enumerate(minibatches(X, T, batch_size, rng), start=1):
                try:
                    C = train_step(net, Xb, Tb, step_loss, optimizer, penalty, lam)
                except NonFiniteError:           # a loss that checks its input met an infinite output
                    C = float("nan")
                if not math.isfinite(C):
                    raise TrainingDiverged(
                        f"training diverged at epoch {epoch}, step {step} of {steps_per_epoch}: the cost is "
                        f"{C}. The learning rate (eta={getattr(optimizer, 'eta', '?')}) is probably too "
                        "large: try a smaller one (e.g. divide it by 10)."
                    )
                hist.step_loss.append(float(C))
        if not all(np.isfinite(p).all() for p in net.params.values()):
            raise TrainingDiverged(
                f"training diverged at epoch {epoch}, step {steps_per_epoch} of {steps_per_epoch}: the last "
                f"update made the parameters infinite or NaN. The learning rate (eta="
                f"{getattr(optimizer, 'eta', '?')}) is probably too large: try a smaller one (e.g. divide it by 10).")
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                c, a = evaluate(net, X, T, loss)
                hist.loss.append(c)
                if a is not None:
                    hist.acc.append(a)
                if has_val:
                    c, a = evaluate(net, X_val, T_val, loss)
                    hist.val_loss.append(c)
                    if a is not None:
                        hist.val_acc.append(a)
        except NonFiniteError:
            raise TrainingDiverged(
                f"training diverged at epoch {epoch}, step {steps_per_epoch} of {steps_per_epoch}: after it the "
                f"network's output overflows to infinity. The learning rate (eta={getattr(optimizer, 'eta', '?')}) "
                "is probably too large: try a smaller one (e.g. divide it by 10).") from None
        if bar is not None:
            bar.set_postfix(loss=f"{hist.loss[-1]:.4f}")
        if callback is not None:
            callback(epoch, net, hist)
        if patience is not None:
            if hist.val_loss[-1] < best_cost - min_delta:
                best_cost, hist.best_epoch = hist.val_loss[-1], epoch
                best_params = net.get_params() if restore_best else None
            elif epoch - hist.best_epoch >= patience:
                hist.stopped_epoch = epoch
                break
    if patience is not None and restore_best and best_params is not None:
        net.set_params(best_params)
    if bar is not None:
        bar.close()
    return hist
