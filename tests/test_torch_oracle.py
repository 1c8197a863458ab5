"""Values and gradients agree with PyTorch in float64 (to 1e-10), where torch is installed."""

import numpy as np
import pytest

from conftest import require_torch
from nnlab import MLP, SGD
from nnlab import activations as A
from nnlab import losses as L
from nnlab.layers import Dense, Dropout, Maxout

pytestmark = pytest.mark.torch
TOL = dict(rtol=1e-10, atol=1e-10)


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def t(torch, x, grad=True):
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=grad)


ACTS = [
    ("sigmoid", {}, lambda T, z: T.sigmoid(z)),
    ("tanh", {}, lambda T, z: T.tanh(z)),
    ("relu", {}, lambda T, z: T.relu(z)),
    ("leaky_relu", {"slope": 0.1}, lambda T, z: T.nn.functional.leaky_relu(z, 0.1)),
    ("elu", {"alpha": 0.7}, lambda T, z: T.nn.functional.elu(z, 0.7)),
    ("identity", {}, lambda T, z: z),
    ("softmax", {}, lambda T, z: T.softmax(z, dim=-1)),
]


@pytest.mark.parametrize("name,params,ref", ACTS, ids=[a[0] for a in ACTS])
def test_activations(torch, name, params, ref):
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((6, 5)) * 3
    Z[np.abs(Z) < 1e-3] = 0.5
    G = rng.standard_normal(Z.shape)
    act = A.get_activation(name, **params)
    zt = t(torch, Z)
    out = ref(torch, zt)
    out.backward(torch.tensor(G))
    np.testing.assert_allclose(act(Z), out.detach().numpy(), **TOL)
    np.testing.assert_allclose(act.backward(G, Z, act(Z)), zt.grad.numpy(), **TOL)


def test_maxout(torch):
    rng = np.random.default_rng(1)
    Z, G = rng.standard_normal((4, 6)), rng.standard_normal((4, 2))
    zt = t(torch, Z)
    out = zt.reshape(4, 2, 3).amax(dim=-1)
    out.backward(torch.tensor(G))
    layer = Maxout(3)
    np.testing.assert_allclose(layer.forward(Z), out.detach().numpy(), **TOL)
    np.testing.assert_allclose(layer.backward(G), zt.grad.numpy(), **TOL)


def test_dense_and_dropout_layers(torch):
    rng = np.random.default_rng(2)
    X, G = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    dense = Dense(4, 3, rng)
    drop = Dropout(0.6, rng)
    out = drop.forward(dense.forward(X), train=True)
    dX = dense.backward(drop.backward(G))
    xt, Wt, bt = t(torch, X), t(torch, dense.params["W"]), t(torch, dense.params["b"])
    mask = torch.tensor(drop.mask)
    ref = torch.nn.functional.linear(xt, Wt, bt) * mask           # torch's Linear also stores W as (out, in)
    ref.backward(torch.tensor(G))
    np.testing.assert_allclose(out, ref.detach().numpy(), **TOL)
    for mine, theirs in [(dX, xt), (dense.grads["W"], Wt), (dense.grads["b"], bt)]:
        np.testing.assert_allclose(mine, theirs.grad.numpy(), **TOL)


LOSSES = [
    ("mse", lambda T, y, tt: 0.5 * ((y - tt) ** 2).sum() / y.shape[0], "real"),
    ("mae", lambda T, y, tt: (y - tt).abs().sum() / y.shape[0], "real"),
    ("softmax_cross_entropy", lambda T, y, tt: T.nn.functional.cross_entropy(y, tt), "labels"),
    ("binary_cross_entropy", lambda T, y, tt: T.nn.functional.binary_cross_entropy_with_logits(y, tt), "binary"),
    ("hinge", lambda T, y, tt: T.nn.functional.multi_margin_loss(y, tt, reduction="sum") * y.shape[1] / y.shape[0], "labels"),
    # torch's own functions where it has the same one (torch's mse_loss has no 1/2 and means over every entry)
    ("mse", lambda T, y, tt: T.nn.functional.mse_loss(y, tt, reduction="sum") / (2 * y.shape[0]), "real"),
    ("mae", lambda T, y, tt: T.nn.functional.l1_loss(y, tt, reduction="sum") / y.shape[0], "real"),
    ("rmse", lambda T, y, tt: T.sqrt(T.nn.functional.mse_loss(y, tt, reduction="sum") / y.shape[0]), "real"),
    ("squared_hinge",
     lambda T, y, tt: T.nn.functional.multi_margin_loss(y, tt, p=2, reduction="sum") * y.shape[1] / y.shape[0], "labels"),
    ("softmax_cross_entropy",                                   # categorical: one-hot targets as class probabilities
     lambda T, y, tt: T.nn.functional.cross_entropy(y, T.nn.functional.one_hot(tt, y.shape[1]).double()), "labels"),
    ("binary_cross_entropy",                                    # from probabilities σ(z) rather than logits
     lambda T, y, tt: T.nn.functional.binary_cross_entropy(T.sigmoid(y), tt), "binary"),
    # no torch.nn.functional equivalent: the formula, differentiated by torch's autograd
    ("mape", lambda T, y, tt: 100 * ((y - tt).abs() / tt.abs()).sum() / y.shape[0], "positive"),
    ("msle", lambda T, y, tt: ((T.log1p(y) - T.log1p(tt)) ** 2).sum() / y.shape[0], "positive"),
]


