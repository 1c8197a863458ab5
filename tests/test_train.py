import numpy as np
import pytest

from nnlab import MLP, SGD, TrainingDiverged, evaluate, fit, load_digits
from nnlab.data import logic_gate, moons


def test_two_two_one_network_learns_xor():
    X, y = logic_gate("XOR")
    net = MLP([2, 2, 1], hidden="sigmoid", output="sigmoid", seed=1)
    hist = fit(net, X, y[:, None].astype(float), loss="mse", epochs=3000, batch_size=4,
               optimizer=SGD(eta=2.0), seed=0)
    np.testing.assert_array_equal(net.predict(X), y)
    assert hist.loss[-1] < hist.loss[0] / 10


def test_a_single_neuron_cannot_learn_xor():
    X, y = logic_gate("XOR")
    for seed in range(5):
        net = MLP([2, 1], output="identity", seed=seed)
        fit(net, X, y, loss="binary_cross_entropy", epochs=500, batch_size=4, optimizer=SGD(eta=0.5), seed=seed)
        assert np.mean(net.predict(X) == y) <= 0.75
    # and no line does better: try a dense grid of (w1, w2, b)
    g = np.linspace(-2, 2, 41)
    W1, W2, B = np.meshgrid(g, g, g, indexing="ij")
    pred = (W1[..., None] * X[:, 0] + W2[..., None] * X[:, 1] + B[..., None]) > 0
    assert (pred == y.astype(bool)).mean(axis=-1).max() == 0.75


def test_a_single_neuron_learns_and_and_or():
    for gate in ("AND", "OR"):
        X, y = logic_gate(gate)
        net = MLP([2, 1], seed=0)
        fit(net, X, y, loss="binary_cross_entropy", epochs=500, batch_size=4, optimizer=SGD(eta=0.5), seed=0)
        np.testing.assert_array_equal(net.predict(X), y)


@pytest.mark.slow
def test_digits_reach_97_percent():
    s = load_digits(scale="standard", seed=0)
    net = MLP([64, 256, 10], seed=1)
    hist = fit(net, s.X_train, s.T_train, epochs=40, batch_size=32,
               optimizer=SGD(eta=0.05, momentum=0.9, weight_decay=1e-3), seed=1, X_val=s.X_val, T_val=s.T_val)
    _, test_acc = evaluate(net, s.X_test, s.T_test)
    assert test_acc >= 0.97, test_acc
    assert len(hist.loss) == len(hist.val_acc) == 40 and hist.acc[-1] >= 0.99


def test_same_seed_gives_bit_identical_histories():
    X, y = moons(120, noise=0.2, seed=0)

    def run():
        net = MLP([2, 16, 16, 2], hidden="tanh", keep_prob=0.8, seed=3)
        h = fit(net, X, y, epochs=8, batch_size=10, optimizer=SGD(0.1, momentum=0.5), penalty="l2", lam=1e-3,
                seed=4, X_val=X[:20], T_val=y[:20])
        return h, net

    (h1, n1), (h2, n2) = run(), run()
    assert h1.as_dict() == h2.as_dict()
    for k in n1.params:
        assert np.array_equal(n1.params[k], n2.params[k])
    h3 = fit(MLP([2, 16, 16, 2], hidden="tanh", keep_prob=0.8, seed=3), X, y, epochs=8, batch_size=10,
             optimizer=SGD(0.1, momentum=0.5), seed=5)
    assert h3.step_loss != h1.step_loss


def test_history_records_every_step_and_epoch():
    X, y = moons(50, seed=0)
    h = fit(MLP([2, 4, 2]), X, y, epochs=3, batch_size=20, seed=0)
    assert len(h.step_loss) == 3 * 3 and h.epochs == 3 and len(h.acc) == 3 and h.val_loss == []
    h = fit(MLP([1, 8, 1], hidden="tanh"), X[:, :1], X[:, 1:], loss="mse", epochs=2, batch_size=10, seed=0)
    assert h.acc == [] and len(h.loss) == 2


def test_divergence_names_epoch_and_step_and_suggests_smaller_eta():
    X, y = moons(60, seed=0)
    X = X * 100
    with pytest.raises(TrainingDiverged, match=r"epoch \d+, step \d+ of 6.*eta=1000000.0.*smaller"):
        fit(MLP([2, 32, 2], seed=0), X, y, epochs=20, batch_size=10, optimizer=SGD(eta=1e6), seed=0)


def test_fit_rejects_bad_input_before_training():
    X, y = moons(20, seed=0)
    net = MLP([2, 3, 2])
    before = net.get_params()
    with pytest.raises(ValueError, match="label 2, outside 0..1"):
        fit(net, X, np.r_[y[:-1], 2], epochs=1, batch_size=4)
    with pytest.raises(ValueError, match="X has 20 examples but T has 19"):
        fit(net, X, y[:-1], epochs=1, batch_size=4)
    with pytest.raises(ValueError, match="batch_size must be > 0"):
        fit(net, X, y, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="epochs must be > 0"):
        fit(net, X, y, epochs=0, batch_size=4)
    with pytest.raises(ValueError, match=r"expects 2 input features, got X of shape \(20, 3\)"):
        fit(net, np.c_[X, X[:, :1]], y, epochs=1, batch_size=4)
    with pytest.raises(ValueError, match="unknown penalty 'l3'"):
        fit(net, X, y, epochs=1, batch_size=4, penalty="l3")
    for k in before:                         # nothing was trained
        np.testing.assert_array_equal(before[k], net.params[k])


