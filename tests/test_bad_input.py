"""Bad input as a student would give it: each case fails early, names the argument, says what was
expected, what came and what to do (issue 12's table, and more of the same family)."""

from __future__ import annotations

import numpy as np
import pytest

import nnlab
from nnlab import MLP, SGD, TrainingDiverged, fit
from nnlab.activations import get_activation, leaky_relu
from nnlab.data import minibatches
from nnlab.layers import dense_forward

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4))
T = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)      # 3 classes


def net(sizes=(4, 8, 3), **kw):
    return MLP(list(sizes), seed=0, **kw)


def test_a_penalty_without_its_strength():
    with pytest.raises(ValueError, match=r"penalty='l2' needs its strength lam.*lam=1e-3"):
        fit(net(), X, T, epochs=1, batch_size=10, penalty="l2")
    with pytest.raises(ValueError, match=r"lam=0.1 is the strength of a penalty, but penalty is None"):
        fit(net(), X, T, epochs=1, batch_size=10, lam=0.1)


def test_a_momentum_optimizer_is_bound_to_one_network():
    opt = SGD(eta=0.1, momentum=0.9)
    fit(net(), X, T, epochs=1, batch_size=10, optimizer=opt)
    with pytest.raises(ValueError, match=r"already updates another network.*new SGD"):
        fit(net(), X, T, epochs=1, batch_size=10, optimizer=opt)          # same shape
    with pytest.raises(ValueError, match=r"already updates another network"):
        fit(net((4, 16, 3)), X, T, epochs=1, batch_size=10, optimizer=opt)  # wider
    same = net()
    opt2 = SGD(eta=0.1, momentum=0.9)
    fit(same, X, T, epochs=1, batch_size=10, optimizer=opt2)
    fit(same, X, T, epochs=1, batch_size=10, optimizer=opt2)           # continuing the same network is fine


def test_validation_data_is_checked_before_training():
    with pytest.raises(ValueError, match=r"T_val given without X_val"):
        fit(net(), X, T, epochs=1, batch_size=10, T_val=T[:5])
    with pytest.raises(ValueError, match=r"X_val given without T_val"):
        fit(net(), X, T, epochs=1, batch_size=10, X_val=X[:5])
    with pytest.raises(ValueError, match=r"X_val has 5 examples but T_val has 4"):
        fit(net(), X, T, epochs=1, batch_size=10, X_val=X[:5], T_val=T[:4])
    with pytest.raises(ValueError, match=r"got X_val of shape \(5, 3\)"):
        fit(net(), X, T, epochs=1, batch_size=10, X_val=X[:5, :3], T_val=T[:5])
    with pytest.raises(ValueError, match=r"T_val \(labels\)"):
        fit(net(), X, T, epochs=1, batch_size=10, X_val=X[:5], T_val=np.array([0, 1, 2, 3, 7]))


def test_divergence_is_always_training_diverged_with_epoch_and_step():
    Xr = RNG.normal(size=(30, 1)) * 10
    Tr = 3 * Xr
    with pytest.raises(TrainingDiverged, match=r"epoch \d+, step \d+ of 3.*smaller"):
        fit(MLP([1, 8, 1], hidden="relu", output="identity", seed=0), Xr, Tr, epochs=50, batch_size=10,
            loss="mse", optimizer=SGD(eta=5.0))
    with pytest.raises(TrainingDiverged, match=r"epoch \d+, step 1 of 1: .*smaller"):
        fit(net(), X * 1e3, T, epochs=3, batch_size=len(X), optimizer=SGD(eta=1e100))


def test_lists_work_where_arrays_do():
    Z, cache = dense_forward([[1.0, 2.0]], [[1.0, 0.0], [0.0, 1.0]], [0.5, -0.5])
    assert np.allclose(Z, [[1.5, 1.5]])
    batches = list(minibatches([[1.0], [2.0], [3.0]], [0, 1, 0], 2, rng=0))
    assert [len(b[1]) for b in batches] == [2, 1]
    with pytest.raises(ValueError, match=r"W must be 2-D"):
        dense_forward([[1.0, 2.0]], [1.0, 2.0], [0.0])


def test_leaky_relu_slope_must_keep_the_formula_true():
    for bad in (1.5, -0.1, "0.1"):
        with pytest.raises(ValueError, match=r"slope must be a number in \[0, 1\]"):
            get_activation("leaky_relu", slope=bad)
        with pytest.raises(ValueError, match=r"slope must be a number in \[0, 1\]"):
            leaky_relu(np.ones(2), slope=bad)
    z = np.linspace(-2, 2, 9)
    assert np.allclose(leaky_relu(z, 0.3), np.maximum(0.3 * z, z))


def test_dropout_masks_must_have_the_layers_shape():
    n = net(keep_prob=0.5)
    with pytest.raises(ValueError, match=r"masks\[0\] \(for hidden layer 1\) must have shape \(N, n_1\) = \(40, 8\).*got \(1, 8\)"):
        n.forward(X, train=True, masks=[np.ones((1, 8))])