@pytest.mark.parametrize("name,ref,kind", LOSSES, ids=[f"{x[0]}-{i}" for i, x in enumerate(LOSSES)])
def test_losses(torch, name, ref, kind):
    rng = np.random.default_rng(3)
    Y = rng.standard_normal((7, 4)) * 2
    if kind == "labels":
        T = rng.integers(0, 4, 7)
        Tt = torch.tensor(T)
    elif kind == "binary":
        Y = Y[:, :1]
        T = rng.integers(0, 2, (7, 1)).astype(float)
        Tt = torch.tensor(T)
    elif kind == "positive":                                    # targets > 0 on two scales, outputs > 0
        T = rng.uniform(0.5, 2.0, (7, 4)) * rng.choice([1.0, 100.0], (7, 4))
        Y = T * rng.uniform(0.5, 1.5, (7, 4))
        Tt = torch.tensor(T)
    else:
        T = rng.standard_normal((7, 4))
        Tt = torch.tensor(T)
    yt = t(torch, Y)
    C_ref = ref(torch, yt, Tt)
    C_ref.backward()
    C, dY = L.get_loss(name)(Y, T)
    assert C == pytest.approx(C_ref.item(), rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(dY, yt.grad.numpy(), **TOL)


def test_mlp_with_dropout_masks_held_fixed_and_an_sgd_step(torch):
    rng = np.random.default_rng(4)
    net = MLP([5, 7, 6, 3], hidden="tanh", keep_prob=0.7, seed=4)
    X, y = rng.standard_normal((8, 5)), rng.integers(0, 3, 8)
    Y = net.forward(X, train=True)
    masks = [torch.tensor(m) for m in net.masks[1:-1]]
    C, dY = L.softmax_cross_entropy(Y, y)
    grads = net.backward(dY)

    P = {k: t(torch, v) for k, v in net.params.items()}
    a = torch.tensor(X)
    for l in range(1, 4):
        z = a @ P[f"W{l}"].T + P[f"b{l}"]
        a = torch.tanh(z) * masks[l - 1] if l < 3 else z
    C_ref = torch.nn.functional.cross_entropy(a, torch.tensor(y))
    C_ref.backward()
    np.testing.assert_allclose(Y, a.detach().numpy(), **TOL)
    assert C == pytest.approx(C_ref.item(), rel=1e-10)
    for k in P:
        np.testing.assert_allclose(grads[k], P[k].grad.numpy(), **TOL)

    # one step of SGD with momentum, weight decay on weights only, as torch.optim.SGD does
    opt_ref = torch.optim.SGD([{"params": [P[k] for k in P if k.startswith("W")], "weight_decay": 0.01},
                               {"params": [P[k] for k in P if k.startswith("b")], "weight_decay": 0.0}],
                              lr=0.1, momentum=0.9)
    opt = SGD(eta=0.1, momentum=0.9, weight_decay=0.01)
    for _ in range(2):
        opt.step(net.params, grads)
        opt_ref.step()
    for k in P:
        np.testing.assert_allclose(net.params[k], P[k].detach().numpy(), **TOL)


@pytest.mark.parametrize("hidden,act", [("relu", "relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid")])
def test_input_gradient_is_autograd_on_the_input(torch, hidden, act):
    rng = np.random.default_rng(6)
    net = MLP([6, 9, 7, 4], hidden=hidden, seed=6)
    X, y = rng.standard_normal((5, 6)), rng.integers(0, 4, 5)
    dX = net.input_gradient(X, y)

    xt = t(torch, X)
    a = xt
    for l in range(1, 4):
        z = a @ t(torch, net.params[f"W{l}"], grad=False).T + t(torch, net.params[f"b{l}"], grad=False)
        a = getattr(torch, act)(z) if l < 3 else z
    torch.nn.functional.cross_entropy(a, torch.tensor(y)).backward()
    np.testing.assert_allclose(dX, xt.grad.numpy(), **TOL)
