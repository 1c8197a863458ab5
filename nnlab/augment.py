r"""Data augmentation: new training images from old ones (shifts, small rotations, noise, flips, intensity).

nnlab keeps an image data set as rows, ``X`` (N, n_0), one flattened image
per row: the digits are 8×8 grey levels, n_0 = 64 (the slides' example is
16×16 = 256). Every function here takes such rows and ``image_shape``
(``(H, W)`` for grey levels, ``(H, W, C)`` for C colour channels such as RGB)
and returns new rows of the same shape; the input is never changed.

Geometric changes move each output pixel's value from a source position in the
input image, read with bilinear interpolation: for an output pixel at column x,
row y (rows count down, as in ``plt.imshow``), with centre c = ((W-1)/2, (H-1)/2),
a rotation by θ (anticlockwise on screen) and a shift by (dx, dy),

.. math:: p_{src} = R(-\theta)\,(p - c - d) + c, \qquad
          v(p) = \sum_{\text{4 neighbours } q \text{ of } p_{src}} w_q\, v_{in}(q)

with the bilinear weights w_q (they sum to 1); neighbours outside the image
read ``fill``. Integer shifts move pixels exactly; a rotation or a fractional
shift also smooths a little.

Randomness only comes from an explicit ``rng`` (an int seed or
``np.random.default_rng(seed)``): the same rng gives the same images.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import as_float_array, as_rng, check_positive, shape_str

__all__ = ["as_images", "as_rows", "shift", "rotate", "flip", "add_noise", "scale_intensity", "invert", "augment"]


def _check_image_shape(image_shape) -> tuple:
    try:
        shape = tuple(image_shape)
    except TypeError:
        shape = None
    if (shape is None or len(shape) not in (2, 3)
            or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in shape)):
        raise ValueError(f"image_shape must be (H, W) or (H, W, C) of positive integers, e.g. (8, 8) for the "
                         f"digits or (32, 32, 3) for RGB; got {image_shape!r}")
    return tuple(int(s) for s in shape)


def as_images(X, image_shape=(8, 8)) -> np.ndarray:
    """Rows X (N, n_0) as images (N, H, W) or (N, H, W, C); n_0 must be H·W(·C)."""
    shape = _check_image_shape(image_shape)
    X = as_float_array(X, "X", ndim=2, hint=" (N images, one flattened image per row)")
    size = int(np.prod(shape))
    if X.shape[1] != size:
        raise ValueError(
            f"X has rows of {X.shape[1]} values, but image_shape {shape_str(shape)} holds {size} pixels: "
            f"each row must be one whole image (the digits are image_shape=(8, 8), 64 values per row)")
    return X.reshape((X.shape[0],) + shape)


def as_rows(images) -> np.ndarray:
    """Images (N, H, W) or (N, H, W, C) back to rows (N, H·W(·C)): the inverse of ``as_images``."""
    images = np.asarray(images, dtype=np.float64)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be (N, H, W) or (N, H, W, C), got shape {shape_str(images.shape)}")
    return images.reshape(images.shape[0], -1)


def _per_image(value, N: int, name: str) -> np.ndarray:
    """A number or one number per image, as a float array (N,)."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(N, float(arr))
    if arr.shape != (N,):
        raise ValueError(f"{name} must be one number or one per image, shape ({N},); got shape {shape_str(arr.shape)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)][0]}")
    return arr


