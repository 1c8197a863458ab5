import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlab import activations as A
from nnlab.gradcheck import check_activation, numerical_gradient, relative_error

ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]
KINKED = {"relu", "leaky_relu", "elu"}

finite = st.floats(-6, 6, allow_nan=False, allow_infinity=False)


def test_hand_computed_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(A.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    assert A.sigmoid(0.0) == 0.5 and A.sigmoid_prime(0.0) == 0.25
    np.testing.assert_array_equal(A.relu(z), [0, 0, 0, 0.5, 2])
    np.testing.assert_array_equal(A.relu_prime(z), [0, 0, 0, 1, 1])
    np.testing.assert_allclose(A.leaky_relu(z), [-0.2, -0.05, 0, 0.5, 2])  # slides: max(0.1x, x)
    np.testing.assert_allclose(A.leaky_relu(z, slope=0.01), [-0.02, -0.005, 0, 0.5, 2])
    np.testing.assert_allclose(A.elu(z, alpha=2.0), [2 * (np.exp(-2) - 1), 2 * (np.exp(-0.5) - 1), 0, 0.5, 2])
    np.testing.assert_array_equal(A.step(z), [0, 0, 1, 1, 1])
    np.testing.assert_array_equal(A.step_prime(z), 0)
    assert A.tanh_prime(0.0) == 1.0
    np.testing.assert_allclose(A.softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])
    np.testing.assert_array_equal(A.maxout(np.array([[1.0, 3.0, -1.0, -2.0]]), 2), [[3.0, -1.0]])
    np.testing.assert_array_equal(A.maxout_prime(np.array([[1.0, 3.0, -1.0, -2.0]]), 2), [[0, 1, 1, 0]])


@pytest.mark.parametrize("name", ELEMENTWISE)
@given(z=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=finite))
def test_derivative_matches_central_differences(name, z):
    if name in KINKED:
        assume(np.all(np.abs(z) > 1e-3))  # away from the kink at 0
    act = A.get_activation(name)
    assert check_activation(act, z) < 1e-7


@pytest.mark.parametrize("name,params", [("leaky_relu", {"slope": 0.3}), ("elu", {"alpha": 0.7})])
def test_parametrised_derivatives(name, params, rng):
    z = rng.uniform(-3, 3, size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5
    assert check_activation(A.get_activation(name, **params), z) < 1e-7


@given(z=arrays(np.float64, st.tuples(st.integers(2, 6)), elements=finite))
def test_softmax_jacobian_and_backward(z):
    J = A.softmax_jacobian(z)
    num = np.stack([(A.softmax(z + h) - A.softmax(z - h)) / 2e-5 for h in np.eye(len(z)) * 1e-5], axis=1)
    assert relative_error(J, num) < 1e-7
    dA = np.cos(np.arange(len(z)))[None, :]
    np.testing.assert_allclose(A.softmax_backward(dA, A.softmax(z[None, :])), dA @ J, atol=1e-14)


def test_maxout_backward_matches_numerical(rng):
    Z = rng.standard_normal((4, 6))
    G = rng.standard_normal((4, 2))
    num = numerical_gradient(lambda: float(np.sum(A.maxout(Z, 3) * G)), Z)
    assert relative_error(A.maxout_backward(G, Z, 3), num) < 1e-7


def test_stable_for_huge_logits():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s = A.sigmoid(z)
            p = A.softmax(z)
            sp = A.sigmoid_prime(z)
            e = A.elu(z)
    np.testing.assert_array_equal(s, [[0.0, 0.5, 1.0]])
    np.testing.assert_allclose(p, [[0.0, 0.0, 1.0]])
    assert np.all(np.isfinite(sp)) and np.all(np.isfinite(e))


def test_sigmoid_derivative_at_most_a_quarter(rng):
    z = rng.uniform(-10, 10, 1000)
    assert A.sigmoid_prime(z).max() <= 0.25


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'relu6'.*sigmoid"):
        A.get_activation("relu6")
    with pytest.raises(ValueError, match="takes slope"):
        A.get_activation("leaky_relu", alpha=1.0)


def test_maxout_needs_a_multiple_of_pieces():
    with pytest.raises(ValueError, match="multiple of 3"):
        A.maxout(np.zeros((2, 4)), 3)


def test_softmax_has_no_elementwise_prime():
    with pytest.raises(ValueError, match="not element-wise"):
        A.get_activation("softmax").prime(np.zeros(3))