def test_optimizer_settings_must_be_numbers():
    with pytest.raises(TypeError, match=r"momentum must be a number, got '0.9' \(str\)"):
        SGD(eta=0.1, momentum="0.9")
    with pytest.raises(TypeError, match=r"weight_decay must be a number"):
        SGD(eta=0.1, weight_decay=None)
    with pytest.raises(TypeError, match=r"learning rate eta must be a number"):
        SGD(eta="0.1")
    with pytest.raises(ValueError, match=r"eta must be a positive number"):
        SGD(eta=0.0)


def test_the_loss_must_fit_the_output_layer():
    with pytest.raises(ValueError, match=r"one output.*binary_cross_entropy"):
        fit(MLP([4, 8, 1], seed=0), X, (T > 0).astype(int), epochs=1, batch_size=10)
    with pytest.raises(ValueError, match=r"one_hot\(T, 3\)"):
        fit(MLP([4, 8, 3], output="sigmoid", seed=0), X, T, epochs=1, batch_size=10, loss="mse")
    with pytest.raises(ValueError, match=r"applies the softmax itself.*output='identity'"):
        fit(MLP([4, 8, 3], output="softmax", seed=0), X, T, epochs=1, batch_size=10)


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(epochs=0, batch_size=10), r"epochs must be"),
    (dict(epochs=1, batch_size=0), r"batch_size must be"),
    (dict(epochs=1.5, batch_size=10), r"epochs must be an integer"),
    (dict(epochs=1, batch_size=10, penalty="l3", lam=0.1), r"unknown penalty 'l3'"),
])
def test_fit_arguments_of_the_same_family(kwargs, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        fit(net(), X, T, **kwargs)


def test_labels_and_inputs_of_the_same_family():
    with pytest.raises(ValueError, match=r"T \(labels\)"):
        fit(net(), X, T + 5, epochs=1, batch_size=10)                    # labels out of range for 3 outputs
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"X contains nan at index \(3, 1\)"):
        fit(net(), Xn, T, epochs=1, batch_size=10)
    with pytest.raises(ValueError, match=r"keep_prob"):
        MLP([4, 8, 3], keep_prob=0.0)
    with pytest.raises(ValueError, match=r"X has 40 examples but T has 39"):
        fit(net(), X, T[:-1], epochs=1, batch_size=10)


def my_mse(Y, T):
    """A student's own loss: a plain function (Y, T) -> (C, dY)."""
    D = Y - T
    return float((D ** 2).sum()) / (2 * len(Y)), D / len(Y)


def test_a_users_own_loss_is_checked_like_a_builtin():
    # described as taking outputs and real targets of Y's shape: the same checks as mse run before step 1
    with pytest.raises(ValueError, match=r"my_mse compares the network output.*one_hot\(T, 3\)"):
        fit(net(output="sigmoid"), X, T, epochs=1, batch_size=10, loss=my_mse)
    T1 = nnlab.data.one_hot(T, 3)
    with pytest.raises(ValueError, match=r"got X_val of shape \(5, 3\)"):
        fit(net(output="sigmoid"), X, T1, epochs=1, batch_size=10, loss=my_mse, X_val=X[:5, :3], T_val=T1[:5])
    with pytest.raises(TrainingDiverged, match=r"epoch 1, step \d+ of 4.*smaller"):
        fit(net(output="identity"), X * 1e3, T1, epochs=1, batch_size=10, loss=my_mse,
            optimizer=SGD(eta=1e6))
    hist = fit(net(output="sigmoid"), X, T1, epochs=2, batch_size=10, loss=my_mse)
    assert len(hist.loss) == 2 and hist.acc == []


def test_a_loss_described_as_taking_logits_gets_the_logit_checks():
    logit_loss = nnlab.losses.Loss(my_mse, takes="logits", applies="softmax", targets="values")
    with pytest.raises(ValueError, match=r"'my_mse' takes logits.*applies the softmax itself.*output='identity'"):
        fit(net(output="softmax"), X, nnlab.data.one_hot(T, 3), epochs=1, batch_size=10, loss=logit_loss)
    with pytest.raises(ValueError, match=r"Loss\(takes=...\) must be 'logits' or 'outputs', got 'probs'"):
        nnlab.losses.Loss(my_mse, takes="probs")
    with pytest.raises(ValueError, match=r"Loss\(targets=...\) must be 'labels', 'binary' or 'values'"):
        nnlab.losses.Loss(my_mse, targets="onehot")
    with pytest.raises(TypeError, match=r"must be a function"):
        nnlab.losses.Loss("mse")


def test_every_builtin_loss_is_described_once():
    for name, fn in nnlab.losses.LOSSES.items():
        d = nnlab.losses.describe(name)
        assert d.fn is fn and d is nnlab.losses.describe(fn)
    assert nnlab.losses.describe("softmax_cross_entropy").fast is not None
