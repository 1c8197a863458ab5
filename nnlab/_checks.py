"""Input checks shared by every module: fail early, say what to fix."""

from __future__ import annotations

import numbers

import numpy as np


class NonFiniteError(ValueError):
    """An array that must be finite holds inf or NaN (``fit`` turns this into TrainingDiverged)."""


def as_rng(seed_or_rng, name: str = "rng") -> np.random.Generator:
    """Return a ``np.random.Generator`` from an int seed or a Generator.

    The global RNG is never used: randomness must be passed in explicitly.
    """
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, numbers.Integral) and not isinstance(seed_or_rng, bool):
        return np.random.default_rng(int(seed_or_rng))
    raise TypeError(
        f"{name} must be an int seed or a numpy Generator "
        f"(np.random.default_rng(seed)), got {type(seed_or_rng).__name__}"
    )


def shape_str(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def as_float_array(x, name: str, ndim: int | tuple[int, ...] | None = None,
                   allow_empty: bool = False, hint: str = "") -> np.ndarray:
    """Convert ``x`` to a float array, checking dimensions and finiteness."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        arr = x
    else:
        try:
            arr = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"{name} must be an array of numbers, got {type(x).__name__} ({err})"
            ) from None
    if ndim is not None:
        dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in dims:
            want = " or ".join(f"{d}-D" for d in dims)
            raise ValueError(
                f"{name} must be {want}{hint}, got shape {shape_str(arr.shape)}"
                + (" (a single example? use x.reshape(1, -1))" if arr.ndim == 1 and 2 in dims else "")
            )
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {shape_str(arr.shape)}): a batch needs at least one example")
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise NonFiniteError(
            f"{name} contains {arr[where]} at index {where}: inputs must be finite "
            "(check for missing values or a division by zero)"
        )
    return arr


def check_labels(T, name: str, n_examples: int, n_classes: int) -> np.ndarray:
    """Return integer labels of shape (N,) from labels (N,) or one-hot (N, K)."""
    T = np.asarray(T)
    if T.ndim == 2 and T.shape[1] == 1 and n_classes > 1:
        raise ValueError(
            f"{name} has shape {shape_str(T.shape)}: give class labels as a 1-D array of shape "
            f"{shape_str((n_examples,))} (use T.ravel()), or one-hot rows of shape {shape_str((n_examples, n_classes))}"
        )
    if T.ndim == 2:
        if T.shape != (n_examples, n_classes):
            raise ValueError(
                f"one-hot {name} must have shape {shape_str((n_examples, n_classes))}, "
                f"got {shape_str(T.shape)}"
            )
        if not np.all((T == 0) | (T == 1)) or not np.all(T.sum(axis=1) == 1):
            raise ValueError(f"one-hot {name} must have exactly one 1 per row and 0 elsewhere")
        return T.argmax(axis=1)
    if T.ndim != 1 or T.shape[0] != n_examples:
        raise ValueError(
            f"{name} must be integer labels of shape {shape_str((n_examples,))} or one-hot of shape "
            f"{shape_str((n_examples, n_classes))}, got shape {shape_str(T.shape)}"
        )
    if T.dtype.kind == "f":
        if not np.all(np.isfinite(T)) or not np.all(T == np.round(T)):
            raise ValueError(f"{name} must hold integer class labels, got non-integer values such as {T[T != np.round(T)][:3]}")
        T = T.astype(np.int64)
    elif T.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {T.dtype}")
    if T.size and (T.min() < 0 or T.max() >= n_classes):
        bad = T[(T < 0) | (T >= n_classes)][0]
        raise ValueError(
            f"{name} has label {bad}, outside 0..{n_classes - 1} "
            f"(the network has {n_classes} outputs, one per class)"
        )
    return T


def check_positive(value, name: str, integer: bool = False, allow_zero: bool = False):
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {'an integer' if integer else 'a number'}, got {value!r}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        need = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {need}, got {value!r}")
    return value


def check_keep_prob(keep_prob) -> float:
    if isinstance(keep_prob, bool) or not isinstance(keep_prob, numbers.Real):
        raise TypeError(f"keep_prob must be a number in (0, 1], got {keep_prob!r}")
    if not (0 < keep_prob <= 1):
        raise ValueError(
            f"keep_prob is the probability of KEEPING a unit and must be in (0, 1], got {keep_prob!r} "
            "(for a drop rate p use keep_prob = 1 - p; 1 means no dropout)"
        )
    return float(keep_prob)
