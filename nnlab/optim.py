r"""Stochastic gradient descent: :math:`\theta \leftarrow \theta - \eta \nabla C(\theta)`."""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import shape_str


class SGD:
    r"""Gradient descent with learning rate ``eta`` (η), optional momentum,
    weight decay and max-norm constraint. Updates parameters in place.

    With momentum μ (PyTorch's convention): :math:`v \leftarrow \mu v + g`,
    :math:`\theta \leftarrow \theta - \eta v`. Weight decay λ adds λW to the
    gradient of every weight matrix (keys starting with "W"; biases are not
    decayed), the gradient of the L2 penalty λ/2‖W‖². ``max_norm`` c rescales
    each neuron's incoming weights (each row of W^l) to norm at most c after
    the step (Srivastava et al., 2014).
    """

    def __init__(self, eta: float = 0.1, momentum: float = 0.0, weight_decay: float = 0.0,
                 max_norm: float | None = None):
        if isinstance(eta, bool) or not isinstance(eta, numbers.Real):
            raise TypeError(f"learning rate eta must be a number, got {eta!r}")
        if not np.isfinite(eta) or eta <= 0:
            raise ValueError(
                f"learning rate eta must be a positive number, got {eta!r} "
                "(gradient descent steps against the gradient; try 0.01 to 0.5)"
            )
        for name, value in (("momentum", momentum), ("weight_decay", weight_decay)) + (
                (("max_norm", max_norm),) if max_norm is not None else ()):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__}); "
                                f"e.g. SGD(eta=0.1, {name}={'0.9' if name == 'momentum' else '1e-4'})")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")
        if max_norm is not None and not max_norm > 0:
            raise ValueError(f"max_norm must be > 0 or None, got {max_norm!r}")
        self.eta = float(eta)
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self.max_norm = max_norm
        self.velocity: dict[str, np.ndarray] = {}
        self._params_id = None    # the parameter dict (network) whose velocity this optimizer holds

    def __repr__(self):
        return (f"SGD(eta={self.eta}, momentum={self.momentum}, weight_decay={self.weight_decay}, "
                f"max_norm={self.max_norm})")

    def step(self, params: dict, grads: dict):
        """One update of every parameter that has a gradient: θ ← θ − η g."""
        if self.momentum:
            if self._params_id is None:
                self._params_id = id(params)
            elif self._params_id != id(params):
                raise ValueError(
                    "this SGD already updates another network: its momentum (velocity) belongs to that "
                    "network's parameters and would carry over. Create a new SGD(...) for each network.")
        for k, g in grads.items():
            if k not in params:
                raise ValueError(f"gradient {k!r} has no matching parameter; parameters are {', '.join(params)}")
            p = params[k]
            if g.shape != p.shape:
                raise ValueError(f"gradient {k} has shape {shape_str(g.shape)} but parameter {k} has {shape_str(p.shape)}")
            if self.weight_decay and k.startswith("W"):
                g = g + self.weight_decay * p
            if self.momentum:
                v = self.velocity.get(k)
                if v is None:
                    v = self.velocity[k] = np.zeros_like(p)
                v *= self.momentum
                v += g
                g = v
            p -= self.eta * g
            if self.max_norm is not None and k.startswith("W") and p.ndim == 2:
                norms = np.sqrt((p * p).sum(axis=1, keepdims=True))
                p *= np.minimum(1.0, self.max_norm / np.maximum(norms, 1e-12))
