import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlab.gradcheck import check_layer
from nnlab.layers import (ActivationLayer, Dense, Dropout, Maxout, dense_backward, dense_forward,
                          dropout_mask, init_weights)


def test_dense_forward_hand_computed():
    A_prev = np.array([[1.0, 2.0], [0.0, -1.0]])          # 2 examples, n_{l-1} = 2
    W = np.array([[1.0, 0.0], [2.0, -1.0], [0.5, 0.5]])   # (n_l, n_{l-1}) = (3, 2)
    b = np.array([0.0, 1.0, -1.0])
    Z, _ = dense_forward(A_prev, W, b)
    np.testing.assert_array_equal(Z, [[1.0, 1.0, 0.5], [0.0, 2.0, -1.5]])


def test_dense_backward_hand_computed():
    A_prev = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0], [2.0, -1.0]])
    dZ = np.array([[0.5, -1.0]])
    dA, dW, db = dense_backward(dZ, (A_prev, W))
    np.testing.assert_array_equal(dW, [[0.5, 1.0], [-1.0, -2.0]])   # δ_i a_j
    np.testing.assert_array_equal(db, [0.5, -1.0])
    np.testing.assert_array_equal(dA, [[-1.5, 1.0]])                 # Wᵀ δ


@given(n=st.integers(1, 5), n_in=st.integers(1, 6), n_out=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_dense_gradients(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, rng, init="xavier")
    layer.params["b"] = rng.standard_normal(n_out)
    errs = check_layer(layer, rng.standard_normal((n, n_in)), rng=seed)
    assert max(errs.values()) < 1e-7, errs


@pytest.mark.parametrize("name,params", [("sigmoid", {}), ("tanh", {}), ("relu", {}), ("leaky_relu", {"slope": 0.2}),
                                         ("elu", {"alpha": 1.3}), ("softmax", {}), ("identity", {})])
@given(seed=st.integers(0, 2**16), shape=st.tuples(st.integers(1, 5), st.integers(2, 6)))
def test_activation_layer_gradients(name, params, seed, shape):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal(shape)
    Z[np.abs(Z) < 1e-3] = 0.1   # away from kinks
    assert check_layer(ActivationLayer(name, **params), Z, rng=seed)["X"] < 1e-7


@given(seed=st.integers(0, 2**16), pieces=st.integers(2, 4))
def test_maxout_layer_gradients(seed, pieces):
    rng = np.random.default_rng(seed)
    assert check_layer(Maxout(pieces), rng.standard_normal((3, 2 * pieces)), rng=seed)["X"] < 1e-7


@given(seed=st.integers(0, 2**16), keep=st.sampled_from([0.2, 0.5, 0.8, 1.0]))
def test_dropout_gradients_with_mask_held_fixed(seed, keep):
    rng = np.random.default_rng(seed)
    assert check_layer(Dropout(keep, rng), rng.standard_normal((4, 5)), rng=seed)["X"] < 1e-7


def test_inverted_dropout_keeps_the_expected_activation():
    rng = np.random.default_rng(0)
    layer = Dropout(keep_prob=0.25, rng=rng)
    A = np.ones((2000, 50))
    out = layer.forward(A, train=True)
    kept = out != 0
    assert abs(kept.mean() - 0.25) < 0.01                 # keep_prob is the fraction KEPT
    np.testing.assert_array_equal(out[kept], 4.0)          # kept units scaled by 1/keep_prob
    assert abs(out.mean() - 1.0) < 0.02                    # expectation unchanged
    np.testing.assert_array_equal(layer.forward(A, train=False), A)   # evaluation: identity


def test_dropout_mask_is_reproducible():
    a = dropout_mask((3, 4), 0.5, np.random.default_rng(7))
    b = dropout_mask((3, 4), 0.5, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("keep", [0, -0.1, 1.5, 2])
def test_keep_prob_outside_range_is_rejected(keep):
    with pytest.raises(ValueError, match=r"keep_prob is the probability of KEEPING.*\(0, 1\]"):
        Dropout(keep, 0)


def test_init_shapes_and_scales():
    W, b = init_weights(400, 300, np.random.default_rng(0), "he")
    assert W.shape == (300, 400) and b.shape == (300,) and np.all(b == 0)
    assert abs(W.std() - np.sqrt(2 / 400)) < 0.002
    W, _ = init_weights(400, 300, 0, "xavier")
    assert np.abs(W).max() <= np.sqrt(6 / 700)
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        init_weights(2, 2, 0, "glorot")


def test_dense_rejects_wrong_input_width():
    layer = Dense(4, 3, 0, name="hidden 1")
    with pytest.raises(ValueError, match=r"hidden 1 expects inputs with 4 features \(W has shape \(3, 4\)\), got input of shape \(2, 5\)"):
        layer.forward(np.zeros((2, 5)))


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match="before forward"):
        Dense(2, 2, 0).backward(np.zeros((1, 2)))


def test_gradients_are_not_accumulated():
    layer = Dense(3, 2, 0)
    X = np.ones((2, 3))
    layer.forward(X)
    layer.backward(np.ones((2, 2)))
    first = layer.grads["W"].copy()
    layer.forward(X)
    layer.backward(np.ones((2, 2)))
    np.testing.assert_array_equal(layer.grads["W"], first)


def test_wrong_weight_shapes_are_explained():
    with pytest.raises(ValueError, match=r"W \(n, n_prev\), b \(n,\); got A_prev \(2, 3\), W \(3, 2\), b \(3,\)"):
        dense_forward(np.zeros((2, 3)), np.zeros((3, 2)), np.zeros(3))
    from nnlab import MLP

    net = MLP([3, 2])
    with pytest.raises(ValueError, match=r"W1 must have shape \(2, 3\), got \(3, 2\)"):
        net.set_params({"W1": np.zeros((3, 2)), "b1": np.zeros(2)})
