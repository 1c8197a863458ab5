import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlab import losses as L
from nnlab.gradcheck import check_loss, numerical_gradient, relative_error


def test_hand_computed_values():
    Y = np.array([[1.0, 2.0], [3.0, 5.0]])
    T = np.array([[0.0, 2.0], [3.0, 3.0]])
    C, dY = L.mse(Y, T)
    assert C == pytest.approx((0.5 * 1 + 0.5 * 4) / 2)
    np.testing.assert_array_equal(dY, [[0.5, 0.0], [0.0, 1.0]])
    C, dY = L.mae(Y, T)
    assert C == pytest.approx(3 / 2)
    np.testing.assert_array_equal(dY, [[0.5, 0.0], [0.0, 0.5]])
    C, dZ = L.softmax_cross_entropy(np.array([[0.0, np.log(3.0)]]), np.array([1]))
    assert C == pytest.approx(-np.log(0.75))
    np.testing.assert_allclose(dZ, [[0.25, -0.25]])
    C, _ = L.binary_cross_entropy(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    assert C == pytest.approx(np.log(2))
    C, dZ = L.hinge(np.array([[3.0, 1.0, 2.5]]), np.array([0]))   # margins: 1-3+1<0, 2.5-3+1=0.5
    assert C == pytest.approx(0.5)
    np.testing.assert_array_equal(dZ, [[-1.0, 0.0, 1.0]])


def labels_and_logits(seed, N, K):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, K)) * 3, rng.integers(0, K, N)


@given(seed=st.integers(0, 2**16), N=st.integers(1, 6), K=st.integers(2, 6))
def test_softmax_cross_entropy_gradient(seed, N, K):
    Z, t = labels_and_logits(seed, N, K)
    assert check_loss("softmax_cross_entropy", Z, t) < 1e-7
    onehot = np.eye(K)[t]
    assert L.softmax_cross_entropy(Z, onehot)[0] == pytest.approx(L.softmax_cross_entropy(Z, t)[0])


@given(seed=st.integers(0, 2**16), N=st.integers(1, 6), K=st.integers(2, 6))
def test_hinge_gradient_away_from_kinks(seed, N, K):
    Z, t = labels_and_logits(seed, N, K)
    M = Z - Z[np.arange(N), t][:, None] + 1.0
    Z = Z + 0.01 * (np.abs(M) < 1e-3)   # nudge off the kink
    assert check_loss("hinge", Z, t) < 1e-7


@pytest.mark.parametrize("name", ["mse", "mae", "binary_cross_entropy"])
@given(seed=st.integers(0, 2**16), N=st.integers(1, 6), K=st.integers(1, 4))
def test_regression_and_binary_gradients(name, seed, N, K):
    rng = np.random.default_rng(seed)
    Y = rng.standard_normal((N, K))
    T = rng.integers(0, 2, (N, K)).astype(float) if name == "binary_cross_entropy" else rng.standard_normal((N, K))
    if name == "mae":
        Y = Y + 0.01 * (np.abs(Y - T) < 1e-3)
    assert check_loss(name, Y, T) < 1e-7


def test_log_losses_are_stable_for_huge_logits():
    Z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            C, dZ = L.softmax_cross_entropy(Z, np.array([0, 0]))
            Cb, dZb = L.binary_cross_entropy(np.array([1000.0, -1000.0]), np.array([0.0, 0.0]))
    assert C == pytest.approx(1000.0)                 # one right (0), one off by 2000 (2000) -> mean 1000
    assert np.all(np.isfinite(dZ)) and Cb == pytest.approx(500.0) and np.all(np.isfinite(dZb))


@pytest.mark.parametrize("penalty,lam", [("l2", 0.3), ("l1", 0.05)])
def test_penalty_gradients(penalty, lam, rng):
    params = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(3), "W2": rng.standard_normal((2, 3))}
    value, grads = L.PENALTIES[penalty](params, lam)
    assert set(grads) == {"W1", "W2"}                 # biases are not penalised
    for k in grads:
        num = numerical_gradient(lambda: L.PENALTIES[penalty](params, lam)[0], params[k])
        assert relative_error(grads[k], num) < 1e-7
    if penalty == "l2":
        assert value == pytest.approx(lam / 2 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2)))


def test_metrics():
    Z = np.array([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    t = np.array([1, 2, 2, 0])
    assert L.accuracy(Z, t) == 0.75
    assert L.accuracy(np.array([1, 0, 2, 0]), np.eye(3)[t]) == 0.75
    assert L.top_k_accuracy(Z, t, k=2) == 1.0
    np.testing.assert_array_equal(L.confusion_matrix(Z, t, 3), [[1, 0, 0], [0, 1, 0], [1, 0, 1]])


def test_bad_labels_are_explained():
    Z = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"label 4, outside 0..3 \(the network has 4 outputs"):
        L.softmax_cross_entropy(Z, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match="integer class labels"):
        L.softmax_cross_entropy(Z, np.array([0.5, 1, 2]))
    with pytest.raises(ValueError, match=r"labels of shape \(3,\) or one-hot of shape \(3, 4\), got shape \(2,\)"):
        L.softmax_cross_entropy(Z, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"targets T must have the shape of the output Y \(3, 4\), got \(3, 2\)"):
        L.mse(Z, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="unknown loss 'crossentropy'; choose one of mse"):
        L.get_loss("crossentropy")
    with pytest.raises(ValueError, match="contains nan"):
        L.mse(np.array([[np.nan]]), np.array([[0.0]]))


def test_fits_fast_kernel_matches_the_checked_loss(rng):
    Z, t = rng.standard_normal((9, 5)) * 4, rng.integers(0, 5, 9)
    C, dZ = L.softmax_cross_entropy(Z, t)
    C_fast, dZ_fast = L.describe("softmax_cross_entropy").fast(Z, t)
    assert C_fast == pytest.approx(C, rel=1e-13)
    np.testing.assert_allclose(dZ_fast, dZ, rtol=1e-12, atol=1e-15)
