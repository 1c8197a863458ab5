r"""nnlab: the neural-network basics of NYCU's "Introduction to AI, Lecture 4", in numpy.

Notation (the slides use column vectors; code puts one example per row)
======================================================================

=====================================================  ======================================  ================
slides                                                 code                                    shape
=====================================================  ======================================  ================
W^l (w_ij^l: neuron j of layer l-1 -> neuron i of l)    ``net.params["W1"]``, ``"W2"``, ...     (n_l, n_{l-1})
b^l                                                    ``net.params["b1"]``, ...               (n_l,)
z^l = W^l a^{l-1} + b^l                                ``Z = A_prev @ W.T + b``                (N, n_l)
a^l = σ(z^l), a^0 = x                                  ``A = sigma(Z)``                        (N, n_l)
δ^L = σ'(z^L) ⊙ ∇_a C                                  ``Delta = sigma_prime(Z) * dC_dA``      (N, n_L)
δ^l = σ'(z^l) ⊙ (W^{l+1})ᵀ δ^{l+1}                     ``Delta = sigma_prime(Z) * (Delta_next @ W_next)``  (N, n_l)
∂C/∂W^l = δ^l (a^{l-1})ᵀ                               ``dW = Delta.T @ A_prev``               (n_l, n_{l-1})
∂C/∂b^l = δ^l                                          ``db = Delta.sum(axis=0)``              (n_l,)
network output a^L                                     ``Y``                                   (N, n_L)
target                                                 ``T``: labels (N,) or one-hot (N, n_L)   (N,) / (N, n_L)
=====================================================  ======================================  ================

The slides write y for the network's output and ŷ for the target; other notes
reverse them. The code uses ``Y`` (output) and ``T`` (target) to avoid the
clash: ``loss(Y, T)``, ``fit(net, X, T, X_val=..., T_val=...)`` and
``Split(X_train, T_train, X_val, T_val, X_test, T_test)``.

The cost is the batch mean C = (1/N) Σ_r C^r, so the 1/N lives in dC/dA and the
sums over rows above are already means. Randomness only comes from an explicit
seed or ``np.random.Generator``.

Modules: ``activations``, ``layers``, ``losses``, ``network`` (MLP), ``optim``
(SGD), ``data`` (data sets, minibatches), ``train`` (fit), ``gradcheck``,
``plotting``, ``widgets`` (sliders).
"""

from . import activations, data, gradcheck, layers, losses, network, optim, plotting, train
from .activations import get_activation, relu, sigmoid, softmax, tanh
from .data import load_digits, minibatches
from .gradcheck import check_layer, check_loss, check_network, numerical_gradient, relative_error
from .layers import Dense, Dropout, Maxout, dense_backward, dense_forward
from .losses import accuracy, confusion_matrix, get_loss
from .network import MLP
from .optim import SGD
from .train import History, TrainingDiverged, evaluate, fit

__version__ = "0.1.0"

__all__ = [
    "MLP", "SGD", "Dense", "Dropout", "Maxout", "History", "TrainingDiverged",
    "accuracy", "activations", "check_layer", "check_loss", "check_network", "confusion_matrix",
    "data", "dense_backward", "dense_forward", "evaluate", "fit", "get_activation", "get_loss",
    "gradcheck", "layers", "load_digits", "losses", "minibatches", "network", "numerical_gradient",
    "optim", "plotting", "relative_error", "relu", "sigmoid", "softmax", "tanh", "train",
]
