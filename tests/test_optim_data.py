import numpy as np
import pytest

from nnlab import data as D
from nnlab.optim import SGD


def test_sgd_step_hand_computed():
    p = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5])}
    SGD(eta=0.1).step(p, {"W1": np.array([[1.0, -1.0]]), "b1": np.array([2.0])})
    np.testing.assert_allclose(p["W1"], [[0.9, 2.1]])
    np.testing.assert_allclose(p["b1"], [0.3])


def test_momentum_and_weight_decay():
    p = {"W1": np.array([[1.0]]), "b1": np.array([1.0])}
    opt = SGD(eta=0.1, momentum=0.9, weight_decay=0.5)
    g = {"W1": np.array([[1.0]]), "b1": np.array([1.0])}
    opt.step(p, g)            # W: v = 1 + 0.5*1 = 1.5; b: v = 1 (no decay on biases)
    np.testing.assert_allclose(p["W1"], [[0.85]])
    np.testing.assert_allclose(p["b1"], [0.9])
    opt.step(p, g)            # W: v = 0.9*1.5 + 1 + 0.5*0.85 = 2.775
    np.testing.assert_allclose(p["W1"], [[0.85 - 0.2775]])


def test_max_norm_constrains_each_neuron():
    p = {"W1": np.array([[3.0, 4.0], [0.3, 0.4]])}
    SGD(eta=1e-9, max_norm=1.0).step(p, {"W1": np.zeros((2, 2))})
    np.testing.assert_allclose(np.linalg.norm(p["W1"], axis=1), [1.0, 0.5], rtol=1e-6)


@pytest.mark.parametrize("eta", [-0.1, 0.0, float("nan"), float("inf")])
def test_bad_learning_rate(eta):
    with pytest.raises(ValueError, match="learning rate eta must be a positive number"):
        SGD(eta=eta)


def test_learning_rate_type_and_gradient_mismatch():
    with pytest.raises(TypeError, match="learning rate eta must be a number, got '0.1'"):
        SGD(eta="0.1")
    with pytest.raises(ValueError, match=r"gradient W1 has shape \(2,\) but parameter W1 has \(1, 2\)"):
        SGD(0.1).step({"W1": np.zeros((1, 2))}, {"W1": np.zeros(2)})
    with pytest.raises(ValueError, match="gradient 'W9' has no matching parameter"):
        SGD(0.1).step({"W1": np.zeros((1, 2))}, {"W9": np.zeros((1, 2))})


def test_minibatches_cover_every_example_once_per_epoch():
    X = np.arange(23)[:, None].astype(float)
    y = np.arange(23)
    rng = np.random.default_rng(0)
    e1 = list(D.minibatches(X, y, 5, rng))
    e2 = list(D.minibatches(X, y, 5, rng))
    assert [len(b[1]) for b in e1] == [5, 5, 5, 5, 3]          # last partial batch kept
    assert sorted(np.concatenate([b[1] for b in e1])) == list(range(23))
    assert not np.array_equal(np.concatenate([b[1] for b in e1]), np.concatenate([b[1] for b in e2]))  # reshuffled
    for xb, yb in e1:
        np.testing.assert_array_equal(xb[:, 0], yb)            # rows stay paired
    assert [len(b[1]) for b in D.minibatches(X, y, 5, rng, drop_last=True)] == [5] * 4
    assert len(list(D.minibatches(X, y, 1, rng))) == 23 == D.n_batches(23, 1)   # SGD: one update per example
    assert len(list(D.minibatches(X, y, 23, rng))) == 1 == D.n_batches(23, 23)  # full batch


@pytest.mark.parametrize("bs,exc,msg", [(0, ValueError, "batch_size must be > 0"), (-3, ValueError, "batch_size must be > 0"),
                                        (2.5, TypeError, "batch_size must be an integer")])
def test_bad_batch_size(bs, exc, msg):
    with pytest.raises(exc, match=msg):
        list(D.minibatches(np.zeros((4, 1)), np.zeros(4), bs, 0))


def test_minibatch_errors():
    with pytest.raises(ValueError, match="X has 4 examples but T has 3"):
        list(D.minibatches(np.zeros((4, 1)), np.zeros(3), 2, 0))
    with pytest.raises(ValueError, match="empty data set"):
        list(D.minibatches(np.zeros((0, 1)), np.zeros(0), 2, 0))
    with pytest.raises(TypeError, match="needs rng"):
        list(D.minibatches(np.zeros((4, 1)), np.zeros(4), 2))


def test_digits_split_is_deterministic_and_stratified():
    a, b = D.load_digits(seed=0), D.load_digits(seed=0)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert a.X_train.shape[1] == 64 and len(a.T_train) + len(a.T_val) + len(a.T_test) == 1797
    assert 0 <= a.X_train.min() and a.X_train.max() <= 1
    assert set(a.T_test) == set(range(10))
    counts = np.bincount(a.T_test, minlength=10)
    assert counts.max() - counts.min() <= 2
    c = D.load_digits(seed=1)
    assert not np.array_equal(a.T_train, c.T_train)
    s = D.load_digits(scale="standard")
    assert abs(s.X_train.mean()) < 1e-10


def test_toy_data_sets():
    for name, (X, y) in {"AND": D.logic_gate("and"), "XOR": D.logic_gate("XOR")}.items():
        assert X.shape == (4, 2)
    np.testing.assert_array_equal(D.logic_gate("XOR")[1], [0, 1, 1, 0])
    np.testing.assert_array_equal(D.logic_gate("AND")[1], [0, 0, 0, 1])
    np.testing.assert_array_equal(D.logic_gate("OR")[1], [0, 1, 1, 1])
    for X, y, k in [(*D.moons(101, seed=1), 2), (*D.circles(100, seed=1), 2), (*D.spirals(30, 3, seed=1), 3)]:
        assert X.shape == (len(y), 2) and set(y) == set(range(k))
    np.testing.assert_array_equal(D.moons(50, seed=3)[0], D.moons(50, seed=3)[0])
    X, T = D.regression_1d(40, seed=2)
    assert X.shape == T.shape == (40, 1) and np.all(np.diff(X[:, 0]) >= 0)
    with pytest.raises(ValueError, match="unknown gate 'XNOR'"):
        D.logic_gate("XNOR")
    np.testing.assert_array_equal(D.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


def test_digits_file_matches_scikit_learn_loader():
    from sklearn.datasets import load_digits

    X, y = D._digits_arrays()
    d = load_digits()
    np.testing.assert_array_equal(X, d.data)
    np.testing.assert_array_equal(y, d.target)
