r"""A fully connected feedforward network (multi-layer perceptron) in the slides' notation.

Layer 0 is the input (:math:`a^0 = x`); for l = 1..L

.. math:: z^l = W^l a^{l-1} + b^l, \qquad a^l = \sigma(z^l)

with examples in rows: ``Z[l] = A[l-1] @ W.T + b``. Backpropagation:

.. math:: \delta^L = \sigma'(z^L) \odot \nabla_a C, \qquad
          \delta^l = \sigma'(z^l) \odot (W^{l+1})^T \delta^{l+1}, \qquad
          \partial C/\partial W^l = \delta^l (a^{l-1})^T
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_rng, check_keep_prob, shape_str
from .activations import get_activation
from .layers import dense_backward, dense_forward, dropout_mask, init_weights


class MLP:
    """Multi-layer perceptron from layer sizes ``[n_0, n_1, ..., n_L]``.

    sizes: input size, hidden sizes, output size, e.g. ``[64, 32, 10]``.
    hidden: activation of hidden layers (a name or ``get_activation(...)``).
    output: activation of the output layer; ``"identity"`` gives logits for
        ``softmax_cross_entropy``; ``"sigmoid"`` with ``mse`` is the slides' setting.
    keep_prob: probability of keeping each hidden unit under (inverted) dropout
        during training; 1.0 means no dropout.
    seed: int seed or ``np.random.Generator`` for the initial weights and the
        dropout masks.
    init: ``"he"``, ``"xavier"``, ``"normal"``; default He for the ReLU family,
        Xavier otherwise.

    After ``forward``, ``net.Z[l]`` and ``net.A[l]`` hold z^l and a^l (N, n_l)
    for l = 0..L (``Z[0]`` is None, ``A[0]`` is the input); after ``backward``,
    ``net.Delta[l]`` holds δ^l and ``net.grads["W1"]`` etc. the gradients.
    Parameters are ``net.params["W1"]`` (n_1, n_0), ``net.params["b1"]`` (n_1,), ...
    """

    def __init__(self, sizes, hidden="relu", output="identity", keep_prob: float = 1.0,
                 seed=0, init: str | None = None):
        sizes = list(sizes)
        if len(sizes) < 2 or any(not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1 for n in sizes):
            raise ValueError(
                f"sizes must list at least an input and an output size, all positive integers, "
                f"e.g. [64, 32, 10]; got {sizes}"
            )
        self.sizes = [int(n) for n in sizes]
        self.L = len(sizes) - 1
        self.hidden = get_activation(hidden)
        self.output = get_activation(output)
        if self.hidden.name == "softmax":
            raise ValueError("softmax is an output activation; choose relu, tanh, sigmoid, ... for hidden layers")
        self.keep_prob = check_keep_prob(keep_prob)
        self.rng = as_rng(seed, "seed")
        if init is None:
            init = "he" if self.hidden.name in ("relu", "leaky_relu", "elu") else "xavier"
        self.init = init
        self.params: dict[str, np.ndarray] = {}
        for l in range(1, self.L + 1):
            W, b = init_weights(self.sizes[l - 1], self.sizes[l], self.rng, init)
            self.params[f"W{l}"], self.params[f"b{l}"] = W, b
        self._names = [(f"W{l}", f"b{l}") for l in range(1, self.L + 1)]
        self.grads: dict[str, np.ndarray] = {}
        self.Z: list = []
        self.A: list = []
        self.Delta: list = []
        self.masks: list = []

    def _sigma_prime(self, Z):
        """σ' of the hidden layers; ReLU's as a boolean 0/1 mask (the same products, no float array built)."""
        return Z > 0 if self.hidden.name == "relu" else self.hidden.prime(Z)

    def __repr__(self):
        return (f"MLP({'-'.join(map(str, self.sizes))}, hidden={self.hidden.name}, "
                f"output={self.output.name}, keep_prob={self.keep_prob})")

    @property
    def n_params(self) -> int:
        """Number of weights and biases."""
        return int(sum(p.size for p in self.params.values()))

    def forward(self, X, train: bool = False, masks=None, *, check: bool = True):
        """Compute a^L for a batch X (N, n_0); keeps every z^l and a^l.

        train: apply dropout to hidden layers (fresh masks from the network's rng,
            or the given ``masks``: a list with one (N, n_l) array per hidden layer).
        check: check X and the masks first. ``fit`` checks the whole data set once
            and passes check=False for each minibatch, as ``dense_forward`` does.
        Returns A[L]: (N, n_L).
        """
        if check:
            X, masks = self._checked_input(X, masks)
        dropout = train and self.keep_prob < 1.0
        self.Z, self.A, self.masks = [None], [X], [None]
        A, L, params = X, self.L, self.params
        for l, (kW, kb) in enumerate(self._names, start=1):
            Z, _ = dense_forward(A, params[kW], params[kb], check=False)   # z^l = W^l a^{l-1} + b^l
            A = (self.output if l == L else self.hidden)(Z)               # a^l = σ(z^l)
            mask = None
            if dropout and l < L:
                mask = dropout_mask(A.shape, self.keep_prob, self.rng) if masks is None else masks[l - 1]
                A = A * mask
            self.Z.append(Z)
            self.A.append(A)
            self.masks.append(mask)
        return A

    __call__ = forward

    def backward(self, dC_dA, *, check: bool = True):
        """Backpropagate dC/da^L (N, n_L) from the last ``forward``; returns the gradients.

        δ^L = σ'(z^L) ⊙ dC/da^L, then δ^l = σ'(z^l) ⊙ (δ^{l+1} W^{l+1}) going back,
        and dW^l = δ^lᵀ a^{l-1}, db^l = Σ_rows δ^l. The result (also ``net.grads``)
        maps "W1", "b1", ... to arrays shaped like the parameters; it is
        recomputed, never accumulated, on every call. check=False skips the
        shape check (``fit``'s per-step call).
        """
        if check:
            dC_dA = self._checked_gradient(dC_dA)
        L, params, Z, A = self.L, self.params, self.Z, self.A
        sigma_prime = self._sigma_prime
        grads = {}
        Delta = [None] * (L + 1)
        # δ^L = σ'(z^L) ⊙ ∇_a C (softmax: its Jacobian; identity: ∇_a C itself)
        Delta[L] = self.output.backward(dC_dA, Z[L], A[L])
        for l in range(L - 1, -1, -1):
            kW, kb = self._names[l]                    # "W{l+1}", "b{l+1}"
            Delta_next, W_next = Delta[l + 1], params[kW]
            # layer l+1's gradients δ^{l+1} (a^l)ᵀ and δ^{l+1}, and dA = (W^{l+1})ᵀ δ^{l+1} (Delta_next @ W_next)
            dA, grads[kW], grads[kb] = dense_backward(Delta_next, (A[l], W_next), need_dA_prev=l > 0)
            if l == 0:
                break                                  # no δ for the input layer
            if self.masks[l] is not None:              # dropout: the same mask as in forward
                dA = dA * self.masks[l]
            Delta[l] = sigma_prime(Z[l]) * dA          # δ^l = σ'(z^l) ⊙ (W^{l+1})ᵀ δ^{l+1}
        self.Delta = Delta
        self.grads = grads
        return grads

    def _checked_input(self, X, masks):
        """X (N, n_0) and the dropout masks as forward needs them, or a clear error."""
        X = as_float_array(X, "X", ndim=2, hint=" (N examples, n_0 features)")
        if X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"{self!r} expects inputs with {self.sizes[0]} features (W1 has shape "
                f"{shape_str(self.params['W1'].shape)}), got X of shape {shape_str(X.shape)}"
            )
        if masks is not None:
            if len(masks) != self.L - 1:
                raise ValueError(f"masks must hold one array per hidden layer ({self.L - 1}), got {len(masks)}")
            masks = [as_float_array(m, f"masks[{l - 1}]", ndim=2) for l, m in enumerate(masks, start=1)]
            for l, m in enumerate(masks, start=1):
                if m.shape != (X.shape[0], self.sizes[l]):
                    raise ValueError(
                        f"masks[{l - 1}] (for hidden layer {l}) must have shape (N, n_{l}) = "
                        f"{shape_str((X.shape[0], self.sizes[l]))}, one entry per example and unit; "
                        f"got {shape_str(m.shape)}")
        return X, masks

    def _checked_gradient(self, dC_dA):
        """dC/da^L as backward needs it: the shape of the last forward's output."""
        if not self.A:
            raise RuntimeError("call forward(X) before backward(dC_dA)")
        dC_dA = np.asarray(dC_dA, dtype=np.float64)
        if dC_dA.shape != self.A[self.L].shape:
            raise ValueError(
                f"dC_dA must have the shape of the network output {shape_str(self.A[self.L].shape)}, "
                f"got {shape_str(dC_dA.shape)}"
            )
        return dC_dA

    def predict(self, X) -> np.ndarray:
        """Predicted class labels (N,): the largest output wins; one output is thresholded."""
        Y = self.forward(X, train=False)
        if Y.shape[1] > 1:
            return Y.argmax(axis=1)
        threshold = 0.5 if self.output.name in ("sigmoid", "step") else 0.0
        return (Y[:, 0] > threshold).astype(np.int64)

    def get_params(self) -> dict:
        """A copy of the parameters (to save or restore a network)."""
        return {k: v.copy() for k, v in self.params.items()}

    def set_params(self, params: dict):
        """Replace the parameters, checking names and shapes."""
        for k, v in self.params.items():
            if k not in params:
                raise ValueError(f"set_params: missing {k}")
            new = np.asarray(params[k], dtype=np.float64)
            if new.shape != v.shape:
                raise ValueError(f"set_params: {k} must have shape {shape_str(v.shape)}, got {shape_str(new.shape)}")
            self.params[k] = new.copy()
