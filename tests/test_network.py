import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlab import MLP
from nnlab.activations import sigmoid, sigmoid_prime
from nnlab.gradcheck import check_network


def test_forward_keeps_every_z_and_a():
    net = MLP([2, 3, 2], hidden="sigmoid", output="sigmoid", seed=0)
    X = np.array([[1.0, -1.0], [0.5, 2.0]])
    Y = net.forward(X)
    assert [z is None for z in net.Z] == [True, False, False]
    np.testing.assert_array_equal(net.A[0], X)
    W1, b1, W2, b2 = (net.params[k] for k in ("W1", "b1", "W2", "b2"))
    assert W1.shape == (3, 2) and W2.shape == (2, 3)                # (n_l, n_{l-1})
    np.testing.assert_allclose(net.Z[1], X @ W1.T + b1)
    np.testing.assert_allclose(net.A[1], sigmoid(net.Z[1]))
    np.testing.assert_allclose(Y, sigmoid(sigmoid(X @ W1.T + b1) @ W2.T + b2))


def test_backward_is_the_slides_recursion():
    net = MLP([2, 3, 2], hidden="sigmoid", output="sigmoid", seed=1)
    x = np.array([[0.3, -0.7]])
    T = np.array([[1.0, 0.0]])
    y = net.forward(x)
    grads = net.backward(y - T)              # ∇C for C = ½‖y - ŷ‖²
    # single example as column vectors, exactly as on the slides
    z1, z2 = net.Z[1].T, net.Z[2].T
    a0, a1 = x.T, net.A[1].T
    delta2 = sigmoid_prime(z2) * (y - T).T
    delta1 = sigmoid_prime(z1) * (net.params["W2"].T @ delta2)
    np.testing.assert_allclose(net.Delta[2], delta2.T)
    np.testing.assert_allclose(net.Delta[1], delta1.T)
    np.testing.assert_allclose(grads["W2"], delta2 @ a1.T)         # ∂C/∂w_ij = a_j^{l-1} δ_i^l
    np.testing.assert_allclose(grads["W1"], delta1 @ a0.T)
    np.testing.assert_allclose(grads["b1"], delta1.ravel())


@given(seed=st.integers(0, 2**16), depth=st.integers(1, 3), width=st.integers(1, 6), N=st.integers(1, 5),
       hidden=st.sampled_from(["sigmoid", "tanh", "elu", "relu"]))
def test_network_gradients_softmax_ce(seed, depth, width, N, hidden):
    rng = np.random.default_rng(seed)
    net = MLP([3] + [width] * depth + [4], hidden=hidden, seed=seed)
    X = rng.standard_normal((N, 3))
    net.forward(X)
    if hidden in ("relu", "elu") and any(np.abs(Z).min() < 1e-4 for Z in net.Z[1:-1]):
        return   # too close to a kink for central differences
    errs = check_network(net, X, rng.integers(0, 4, N))
    assert max(errs.values()) < 1e-7, errs


@given(seed=st.integers(0, 2**16), keep=st.sampled_from([0.5, 0.8]))
def test_network_gradients_with_dropout_and_penalty(seed, keep):
    rng = np.random.default_rng(seed)
    net = MLP([4, 5, 5, 3], hidden="tanh", keep_prob=keep, seed=seed)
    X = rng.standard_normal((6, 4))
    errs = check_network(net, X, rng.integers(0, 3, 6), penalty="l2", lam=0.1)
    assert max(errs.values()) < 1e-7, errs


@pytest.mark.parametrize("loss,output,K", [("mse", "sigmoid", 2), ("binary_cross_entropy", "identity", 1),
                                           ("hinge", "identity", 3), ("mse", "softmax", 3)])
def test_network_gradients_other_losses(loss, output, K, rng):
    net = MLP([3, 4, K], hidden="tanh", output=output, seed=3)
    X = rng.standard_normal((5, 3))
    if loss == "hinge":
        T = rng.integers(0, K, 5)
    elif loss == "binary_cross_entropy":
        T = rng.integers(0, 2, (5, 1)).astype(float)
    else:
        T = rng.uniform(0, 1, (5, K))
    errs = check_network(net, X, T, loss=loss)
    assert max(errs.values()) < 1e-7, errs


def test_same_seed_same_weights_and_names():
    a, b = MLP([64, 32, 10], seed=5), MLP([64, 32, 10], seed=5)
    assert list(a.params) == ["W1", "b1", "W2", "b2"]
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert a.n_params == 64 * 32 + 32 + 32 * 10 + 10
    assert repr(a) == "MLP(64-32-10, hidden=relu, output=identity, keep_prob=1.0)"


def test_eval_mode_has_no_dropout():
    net = MLP([4, 50, 2], keep_prob=0.5, seed=0)
    X = np.ones((3, 4))
    np.testing.assert_array_equal(net.forward(X), net.forward(X))
    assert not np.array_equal(net.forward(X, train=True), net.forward(X, train=True))


def test_backward_does_not_accumulate():
    net = MLP([3, 4, 2], seed=0)
    X = np.ones((2, 3))
    Y = net.forward(X)
    g1 = {k: v.copy() for k, v in net.backward(np.ones_like(Y)).items()}
    net.forward(X)
    g2 = net.backward(np.ones_like(Y))
    for k in g1:
        np.testing.assert_array_equal(g1[k], g2[k])


def test_bad_network_input_is_explained():
    net = MLP([64, 32, 10])
    with pytest.raises(ValueError, match=r"expects inputs with 64 features \(W1 has shape \(32, 64\)\), got X of shape \(5, 63\)"):
        net.forward(np.zeros((5, 63)))
    with pytest.raises(ValueError, match=r"must be 2-D.*got shape \(64,\).*reshape\(1, -1\)"):
        net.forward(np.zeros(64))
    with pytest.raises(ValueError, match="is empty"):
        net.forward(np.zeros((0, 64)))
    X = np.zeros((2, 64))
    X[1, 3] = np.inf
    with pytest.raises(ValueError, match=r"X contains inf at index \(1, 3\)"):
        net.forward(X)
    net.forward(np.zeros((2, 64)))
    with pytest.raises(ValueError, match=r"dC_dA must have the shape of the network output \(2, 10\), got \(2, 9\)"):
        net.backward(np.zeros((2, 9)))
    with pytest.raises(ValueError, match="sizes must list"):
        MLP([64])
    with pytest.raises(ValueError, match="unknown activation 'sigmod'"):
        MLP([2, 2], hidden="sigmod")
    with pytest.raises(TypeError, match="seed must be an int seed or a numpy Generator"):
        MLP([2, 2], seed=None)
    with pytest.raises(RuntimeError, match="call forward"):
        MLP([2, 2]).backward(np.zeros((1, 2)))


def test_the_mlp_runs_through_the_dense_functions_the_homework_teaches(monkeypatch):
    # one dense path: MLP.forward/backward call nnlab.layers.dense_forward/dense_backward, once per layer
    import nnlab.network as network

    calls = {"forward": 0, "backward": 0}
    real_f, real_b = network.dense_forward, network.dense_backward

    def counting_forward(*args, **kwargs):
        calls["forward"] += 1
        return real_f(*args, **kwargs)

    def counting_backward(*args, **kwargs):
        calls["backward"] += 1
        return real_b(*args, **kwargs)

    monkeypatch.setattr(network, "dense_forward", counting_forward)
    monkeypatch.setattr(network, "dense_backward", counting_backward)
    net = MLP([3, 5, 4, 2], seed=0)
    Y = net.forward(np.ones((2, 3)))
    net.backward(np.ones_like(Y))
    assert calls == {"forward": 3, "backward": 3}