def test_progress_bar_is_optional(capsys):
    X, y = moons(20, seed=0)
    fit(MLP([2, 3, 2]), X, y, epochs=2, batch_size=5)
    assert capsys.readouterr().err == ""
    fit(MLP([2, 3, 2]), X, y, epochs=2, batch_size=5, progress=True)
    assert "epochs" in capsys.readouterr().err


@pytest.mark.parametrize("loss,output", [("binary_cross_entropy", "sigmoid"), ("softmax_cross_entropy", "softmax")])
def test_logit_losses_refuse_a_squashed_output(loss, output):
    X, y = logic_gate("AND")
    net = MLP([2, 1 if loss.startswith("binary") else 2], output=output)
    with pytest.raises(ValueError, match=f"takes logits.*output activation is '{output}'.*output='identity'"):
        fit(net, X, y, loss=loss, epochs=1, batch_size=4)


def test_common_label_and_layout_mistakes_get_a_hint():
    X, y = moons(20, seed=0)
    net = MLP([2, 3, 2])
    with pytest.raises(ValueError, match=r"shape \(20, 1\): give class labels as a 1-D array of shape \(20,\) \(use T.ravel\(\)\)"):
        fit(net, X, y.reshape(-1, 1), epochs=1, batch_size=4)
    with pytest.raises(ValueError, match=r"X has 2 examples but T has 20.*is X transposed\? .*use X.T"):
        fit(MLP([20, 2]), X.T, y, epochs=1, batch_size=4)


def _overfitting_setup(seed=0):
    """A small noisy training set and a wide network: the validation cost turns up after a while."""
    X, T = moons(n=60, noise=0.35, seed=seed)
    Xv, Tv = moons(n=400, noise=0.35, seed=seed + 100)
    net = MLP([2, 100, 100, 2], hidden="relu", seed=seed)
    return net, X, T, Xv, Tv


def test_early_stopping_stops_after_patience_epochs_and_restores_the_best_weights():
    net, X, T, Xv, Tv = _overfitting_setup()
    seen = {}
    hist = fit(net, X, T, epochs=2000, batch_size=20, optimizer=SGD(eta=0.1, momentum=0.9), X_val=Xv, T_val=Tv,
               patience=20, callback=lambda e, n, h: seen.__setitem__(e, n.get_params()))
    assert hist.stopped_epoch is not None and hist.stopped_epoch < 2000
    assert hist.epochs == hist.stopped_epoch
    assert hist.stopped_epoch - hist.best_epoch == 20
    best = int(np.argmin(hist.val_loss)) + 1
    assert hist.best_epoch == best
    # no epoch in the last `patience` improved on the best
    assert min(hist.val_loss[hist.best_epoch:]) >= hist.val_loss[hist.best_epoch - 1]
    # the network now holds the best epoch's weights, and its validation cost is the best one
    for k, v in seen[hist.best_epoch].items():
        np.testing.assert_array_equal(net.params[k], v)
    assert evaluate(net, Xv, Tv)[0] == pytest.approx(hist.val_loss[hist.best_epoch - 1], rel=1e-12)


def test_early_stopping_without_restore_keeps_the_last_weights():
    net, X, T, Xv, Tv = _overfitting_setup()
    hist = fit(net, X, T, epochs=2000, batch_size=20, optimizer=SGD(eta=0.1, momentum=0.9), X_val=Xv, T_val=Tv,
               patience=20, restore_best=False)
    assert evaluate(net, Xv, Tv)[0] == pytest.approx(hist.val_loss[-1], rel=1e-12)
    assert hist.val_loss[-1] > hist.val_loss[hist.best_epoch - 1]


def test_without_patience_fit_runs_every_epoch():
    net, X, T, Xv, Tv = _overfitting_setup()
    hist = fit(net, X, T, epochs=30, batch_size=20, X_val=Xv, T_val=Tv)
    assert hist.epochs == 30 and hist.stopped_epoch is None and hist.best_epoch is None


def test_early_stopping_needs_a_validation_set_and_a_positive_patience():
    net, X, T, Xv, Tv = _overfitting_setup()
    with pytest.raises(ValueError, match="no validation set was given: pass X_val and T_val"):
        fit(net, X, T, epochs=5, batch_size=20, patience=3)
    with pytest.raises(ValueError, match="patience"):
        fit(net, X, T, epochs=5, batch_size=20, X_val=Xv, T_val=Tv, patience=0)
    with pytest.raises(ValueError, match="min_delta must be a number >= 0"):
        fit(net, X, T, epochs=5, batch_size=20, X_val=Xv, T_val=Tv, patience=3, min_delta=-1)
