r"""Gradient checking with central differences (float64).

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}, \quad h = 10^{-5}

and the relative error of CS231n's notes, :math:`|a - n| / \max(|a|, |n|)`,
taken over the whole gradient as one vector (norms instead of absolute values)
so that entries that are almost zero do not blow it up. In float64 a correct
gradient gives about 1e-9 or less; 1e-7 is this project's threshold.
"""

from __future__ import annotations

import numpy as np

from .layers import Dropout
from .losses import get_loss, PENALTIES

THRESHOLD = 1e-7


def numerical_gradient(f, x, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f()`` with respect to array ``x``.

    ``x`` is changed in place one entry at a time and restored, so ``f`` should
    read it (for example a network's weight array). Returns an array shaped like x.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("numerical_gradient needs a float64 numpy array x (changed in place and restored)")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = float(f())
        x[i] = old - h
        f_minus = float(f())
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric) -> float:
    r"""``||a - n|| / max(||a||, ||n||)`` (0 when both are 0)."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} vs {n.shape}")
    denom = max(np.linalg.norm(a), np.linalg.norm(n))
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def check_loss(loss, Y, T, h: float = 1e-5) -> float:
    """Relative error between a loss's gradient dC/dY and central differences."""
    loss = get_loss(loss)
    Y = np.array(Y, dtype=np.float64)
    _, dY = loss(Y, T)
    num = numerical_gradient(lambda: loss(Y, T)[0], Y, h)
    return relative_error(dY, num)


def check_activation(act, Z, h: float = 1e-5) -> float:
    """Relative error between ``act.prime(Z)`` (element-wise σ') and central differences of σ."""
    Z = np.array(Z, dtype=np.float64)
    num = (act(Z + h) - act(Z - h)) / (2 * h)
    return relative_error(act.prime(Z), num)


def check_layer(layer, X, rng=0, h: float = 1e-5) -> dict:
    """Check a layer's backward against central differences.

    Uses the scalar f = sum(layer.forward(X) * G) for a fixed random G, so
    dC/d(output) = G. Dropout masks are held fixed. Returns relative errors for
    "X" and every parameter name.
    """
    X = np.array(X, dtype=np.float64)
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    train = isinstance(layer, Dropout)
    out = layer.forward(X, train=train)
    mask = getattr(layer, "mask", None)

    def f():
        if train:
            return float(np.sum(layer.forward(X, train=True, mask=mask) * G))
        return float(np.sum(layer.forward(X) * G))

    G = rng.standard_normal(out.shape)
    f()
    dX = layer.backward(G)
    grads = {k: v.copy() for k, v in layer.grads.items()}
    errors = {"X": relative_error(dX, numerical_gradient(f, X, h))}
    for k, p in layer.params.items():
        errors[k] = relative_error(grads[k], numerical_gradient(f, p, h))
    return errors


def check_network(net, X, T, loss="softmax_cross_entropy", penalty=None, lam: float = 0.0,
                  h: float = 1e-5) -> dict:
    """Check backprop through a whole MLP: relative error per parameter ("W1", "b1", ...).

    With dropout the masks of one training forward pass are held fixed.
    """
    loss = get_loss(loss)
    X = np.asarray(X, dtype=np.float64)
    train = net.keep_prob < 1.0
    net.forward(X, train=train)
    masks = net.masks[1:-1] if train else None

    def cost():
        C, dY = loss(net.forward(X, train=train, masks=masks), T)
        if penalty is not None:
            C += PENALTIES[penalty](net.params, lam)[0]
        return C

    Y = net.forward(X, train=train, masks=masks)
    _, dY = loss(Y, T)
    grads = {k: v.copy() for k, v in net.backward(dY).items()}
    if penalty is not None:
        for k, g in PENALTIES[penalty](net.params, lam)[1].items():
            grads[k] = grads[k] + g
    return {k: relative_error(grads[k], numerical_gradient(cost, p, h)) for k, p in net.params.items()}
