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


def test_regression_losses_by_hand():
    Y, T = np.array([[1.0], [3.0], [2.0]]), np.array([[2.0], [3.0], [4.0]])     # errors -1, 0, -2
    C, dY = L.rmse(Y, T)
    assert C == pytest.approx(np.sqrt(5 / 3)) and C == pytest.approx(np.sqrt(2 * L.mse(Y, T)[0]))
    np.testing.assert_allclose(dY, [[-1 / (3 * C)], [0.0], [-2 / (3 * C)]])
    C, dY = L.mape(Y, T)                                                   # 50 %, 0 %, 50 %
    assert C == pytest.approx(100 / 3)
    np.testing.assert_allclose(dY, [[-100 / 6], [0.0], [-100 / 12]])
    C, dY = L.msle(np.array([0.0, np.e - 1]), np.array([np.e - 1, np.e - 1]))   # log-errors -1, 0
    assert C == pytest.approx(0.5)
    np.testing.assert_allclose(dY, [-1.0, 0.0])
    assert L.rmse(T, T) == (0.0, pytest.approx(np.zeros_like(T)))          # no 0/0 at a perfect fit


def test_squared_hinge_by_hand_and_against_hinge():
    C, dZ = L.squared_hinge(np.array([[3.0, 1.0, 2.5]]), np.array([0]))     # one violation of 0.5
    assert C == pytest.approx(0.25)
    np.testing.assert_allclose(dZ, [[-1.0, 0.0, 1.0]])
    m = np.linspace(-3, 3, 13)                                              # two classes: margin m = z_t - z_other
    for mi in m:
        Z, t = np.array([[mi, 0.0]]), np.array([0])
        assert L.hinge(Z, t)[0] == pytest.approx(max(0.0, 1 - mi))
        assert L.squared_hinge(Z, t)[0] == pytest.approx(max(0.0, 1 - mi) ** 2)


@pytest.mark.parametrize("name", ["rmse", "mape", "msle"])
@given(seed=st.integers(0, 2**16), N=st.integers(1, 6), K=st.integers(1, 4))
def test_new_regression_gradients(name, seed, N, K):
    rng = np.random.default_rng(seed)
    T = rng.uniform(0.5, 3.0, (N, K)) * rng.choice([1, 100], (N, K))       # targets on two scales, > 0
    Y = T + rng.standard_normal((N, K))
    if name == "msle":
        Y = np.abs(Y)
    if name == "mape":
        Y = Y + 0.01 * (np.abs(Y - T) < 1e-3)                              # off the kink of |y - t|
    assert check_loss(name, Y, T) < 1e-7


@given(seed=st.integers(0, 2**16), N=st.integers(1, 6), K=st.integers(2, 6))
def test_squared_hinge_gradient_everywhere(seed, N, K):
    Z, t = labels_and_logits(seed, N, K)
    assert check_loss("squared_hinge", Z, t) < 1e-7
    Z = np.zeros((N, K))
    Z[np.arange(N), t] = 1.0                                                # every margin exactly at the kink:
    C, dZ = L.squared_hinge(Z, t)                                          # derivative 0 there (hinge has none)
    num = numerical_gradient(lambda: L.squared_hinge(Z, t)[0], Z)          # central differences: (K-1) h/2 at most
    assert C == 0.0 and np.all(dZ == 0.0) and np.abs(num).max() <= K * 1e-5


def test_three_cross_entropies_agree():
    rng = np.random.default_rng(5)
    z, t = rng.standard_normal(8), rng.integers(0, 2, 8)
    Z2 = np.stack([np.zeros(8), z], axis=1)                  # softmax over (0, z) is (1 - σ(z), σ(z))
    b = L.binary_cross_entropy(z, t.astype(float))[0]
    assert L.softmax_cross_entropy(Z2, t)[0] == pytest.approx(b)               # sparse
    assert L.softmax_cross_entropy(Z2, np.eye(2)[t])[0] == pytest.approx(b)    # categorical (one-hot)


def test_new_metrics():
    from nnlab import metrics as M
    Z = np.array([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    t = np.array([1, 2, 2, 0])
    precision, recall = M.precision_recall(Z, t, 3)
    np.testing.assert_allclose(precision, [0.5, 1.0, 1.0])    # predicted 0 twice, once right
    np.testing.assert_allclose(recall, [1.0, 1.0, 0.5])       # class 2 twice, found once
    p, r = M.precision_recall(np.array([0, 0]), np.array([0, 1]), 3)
    assert np.isnan(p[1]) and np.isnan(p[2]) and np.isnan(r[2]) and r[1] == 0.0
    assert M.binary_accuracy(np.array([0.9, 0.2, 0.6, 0.4]), np.array([1, 0, 0, 0])) == 0.75
    assert M.binary_accuracy(np.array([[2.0], [-1.0]]), np.array([1, 1]), threshold=0.0) == 0.5
    assert M.accuracy(Z, t) == M.accuracy(Z, np.eye(3)[t]) == L.accuracy(Z, t)      # sparse = categorical
    assert M.top_k_accuracy(Z, t, k=1) == M.accuracy(Z, t) and M.top_k_accuracy(Z, t, k=3) == 1.0


def test_new_losses_train_with_fit():
    from nnlab import MLP, SGD, evaluate, fit
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (40, 2))
    T = (1 + X @ np.array([[2.0], [1.0]]))                     # targets in 1..4, > 0
    for name, eta in (("rmse", 0.1), ("mape", 0.001), ("msle", 0.1)):     # mape's gradient is in % (x100)
        net = MLP([2, 8, 1], output="relu", seed=0)
        before = evaluate(net, X, T, loss=name)[0]
        hist = fit(net, X, T, epochs=30, batch_size=10, loss=name, optimizer=SGD(eta=eta))
        assert hist.loss[-1] < 0.5 * before and hist.acc == []
    labels = (X[:, 0] > X[:, 1]).astype(int)
    hist = fit(MLP([2, 8, 2], seed=0), X, labels, epochs=30, batch_size=10, loss="squared_hinge")
    assert hist.acc[-1] > 0.8


def test_confusion_precision_recall_match_scikit_learn():
    sk = pytest.importorskip("sklearn.metrics")
    from nnlab import metrics as M
    rng = np.random.default_rng(7)
    t = rng.integers(0, 5, 200)
    pred = np.where(rng.random(200) < 0.7, t, rng.integers(0, 5, 200))
    np.testing.assert_array_equal(M.confusion_matrix(pred, t, 5), sk.confusion_matrix(t, pred, labels=range(5)))
    p, r = M.precision_recall(pred, t, 5)
    p_ref, r_ref, _, _ = sk.precision_recall_fscore_support(t, pred, labels=range(5), zero_division=np.nan)
    np.testing.assert_allclose(p, p_ref)
    np.testing.assert_allclose(r, r_ref)
    Z = rng.standard_normal((200, 5))
    assert M.top_k_accuracy(Z, t, k=3) == pytest.approx(sk.top_k_accuracy_score(t, Z, k=3))
