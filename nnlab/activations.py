r"""Activation functions σ and their derivatives σ'.

Every function here works element-wise on an array ``Z`` of any shape
(typically ``(N, n_l)``: one example per row), except ``softmax`` and
``maxout``, which work along the last axis.

Slides: :math:`a^l = \sigma(z^l)`; backprop needs :math:`\sigma'(z^l)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


def step(Z):
    r"""Threshold (step) unit: :math:`\sigma(z) = 1` if :math:`z \ge 0`, else 0.

    Z: (...) -> (...) of 0.0 and 1.0.
    """
    return (np.asarray(Z) >= 0).astype(np.float64)


def step_prime(Z):
    """Derivative of the step: 0 everywhere it exists (undefined at z = 0).

    This is why a perceptron cannot be trained by gradient descent.
    """
    return np.zeros_like(np.asarray(Z, dtype=np.float64))


def identity(Z):
    r"""Linear (identity) activation :math:`\sigma(z) = z`."""
    return np.asarray(Z)


def identity_prime(Z):
    r""":math:`\sigma'(z) = 1`."""
    return np.ones_like(np.asarray(Z, dtype=np.float64))


def sigmoid(Z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, numerically stable.

    Uses :math:`e^{-|z|}` so that z = ±1000 gives 0 or 1 without overflow.
    Z: (...) -> (...) in [0, 1].
    """
    Z = np.asarray(Z, dtype=np.float64)
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(Z):
    r""":math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`, at most 1/4 (at z = 0)."""
    s = sigmoid(Z)
    return s * (1.0 - s)


def tanh(Z):
    r"""Hyperbolic tangent :math:`\tanh z = (e^z - e^{-z})/(e^z + e^{-z})`, in (-1, 1)."""
    return np.tanh(Z)


def tanh_prime(Z):
    r""":math:`\tanh'(z) = 1 - \tanh^2 z`, at most 1 (at z = 0)."""
    t = np.tanh(Z)
    return 1.0 - t * t


def relu(Z):
    r"""Rectified linear unit :math:`\max(0, z)`."""
    return np.maximum(Z, 0.0)


def relu_prime(Z):
    r""":math:`1` for :math:`z > 0`, else 0 (the value at the kink z = 0 is taken as 0)."""
    return (np.asarray(Z) > 0).astype(np.float64)


def _check_slope(slope):
    if isinstance(slope, bool) or not isinstance(slope, (int, float, np.floating, np.integer)) or not 0 <= slope <= 1:
        raise ValueError(
            f"leaky ReLU slope must be a number in [0, 1] (the slides use 0.1), got {slope!r}: then the function "
            "computed, where(z > 0, z, slope*z), equals max(slope*z, z) and rises with z (slope 0 is ReLU, 1 is the identity)")
    return float(slope)


def leaky_relu(Z, slope: float = 0.1):
    r"""Leaky ReLU: :math:`z` if :math:`z > 0`, else :math:`\text{slope}\cdot z`; the slides use slope 0.1 and
    write it :math:`\max(\text{slope}\cdot z, z)`, which is the same for slope in [0, 1] (the only slopes accepted).

    (PyTorch's default slope is 0.01; pass ``slope=0.01`` to match it.)
    """
    Z = np.asarray(Z, dtype=np.float64)
    slope = _check_slope(slope)
    return np.where(Z > 0, Z, slope * Z)


def leaky_relu_prime(Z, slope: float = 0.1):
    r""":math:`1` for :math:`z > 0`, else ``slope``."""
    slope = _check_slope(slope)
    return np.where(np.asarray(Z) > 0, 1.0, slope)


def elu(Z, alpha: float = 1.0):
    r"""Exponential linear unit: :math:`z` if :math:`z > 0`, else :math:`\alpha(e^z - 1)`."""
    Z = np.asarray(Z, dtype=np.float64)
    return np.where(Z > 0, Z, alpha * np.expm1(np.minimum(Z, 0.0)))


def elu_prime(Z, alpha: float = 1.0):
    r""":math:`1` if :math:`z > 0`, else :math:`\alpha e^z`."""
    Z = np.asarray(Z, dtype=np.float64)
    return np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0.0)))


def softmax(Z):
    r"""Softmax along the last axis: :math:`a_k = e^{z_k} / \sum_j e^{z_j}`.

    Subtracts the row maximum first, so logits of ±1000 stay finite.
    Z: (N, K) -> (N, K), each row sums to 1.
    """
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def softmax_jacobian(z):
    r"""Jacobian of softmax for one example: :math:`\partial a_i/\partial z_j = a_i(\delta_{ij} - a_j)`.

    z: (K,) -> (K, K). Softmax is not element-wise, so its derivative is a matrix.
    """
    a = softmax(np.asarray(z, dtype=np.float64))
    return np.diag(a) - np.outer(a, a)


