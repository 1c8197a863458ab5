r"""Metrics: numbers that say how good a classifier is, not what training minimises.

A loss must be differentiable so that gradient descent can follow it; a
metric is what we report: accuracy counts right answers, so it is flat almost
everywhere and jumps when a prediction changes (no useful gradient).

- ``accuracy``: categorical accuracy (one-hot targets) and sparse categorical
  accuracy (integer labels) are the same number; the largest score wins.
- ``binary_accuracy``: one output per example, thresholded.
- ``top_k_accuracy``: the label is among the k largest scores.
- ``confusion_matrix``: M[i, j] = examples of class i predicted as j.
- ``precision_recall``: per class, from the confusion matrix.

``nnlab.losses`` re-exports the first four (they lived there first).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_labels, shape_str


def _labels(Y, name):
    Y = np.asarray(Y)
    if Y.ndim == 2 and Y.shape[1] > 1:
        return Y.argmax(axis=1)
    if Y.ndim == 1 and Y.dtype.kind in "iub":
        return Y.astype(np.int64)
    if Y.ndim == 1 and Y.dtype.kind == "f" and np.all(Y == np.round(Y)):
        return Y.astype(np.int64)
    raise ValueError(
        f"{name} must be scores (N, K) with K >= 2 or integer labels (N,), got shape "
        f"{shape_str(Y.shape)} dtype {Y.dtype}; for one binary output use binary_accuracy(Y, T) "
        "or (Y > threshold).astype(int)"
    )


def _predicted_and_true(Y, T, name):
    pred, true = _labels(Y, "Y"), _labels(T, "T")
    if pred.shape != true.shape:
        raise ValueError(f"{name}: {pred.shape[0]} predictions but {true.shape[0]} labels "
                         "(Y and T must have one row per example)")
    if pred.size and (pred.min() < 0 or true.min() < 0):
        raise ValueError(f"{name}: class labels must be >= 0, got {min(pred.min(), true.min())}")
    return pred, true


def accuracy(Y, T) -> float:
    r"""Fraction of examples whose predicted class equals the label, :math:`\frac{1}{N}\sum_r [\arg\max_k y^r_k = c_r]`.

    Y: scores (N, K) (the largest wins, as on the slides) or predicted labels (N,).
    T: labels (N,) (sparse categorical accuracy) or one-hot (N, K) (categorical accuracy).
    """
    pred, true = _predicted_and_true(Y, T, "accuracy")
    return float(np.mean(pred == true))


def binary_accuracy(Y, T, threshold: float = 0.5) -> float:
    r"""Fraction of examples with :math:`[y^r > \text{threshold}] = t^r` for one output per example.

    Y: (N,) or (N, 1) outputs: probabilities σ(z) with the default threshold
    0.5, or logits z with ``threshold=0.0`` (the same decision). T: 0/1 targets
    of the same length.
    """
    Y = as_float_array(Y, "Y (one output per example)", ndim=(1, 2))
    if Y.ndim == 2 and Y.shape[1] != 1:
        raise ValueError(
            f"binary_accuracy needs one output per example, shape (N,) or (N, 1), got {shape_str(Y.shape)}; "
            "for one output per class use accuracy(Y, T)"
        )
    T = np.asarray(T, dtype=np.float64).reshape(-1)
    y = Y.reshape(-1)
    if T.shape != y.shape:
        raise ValueError(f"binary_accuracy: {y.shape[0]} outputs but {T.shape[0]} targets")
    if not np.all((T == 0) | (T == 1)):
        raise ValueError(f"binary_accuracy: targets T must be 0 or 1, got values such as {T[(T != 0) & (T != 1)][:3]}")
    return float(np.mean((y > threshold) == (T == 1)))


def top_k_accuracy(Z, T, k: int = 5) -> float:
    r"""Fraction of examples whose label is among the k largest scores. Z: (N, K); T: labels (N,) or one-hot.

    k = 1 is ``accuracy`` (up to ties); k = K is always 1.
    """
    Z = as_float_array(Z, "Z (scores)", ndim=2)
    N, K = Z.shape
    if not 1 <= k <= K:
        raise ValueError(f"k must be in 1..{K}, got {k}")
    t = check_labels(T, "T (labels)", N, K)
    top = np.argpartition(-Z, k - 1, axis=1)[:, :k]
    return float(np.mean((top == t[:, None]).any(axis=1)))


def confusion_matrix(Y, T, n_classes: int | None = None) -> np.ndarray:
    """Counts M[i, j] of examples with true class i predicted as class j; (K, K) integers.

    Y: scores (N, K) or predicted labels (N,); T: labels (N,) or one-hot.
    The diagonal holds the right answers; row i sums to the number of examples of class i.
    """
    pred, true = _predicted_and_true(Y, T, "confusion_matrix")
    K = n_classes or int(max(pred.max(initial=0), true.max(initial=0)) + 1)
    if pred.size and max(pred.max(), true.max()) >= K:
        raise ValueError(f"confusion_matrix: a label {max(pred.max(), true.max())} is outside 0..{K - 1} "
                         f"(n_classes={K}); raise n_classes or leave it out")
    M = np.zeros((K, K), dtype=np.int64)
    np.add.at(M, (true, pred), 1)
    return M


def precision_recall(Y, T, n_classes: int | None = None):
    r"""Precision and recall of every class, from the confusion matrix M.

    .. math:: \text{precision}_k = \frac{M_{kk}}{\sum_i M_{ik}}, \qquad \text{recall}_k = \frac{M_{kk}}{\sum_j M_{kj}}

    Precision: of the examples predicted as k, the fraction that are k.
    Recall: of the examples that are k, the fraction predicted as k.
    Y: scores (N, K) or predicted labels (N,); T: labels (N,) or one-hot.
    Returns two float arrays (K,); NaN where a class is never predicted
    (precision) or never occurs (recall), since 0/0 has no value.
    """
    M = confusion_matrix(Y, T, n_classes).astype(np.float64)
    hits = np.diag(M)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(M.sum(axis=0) > 0, hits / M.sum(axis=0), np.nan)
        recall = np.where(M.sum(axis=1) > 0, hits / M.sum(axis=1), np.nan)
    return precision, recall