def _warp(images, angle_deg, dx, dy, fill: float) -> np.ndarray:
    """Rotate each image by angle_deg (N,) about its centre, then shift it by (dx, dy) (N,); bilinear."""
    N, H, W = images.shape[:3]
    img = images.reshape(N, H, W, -1)                       # a channel axis, 1 for grey levels
    cy, cx = (H - 1) / 2, (W - 1) / 2
    theta = np.deg2rad(angle_deg)[:, None, None]
    cos, sin = np.cos(theta), np.sin(theta)
    rows, cols = np.mgrid[0:H, 0:W].astype(np.float64)
    u = cols[None] - dx[:, None, None] - cx                 # output position minus the shift, from the centre
    v = cy - (rows[None] - dy[:, None, None])               # "up" is positive for the rotation
    xs = cx + (cos * u + sin * v)                           # R(-θ) applied to (u, v)
    ys = cy - (-sin * u + cos * v)
    x0, y0 = np.floor(xs), np.floor(ys)
    fx, fy = xs - x0, ys - y0
    # A border of `fill` one pixel wide: a corner outside the image is clipped onto it.
    Hp, Wp = H + 2, W + 2
    padded = np.full((N, Hp, Wp, img.shape[3]), fill)
    padded[:, 1:-1, 1:-1] = img
    flat = padded.reshape(N * Hp * Wp, -1)
    base = (np.arange(N) * (Hp * Wp))[:, None, None]
    yi = np.clip(y0, -1, H).astype(np.intp) + 1            # row in the padded image
    xi = np.clip(x0, -1, W).astype(np.intp) + 1
    yj = np.clip(y0 + 1, -1, H).astype(np.intp) + 1
    xj = np.clip(x0 + 1, -1, W).astype(np.intp) + 1
    out = ((1 - fy) * (1 - fx))[..., None] * flat[base + yi * Wp + xi]
    out += ((1 - fy) * fx)[..., None] * flat[base + yi * Wp + xj]
    out += (fy * (1 - fx))[..., None] * flat[base + yj * Wp + xi]
    out += (fy * fx)[..., None] * flat[base + yj * Wp + xj]
    return out.reshape(images.shape)


def shift(X, dx, dy, image_shape=(8, 8), fill: float = 0.0) -> np.ndarray:
    """Move every image dx pixels to the right and dy pixels down (N, n_0) -> (N, n_0).

    dx, dy: numbers, or arrays (N,) with one shift per image. Integer shifts move
    pixels exactly; pixels moved out are lost and the uncovered ones get ``fill``
    (0 is the digits' blank background). Fractional shifts interpolate.
    """
    imgs = as_images(X, image_shape)
    N = imgs.shape[0]
    return as_rows(_warp(imgs, np.zeros(N), _per_image(dx, N, "dx"), _per_image(dy, N, "dy"), float(fill)))


def rotate(X, angle, image_shape=(8, 8), fill: float = 0.0) -> np.ndarray:
    """Rotate every image by ``angle`` degrees (anticlockwise on screen) about its centre.

    angle: a number or an array (N,), one angle per image. Bilinear
    interpolation; corners that come from outside the image get ``fill``.
    """
    imgs = as_images(X, image_shape)
    N = imgs.shape[0]
    zero = np.zeros(N)
    return as_rows(_warp(imgs, _per_image(angle, N, "angle"), zero, zero, float(fill)))


def flip(X, image_shape=(8, 8), horizontal: bool = True) -> np.ndarray:
    """Mirror every image left-right (``horizontal=True``, AlexNet's reflections) or top-bottom."""
    imgs = as_images(X, image_shape)
    return as_rows(imgs[:, :, ::-1] if horizontal else imgs[:, ::-1, :])


def _check_nonnegative(value, name) -> float:
    return float(check_positive(value, name, allow_zero=True))


def _check_range(value_range):
    if value_range is None:
        return None
    try:
        lo, hi = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"value_range must be (low, high) or None, got {value_range!r}") from None
    if not lo < hi:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range!r}")
    return lo, hi


def _clip(X, value_range):
    return X if value_range is None else np.clip(X, *value_range)


def add_noise(X, sigma: float, rng, value_range=(0.0, 1.0)) -> np.ndarray:
    """Add Gaussian noise of standard deviation ``sigma`` to every pixel, then clip to ``value_range``.

    X: (N, n_0). rng: an int seed or a Generator. value_range=None does not clip.
    """
    X = as_float_array(X, "X", ndim=2, hint=" (N images, one flattened image per row)")
    _check_nonnegative(sigma, "sigma")
    return _clip(X + sigma * as_rng(rng).standard_normal(X.shape), _check_range(value_range))


