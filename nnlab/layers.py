r"""Layers with ``forward`` and ``backward``, in the slides' notation.

A layer maps ``A_prev`` (N, n_{l-1}) to its output (N, n_l); ``forward`` keeps
what ``backward`` needs, and ``backward(dA)`` takes dC/d(output) and returns
dC/d(input), storing parameter gradients in ``layer.grads`` (same keys as
``layer.params``). Gradients are overwritten on every call, never accumulated.

The functional pair ``dense_forward`` / ``dense_backward`` follows CS231n's
``forward(...) -> (out, cache)``, ``backward(dout, cache) -> grads`` style.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_rng, check_keep_prob, check_positive, shape_str
from .activations import get_activation, maxout, maxout_backward

INITS = ("he", "xavier", "normal", "zeros")


def init_weights(n_in: int, n_out: int, rng, init: str = "he", scale: float = 0.01):
    """Initial ``W`` of shape (n_out, n_in) and ``b`` of shape (n_out,) = 0.

    init: ``"he"`` (normal, std sqrt(2/n_in), for ReLU), ``"xavier"`` (uniform
    ±sqrt(6/(n_in+n_out)), for sigmoid/tanh), ``"normal"`` (std ``scale``) or
    ``"zeros"``. ``rng`` is an int seed or a ``np.random.Generator``.
    """
    check_positive(n_in, "n_in", integer=True)
    check_positive(n_out, "n_out", integer=True)
    rng = as_rng(rng)
    if init == "he":
        W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
    elif init == "xavier":
        limit = np.sqrt(6.0 / (n_in + n_out))
        W = rng.uniform(-limit, limit, size=(n_out, n_in))
    elif init == "normal":
        W = rng.normal(0.0, scale, size=(n_out, n_in))
    elif init == "zeros":
        W = np.zeros((n_out, n_in))
    else:
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
    return W, np.zeros(n_out)


def dense_forward(A_prev, W, b, check: bool = True):
    r"""Affine map of a batch: :math:`z^l = W^l a^{l-1} + b^l`, one example per row.

    A_prev: (N, n_{l-1}), W: (n_l, n_{l-1}), b: (n_l,).
    Returns Z: (N, n_l) = ``A_prev @ W.T + b`` and cache = (A_prev, W).
    check=False skips the checks of types, shapes and finiteness (``MLP`` checks its input
    once and then calls this for every layer).
    """
    if not check:
        return A_prev @ W.T + b, (A_prev, W)
    A_prev = as_float_array(A_prev, "A_prev", ndim=2, hint=" (N examples, n_prev features)")
    W = as_float_array(W, "W", ndim=2, hint=" (n, n_prev)")
    b = as_float_array(b, "b", ndim=1, hint=" (n,)")
    if A_prev.shape[1] != W.shape[1] or b.shape != (W.shape[0],):
        raise ValueError(
            f"dense_forward needs A_prev (N, n_prev), W (n, n_prev), b (n,); got A_prev "
            f"{shape_str(A_prev.shape)}, W {shape_str(W.shape)}, b {shape_str(b.shape)}"
        )
    return A_prev @ W.T + b, (A_prev, W)


def dense_backward(dZ, cache, need_dA_prev: bool = True):
    r"""Gradients of the affine map, given dZ = dC/dZ = δ^l (N, n_l).

    Slides: :math:`\partial C/\partial w^l_{ij} = a^{l-1}_j \delta^l_i`, summed over examples.
    Returns dA_prev (N, n_{l-1}) = ``dZ @ W``, dW (n_l, n_{l-1}) = ``dZ.T @ A_prev``,
    db (n_l,) = ``dZ.sum(axis=0)``.
    need_dA_prev=False returns None for dA_prev (the first layer's, dC/dX, is seldom needed).
    """
    A_prev, W = cache
    return (dZ @ W if need_dA_prev else None), dZ.T @ A_prev, dZ.sum(axis=0)


class Layer:
    """Base class: ``params`` and ``grads`` dicts, ``forward`` and ``backward``."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, X, train: bool = False):  # pragma: no cover - interface
        raise NotImplementedError

    def backward(self, dA):  # pragma: no cover - interface
        raise NotImplementedError

    def __call__(self, X, train: bool = False):
        return self.forward(X, train=train)

    def _need_forward(self):
        if getattr(self, "_cache", None) is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")


class Dense(Layer):
    r"""Fully connected layer :math:`Z = A_{prev} W^T + b`.

    n_in = n_{l-1}, n_out = n_l; ``params["W"]`` has shape (n_out, n_in), the slides' W^l.
    """

    def __init__(self, n_in: int, n_out: int, rng, init: str = "he", name: str = "dense"):
        super().__init__()
        self.name = name
        W, b = init_weights(n_in, n_out, rng, init)
        self.params = {"W": W, "b": b}
        self._cache = None

    def forward(self, X, train: bool = False):
        X = as_float_array(X, f"{self.name} input", ndim=2)
        W = self.params["W"]
        if X.shape[1] != W.shape[1]:
            raise ValueError(
                f"{self.name} expects inputs with {W.shape[1]} features (W has shape "
                f"{shape_str(W.shape)}), got input of shape {shape_str(X.shape)}"
            )
        Z, self._cache = dense_forward(X, W, self.params["b"])
        return Z

    def backward(self, dZ):
        self._need_forward()
        dX, dW, db = dense_backward(dZ, self._cache)
        self.grads = {"W": dW, "b": db}
        return dX


class ActivationLayer(Layer):
    """Applies σ element-wise (or softmax by row); keeps Z and A for backward."""

    def __init__(self, name: str = "relu", **params):
        super().__init__()
        self.act = get_activation(name, **params)
        self.name = self.act.name
        self._cache = None

    def forward(self, Z, train: bool = False):
        Z = np.asarray(Z, dtype=np.float64)
        A = self.act(Z)
        self._cache = (Z, A)
        return A

    def backward(self, dA):
        self._need_forward()
        Z, A = self._cache
        return self.act.backward(dA, Z, A)


class Maxout(Layer):
    r"""Maxout over groups of ``pieces`` consecutive units: (N, n*pieces) -> (N, n).

    Put it after a ``Dense(n_in, n * pieces)``: each output is
    :math:`\max_k (w_k^T x + b_k)`, as on the slides.
    """

    def __init__(self, pieces: int = 2):
        super().__init__()
        self.pieces = check_positive(pieces, "pieces", integer=True)
        self._cache = None

    def forward(self, Z, train: bool = False):
        Z = np.asarray(Z, dtype=np.float64)
        self._cache = Z
        return maxout(Z, self.pieces)

    def backward(self, dA):
        self._need_forward()
        return maxout_backward(dA, self._cache, self.pieces)


def dropout_mask(shape, keep_prob: float, rng) -> np.ndarray:
    """Inverted-dropout mask: each entry is 1/keep_prob with probability keep_prob, else 0.

    Multiplying by it drops units and rescales the kept ones so that the
    expected activation is unchanged: E[mask] = 1.
    """
    keep_prob = check_keep_prob(keep_prob)
    return (as_rng(rng).random(shape) < keep_prob) / keep_prob


class Dropout(Layer):
    """Inverted dropout. ``keep_prob`` is the probability of KEEPING a unit.

    Training (``train=True``): multiply by a fresh mask from ``rng``
    (or the ``mask`` given). Evaluation (``train=False``): identity, no scaling
    needed because training already scaled by 1/keep_prob.
    """

    def __init__(self, keep_prob: float, rng):
        super().__init__()
        self.keep_prob = check_keep_prob(keep_prob)
        self.rng = as_rng(rng)
        self.mask = None

    def forward(self, A, train: bool = False, mask=None):
        A = np.asarray(A, dtype=np.float64)
        if not train or self.keep_prob == 1.0:
            self.mask = None
            return A
        if mask is None:
            mask = dropout_mask(A.shape, self.keep_prob, self.rng)
        elif np.shape(mask) != A.shape:
            raise ValueError(f"dropout mask must have shape {shape_str(A.shape)}, got {shape_str(np.shape(mask))}")
        self.mask = mask
        return A * mask

    def backward(self, dA):
        return dA if self.mask is None else dA * self.mask
