r"""Losses (cost functions) as batch means, each with its gradient.

Every loss has the signature ``loss(Y, T) -> (C, dY)`` where ``Y`` is the
network output (N, K), ``T`` the targets, ``C`` the scalar cost
:math:`C = \frac{1}{N}\sum_r C^r` (the slides' mean over examples) and
``dY = dC/dY`` of shape (N, K). Because C is a mean, the 1/N is inside dY.

Penalties ``l2_penalty`` and ``l1_penalty`` take a parameter dict and return
``(value, grads)``; metrics are at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import as_float_array, check_labels, shape_str
from .activations import sigmoid, softmax


def _outputs_and_targets(Y, T, name):
    Y = as_float_array(Y, "Y (network output)", ndim=(1, 2))
    T = as_float_array(T, "T (targets)", ndim=(1, 2))
    if Y.shape != T.shape:
        raise ValueError(
            f"{name}: targets T must have the shape of the output Y {shape_str(Y.shape)}, "
            f"got {shape_str(T.shape)}"
        )
    return Y, T


def mse(Y, T):
    r"""Mean squared error :math:`C = \frac{1}{N}\sum_r \frac{1}{2}\|y^r - \hat y^r\|^2`.

    The 1/2 makes the gradient :math:`dY = (Y - T)/N`. Y, T: (N, K) or (N,).
    """
    Y, T = _outputs_and_targets(Y, T, "mse")
    N = Y.shape[0]
    D = Y - T
    return 0.5 * float(np.sum(D * D)) / N, D / N


def mae(Y, T):
    r"""Mean absolute error :math:`C = \frac{1}{N}\sum_r \|y^r - \hat y^r\|_1`; dY = sign(Y - T)/N."""
    Y, T = _outputs_and_targets(Y, T, "mae")
    N = Y.shape[0]
    D = Y - T
    return float(np.sum(np.abs(D))) / N, np.sign(D) / N


def log_softmax(Z):
    """Stable log-softmax by row. Z: (N, K) -> (N, K)."""
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2:
        return log_softmax(Z.reshape(-1, Z.shape[-1])).reshape(Z.shape)
    rows, top = np.arange(Z.shape[0]), Z.argmax(axis=1)
    S = Z - Z[rows, top][:, None]
    E = np.exp(S)
    E[rows, top] = 0.0      # log Σ e^S = log(1 + Σ others): log1p keeps a tiny sum's digits
    return S - np.log1p(E.sum(axis=1, keepdims=True))


def softmax_cross_entropy(Z, T):
    r"""Softmax cross-entropy from logits: :math:`C = -\frac{1}{N}\sum_r \log \mathrm{softmax}(z^r)_{t^r}`.

    Z: (N, K) logits (the output layer is linear). T: integer labels (N,) in
    0..K-1, or one-hot (N, K). Returns C and dZ = (softmax(Z) - onehot(T)) / N.
    Stable for logits of ±1000.
    """
    Z = as_float_array(Z, "Z (logits)", ndim=2, hint=" of shape (N examples, K classes)")
    return _softmax_cross_entropy(Z, check_labels(T, "T (labels)", *Z.shape))


def _softmax_cross_entropy(Z, t):
    """softmax_cross_entropy for checked float logits Z (N, K) and integer labels t (N,)."""
    N = Z.shape[0]
    logp = log_softmax(Z)
    rows = np.arange(N)
    dZ = np.exp(logp)
    dZ[rows, t] -= 1.0
    return -float(logp[rows, t].sum()) / N, dZ / N


def binary_cross_entropy(Z, T):
    r"""Binary cross-entropy from logits: :math:`C = \frac{1}{N}\sum -t\log\sigma(z) - (1-t)\log(1-\sigma(z))`.

    Z: (N,) or (N, 1) logits; T: 0/1 targets of the same shape.
    Uses :math:`\max(z,0) - zt + \log(1+e^{-|z|})`, stable for ±1000.
    Returns C and dZ = (σ(Z) - T) / N.
    """
    Z, T = _outputs_and_targets(Z, T, "binary_cross_entropy")
    if not np.all((T >= 0) & (T <= 1)):
        raise ValueError("binary_cross_entropy: targets T must be in [0, 1] (0/1 labels)")
    N = Z.shape[0]
    C = np.maximum(Z, 0.0) - Z * T + np.log1p(np.exp(-np.abs(Z)))
    return float(C.sum()) / N, (sigmoid(Z) - T) / N


def hinge(Z, T, margin: float = 1.0):
    r"""Multi-class hinge (SVM) loss :math:`C = \frac{1}{N}\sum_r \sum_{k \ne t} \max(0, z_k - z_t + \Delta)`.

    Z: (N, K) scores; T: labels (N,) or one-hot (N, K); ``margin`` is Δ.
    The subgradient at a hinge's kink is taken as 0.
    """
    Z = as_float_array(Z, "Z (scores)", ndim=2, hint=" of shape (N examples, K classes)")
    N, K = Z.shape
    t = check_labels(T, "T (labels)", N, K)
    rows = np.arange(N)
    M = Z - Z[rows, t][:, None] + margin
    M[rows, t] = 0.0
    active = (M > 0).astype(np.float64)
    dZ = active
    dZ[rows, t] = -active.sum(axis=1)
    return float(np.maximum(M, 0.0).sum()) / N, dZ / N


LOSSES = {
    "mse": mse,
    "mae": mae,
    "softmax_cross_entropy": softmax_cross_entropy,
    "cross_entropy": softmax_cross_entropy,
    "binary_cross_entropy": binary_cross_entropy,
    "hinge": hinge,
}


def _softmax_cross_entropy_fast(Z, t):
    """The same cost and gradient with the usual max-shifted log-sum-exp (fit's per-step kernel).

    It differs from ``softmax_cross_entropy`` only in the last bits of a cost
    near 0, which the log1p form keeps for gradient checks.
    """
    N = Z.shape[0]
    rows = np.arange(N)
    S = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(S)
    total = E.sum(axis=1, keepdims=True)
    C = float(np.log(total).sum() - S[rows, t].sum()) / N
    P = E / total
    P[rows, t] -= 1.0
    P /= N
    return C, P


@dataclass(frozen=True)
class Loss:
    """A loss described once, as ``fit`` and ``evaluate`` need to know it.

    fn: the loss itself, ``fn(Y, T) -> (C, dY)``, checking its input.
    takes: "logits" (the raw z^L; the loss applies ``applies`` itself, so the
        network's output must be 'identity') or "outputs" (a^L as it is).
    targets: "labels" (integer class labels (N,) in 0..K-1, or one-hot (N, K)),
        "binary" (0/1 targets, (N,) or (N, 1) for one output) or "values"
        (real targets with the shape of Y).
    fast: the same cost and gradient without input checks, for fit's per-step
        kernel once it has checked the whole data set (labels then arrive as
        integers (N,)); None means fit calls ``fn`` every step.

    A plain function ``loss(Y, T) -> (C, dY)`` given to ``fit`` is described as
    ``Loss(fn, takes="outputs", targets="values")``: it runs, checks and all,
    on every step. Wrap it in a ``Loss`` to say more.
    """
    fn: Callable
    takes: str = "outputs"
    targets: str = "values"
    applies: str | None = None
    fast: Callable | None = None

    def __post_init__(self):
        if not callable(self.fn):
            raise TypeError(f"Loss(fn=...) must be a function loss(Y, T) -> (C, dY), got {type(self.fn).__name__}")
        if self.takes not in ("logits", "outputs"):
            raise ValueError(f"Loss(takes=...) must be 'logits' or 'outputs', got {self.takes!r}")
        if self.targets not in ("labels", "binary", "values"):
            raise ValueError(f"Loss(targets=...) must be 'labels', 'binary' or 'values', got {self.targets!r}")

    @property
    def name(self) -> str:
        return getattr(self.fn, "__name__", repr(self.fn))

    @property
    def classification(self) -> bool:
        """True when the targets are classes (accuracy then means something)."""
        return self.targets in ("labels", "binary")

    def __call__(self, Y, T):
        return self.fn(Y, T)


# Each built-in loss, described once.
DESCRIPTIONS = {
    mse: Loss(mse, takes="outputs", targets="values"),
    mae: Loss(mae, takes="outputs", targets="values"),
    softmax_cross_entropy: Loss(softmax_cross_entropy, takes="logits", applies="softmax", targets="labels",
                                fast=_softmax_cross_entropy_fast),
    binary_cross_entropy: Loss(binary_cross_entropy, takes="logits", applies="sigmoid", targets="binary"),
    hinge: Loss(hinge, takes="logits", targets="labels"),
}


def describe(loss) -> Loss:
    """The ``Loss`` description of a loss given by name, function or ``Loss``.

    A function that is not one of nnlab's is described as taking outputs and
    real targets of Y's shape (see ``Loss``).
    """
    if isinstance(loss, Loss):
        return loss
    fn = get_loss(loss)
    return DESCRIPTIONS.get(fn) or Loss(fn)


def get_loss(name):
    """Look up a loss by name (a callable is returned unchanged, a ``Loss`` as its function)."""
    if isinstance(name, Loss):
        return name.fn
    if callable(name):
        return name
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[name]


def _weights(params):
    """The weight matrices of a parameter dict: keys starting with 'W' (biases are not penalised)."""
    return {k: v for k, v in params.items() if k.startswith("W")}


def l2_penalty(params, lam: float):
    r"""L2 penalty :math:`\frac{\lambda}{2}\sum_l \|W^l\|^2` on the weights (not biases).

    Returns (value, grads) with grads[k] = λ W for each weight k.
    """
    if lam < 0:
        raise ValueError(f"the penalty strength lam must be >= 0, got {lam}")
    W = _weights(params)
    value = 0.5 * lam * sum(float(np.sum(w * w)) for w in W.values())
    return value, {k: lam * w for k, w in W.items()}


def l1_penalty(params, lam: float):
    r"""L1 penalty :math:`\lambda\sum_l \|W^l\|_1` on the weights; grads λ sign(W)."""
    if lam < 0:
        raise ValueError(f"the penalty strength lam must be >= 0, got {lam}")
    W = _weights(params)
    value = lam * sum(float(np.sum(np.abs(w))) for w in W.values())
    return value, {k: lam * np.sign(w) for k, w in W.items()}


PENALTIES = {"l2": l2_penalty, "l1": l1_penalty}


# ---------------------------------------------------------------- metrics


def _labels(Y, name):
    Y = np.asarray(Y)
    if Y.ndim == 2 and Y.shape[1] > 1:
        return Y.argmax(axis=1)
    if Y.ndim == 1 and Y.dtype.kind in "iub":
        return Y.astype(np.int64)
    if Y.ndim == 1 and Y.dtype.kind == "f" and np.all(Y == np.round(Y)):
        return Y.astype(np.int64)
    raise ValueError(
        f"{name} must be scores (N, K) with K >= 2 or integer labels (N,), got shape "
        f"{shape_str(Y.shape)} dtype {Y.dtype}; for one binary output use (Y > threshold).astype(int)"
    )


def accuracy(Y, T) -> float:
    """Fraction of examples whose predicted class equals the label.

    Y: scores (N, K) (the largest wins, as on the slides) or predicted labels (N,).
    T: labels (N,) or one-hot (N, K).
    """
    pred = _labels(Y, "Y")
    true = _labels(T, "T")
    if pred.shape != true.shape:
        raise ValueError(f"accuracy: {pred.shape[0]} predictions but {true.shape[0]} labels")
    return float(np.mean(pred == true))


def top_k_accuracy(Z, T, k: int = 5) -> float:
    """Fraction of examples whose label is among the k largest scores. Z: (N, K)."""
    Z = as_float_array(Z, "Z (scores)", ndim=2)
    N, K = Z.shape
    if not 1 <= k <= K:
        raise ValueError(f"k must be in 1..{K}, got {k}")
    t = check_labels(T, "T (labels)", N, K)
    top = np.argpartition(-Z, k - 1, axis=1)[:, :k]
    return float(np.mean((top == t[:, None]).any(axis=1)))


def confusion_matrix(Y, T, n_classes: int | None = None) -> np.ndarray:
    """Counts M[i, j] of examples with true class i predicted as class j.

    Y: scores (N, K) or predicted labels (N,); T: labels (N,) or one-hot.
    """
    pred = _labels(Y, "Y")
    true = _labels(T, "T")
    K = n_classes or int(max(pred.max(initial=0), true.max(initial=0)) + 1)
    M = np.zeros((K, K), dtype=np.int64)
    np.add.at(M, (true, pred), 1)
    return M