def scale_intensity(X, factor, value_range=(0.0, 1.0)) -> np.ndarray:
    """Multiply each image's pixels by ``factor`` (a number or one per image, (N,)), then clip.

    The grey-level version of AlexNet's change of the RGB intensities: a
    factor below 1 makes the ink fainter, above 1 stronger.
    """
    X = as_float_array(X, "X", ndim=2, hint=" (N images, one flattened image per row)")
    factor = _per_image(factor, X.shape[0], "factor")
    return _clip(X * factor[:, None], _check_range(value_range))


def invert(X, value_range=(0.0, 1.0)) -> np.ndarray:
    """Swap ink and background: low + high - X (white digits on black become black on white)."""
    X = as_float_array(X, "X", ndim=2, hint=" (N images, one flattened image per row)")
    vr = _check_range(value_range)
    if vr is None:
        raise ValueError("invert needs the value range (low, high) of the pixels, e.g. (0.0, 1.0)")
    return vr[0] + vr[1] - X


def augment(X, rng, image_shape=(8, 8), *, max_shift: float = 1.0, max_angle: float = 10.0,
            noise: float = 0.0, intensity: float = 0.0, flip_prob: float = 0.0,
            value_range=(0.0, 1.0), fill: float = 0.0) -> np.ndarray:
    """A randomly changed copy of every image, for one epoch of training: (N, n_0) -> (N, n_0).

    For each image, independently: a shift (dx, dy) uniform in ±``max_shift``
    pixels, a rotation uniform in ±``max_angle`` degrees, an intensity factor
    uniform in 1 ± ``intensity``, a left-right mirror with probability
    ``flip_prob``, and Gaussian pixel noise of standard deviation ``noise``;
    the result is clipped to ``value_range`` (None: no clipping).

    The same random numbers are drawn whatever the strengths, so two runs with
    the same rng and different strengths see the same draws, scaled; with every
    strength 0 the images come back unchanged. Flip only what stays the same
    class when mirrored (a mirrored 2 is not a 2; a mirrored cat is still a cat).
    """
    imgs = as_images(X, image_shape)
    rng = as_rng(rng)
    max_shift = _check_nonnegative(max_shift, "max_shift")
    max_angle = _check_nonnegative(max_angle, "max_angle")
    noise = _check_nonnegative(noise, "noise")
    intensity = _check_nonnegative(intensity, "intensity")
    flip_prob = _check_nonnegative(flip_prob, "flip_prob")
    if flip_prob > 1:
        raise ValueError(f"flip_prob is a probability and must be in [0, 1], got {flip_prob!r}")
    vr = _check_range(value_range)
    if vr is not None and (imgs.min() < vr[0] or imgs.max() > vr[1]):
        raise ValueError(
            f"X holds values from {imgs.min():.4g} to {imgs.max():.4g}, outside value_range={value_range}: "
            f"pass the range of your pixels (e.g. value_range=(0, 16) for unscaled digits), or None not to clip")
    N = imgs.shape[0]
    u = rng.uniform(-1.0, 1.0, size=(4, N))                # dx, dy, angle, intensity: always drawn
    mirror = rng.random(N) < flip_prob
    z = rng.standard_normal(imgs.shape)
    out = imgs
    if max_shift or max_angle:
        out = _warp(out, max_angle * u[2], max_shift * u[0], max_shift * u[1], float(fill))
    if mirror.any():
        out = out.copy()
        out[mirror] = out[mirror][:, :, ::-1]
    rows = as_rows(out)
    if intensity:
        rows = rows * (1.0 + intensity * u[3])[:, None]
    if noise:
        rows = rows + noise * z.reshape(N, -1)
    return np.array(_clip(rows, vr))                     # always a new array, never a view of X