def softmax_backward(dA, A):
    r"""Vector-Jacobian product of softmax, one row per example.

    dA: (N, K) gradient of the cost with respect to the softmax output A (N, K).
    Returns dZ: (N, K), :math:`dZ = A \odot (dA - \sum_k dA_k A_k)`.
    """
    return A * (dA - (dA * A).sum(axis=-1, keepdims=True))


def maxout(Z, pieces: int):
    r"""Maxout: the maximum over groups of ``pieces`` consecutive linear units.

    Slides: :math:`\max(w_1^T x + b_1, w_2^T x + b_2)`.
    Z: (N, n * pieces) -> (N, n).
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.shape[-1] % pieces:
        raise ValueError(
            f"maxout with pieces={pieces} needs a multiple of {pieces} inputs per example, "
            f"got {Z.shape[-1]}"
        )
    return Z.reshape(*Z.shape[:-1], Z.shape[-1] // pieces, pieces).max(axis=-1)


def maxout_prime(Z, pieces: int):
    r"""Derivative of maxout: 1 for the winning unit of each group, 0 for the others.

    Z: (N, n * pieces) -> (N, n * pieces). Ties go to the first unit.
    """
    Z = np.asarray(Z, dtype=np.float64)
    G = Z.reshape(*Z.shape[:-1], Z.shape[-1] // pieces, pieces)
    winner = G.argmax(axis=-1)[..., None]
    mask = np.zeros_like(G)
    np.put_along_axis(mask, winner, 1.0, axis=-1)
    return mask.reshape(Z.shape)


def maxout_backward(dA, Z, pieces: int):
    """Route each group's gradient to its winning unit. dA: (N, n), Z: (N, n * pieces)."""
    return maxout_prime(Z, pieces) * np.repeat(dA, pieces, axis=-1)


@dataclass(frozen=True)
class Activation:
    """An element-wise activation σ with its derivative σ' and its parameters.

    ``act(Z)`` computes σ(Z); ``act.prime(Z)`` computes σ'(Z);
    ``act.backward(dA, Z, A)`` returns dC/dZ given dC/dA (for element-wise σ
    this is ``sigma_prime(Z) * dA``, the slides' ⊙; softmax uses its Jacobian).
    """

    name: str
    f: Callable = field(repr=False)
    f_prime: Callable = field(repr=False)
    params: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "_kw", dict(self.params))

    def __call__(self, Z):
        return self.f(Z, **self._kw)

    def prime(self, Z):
        return self.f_prime(Z, **self._kw)

    def backward(self, dA, Z, A):
        name = self.name
        if name == "relu":
            return dA * (Z > 0)                  # σ'(z) ⊙ dA without building σ'(z) as floats
        if name == "identity":
            return dA
        if name == "softmax":
            return softmax_backward(dA, A)
        return self.f_prime(Z, **self._kw) * dA


def _softmax_prime_error(Z):
    raise ValueError("softmax is not element-wise: use softmax_jacobian(z) or softmax_backward(dA, A)")


_TABLE = {
    "step": (step, step_prime, ()),
    "identity": (identity, identity_prime, ()),
    "linear": (identity, identity_prime, ()),
    "sigmoid": (sigmoid, sigmoid_prime, ()),
    "tanh": (tanh, tanh_prime, ()),
    "relu": (relu, relu_prime, ()),
    "leaky_relu": (leaky_relu, leaky_relu_prime, ("slope",)),
    "elu": (elu, elu_prime, ("alpha",)),
    "softmax": (softmax, _softmax_prime_error, ()),
}

ACTIVATIONS = tuple(_TABLE)


def get_activation(name, **params) -> Activation:
    """Look up an activation by name: one of ``nnlab.activations.ACTIVATIONS``.

    ``get_activation("leaky_relu", slope=0.2)``, ``get_activation("elu", alpha=0.5)``.
    An ``Activation`` passed in is returned unchanged.
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str) or name not in _TABLE:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)} "
            "(maxout is a layer: nnlab.layers.Maxout)"
        )
    f, f_prime, allowed = _TABLE[name]
    unknown = set(params) - set(allowed)
    if unknown:
        raise ValueError(
            f"activation {name!r} takes {', '.join(allowed) or 'no parameters'}, got {', '.join(sorted(unknown))}"
        )
    if name == "leaky_relu" and "slope" in params:
        _check_slope(params["slope"])
    canonical = "identity" if name == "linear" else name
    return Activation(canonical, f, f_prime, tuple(sorted(params.items())))
