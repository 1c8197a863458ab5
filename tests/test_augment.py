"""nnlab.augment: shifts, rotations, flips, noise and intensity on images stored as rows."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nnlab
from nnlab import augment as A

DIGITS = nnlab.load_digits(seed=0).X_train[:20]          # 8×8 grey levels in [0, 1]


def test_rows_and_images_round_trip():
    imgs = A.as_images(DIGITS, (8, 8))
    assert imgs.shape == (20, 8, 8)
    np.testing.assert_array_equal(A.as_rows(imgs), DIGITS)
    rgb = np.arange(2 * 4 * 3 * 3, dtype=float).reshape(2, -1)
    assert A.as_images(rgb, (4, 3, 3)).shape == (2, 4, 3, 3)


def test_zero_shift_and_zero_rotation_are_the_identity():
    np.testing.assert_array_equal(A.shift(DIGITS, 0, 0), DIGITS)
    np.testing.assert_array_equal(A.rotate(DIGITS, 0.0), DIGITS)
    np.testing.assert_array_equal(A.augment(DIGITS, 3, max_shift=0, max_angle=0), DIGITS)


@given(dx1=st.integers(-3, 3), dx2=st.integers(-3, 3), dy1=st.integers(-3, 3), dy2=st.integers(-3, 3))
def test_integer_shifts_compose_on_a_blank_border(dx1, dx2, dy1, dy2):
    img = np.zeros((1, 14, 14))
    img[0, 6:8, 5:9] = [[0.2, 0.4, 0.6, 0.8], [1.0, 0.3, 0.5, 0.7]]   # content far from the edges
    X = img.reshape(1, -1)
    twice = A.shift(A.shift(X, dx1, dy1, (14, 14)), dx2, dy2, (14, 14))
    np.testing.assert_array_equal(twice, A.shift(X, dx1 + dx2, dy1 + dy2, (14, 14)))


def test_shift_moves_right_and_down_and_fills_the_gap():
    X = np.arange(1, 10, dtype=float).reshape(1, 9)           # a 3×3 image 1..9
    out = A.shift(X, 1, 0, (3, 3)).reshape(3, 3)
    np.testing.assert_array_equal(out, [[0, 1, 2], [0, 4, 5], [0, 7, 8]])
    out = A.shift(X, 0, -1, (3, 3), fill=-1).reshape(3, 3)
    np.testing.assert_array_equal(out, [[4, 5, 6], [7, 8, 9], [-1, -1, -1]])
    per_image = A.shift(np.vstack([X, X]), np.array([1, 0]), np.array([0, 1]), (3, 3))
    np.testing.assert_array_equal(per_image[0], A.shift(X, 1, 0, (3, 3))[0])
    np.testing.assert_array_equal(per_image[1], A.shift(X, 0, 1, (3, 3))[0])


def test_rotation_turns_anticlockwise_and_four_quarter_turns_return():
    img = np.zeros((1, 64))
    img[0, 3 * 8 + 7] = 1.0                                     # right edge, just above the middle
    out = A.rotate(img, 90).reshape(8, 8)
    np.testing.assert_allclose(out[0, 3], 1.0, atol=1e-12)        # now at the top edge
    assert abs(out.sum() - 1.0) < 1e-12
    X = DIGITS[:3]
    back = X
    for _ in range(4):
        back = A.rotate(back, 90)
    np.testing.assert_allclose(back, X, atol=1e-12)
    np.testing.assert_allclose(A.rotate(A.rotate(X, 90), -90), X, atol=1e-12)


def test_flip_mirrors_and_twice_is_the_identity():
    X = np.arange(6, dtype=float).reshape(1, 6)                 # 2×3: [[0 1 2] [3 4 5]]
    np.testing.assert_array_equal(A.flip(X, (2, 3)), [[2, 1, 0, 5, 4, 3]])
    np.testing.assert_array_equal(A.flip(X, (2, 3), horizontal=False), [[3, 4, 5, 0, 1, 2]])
    np.testing.assert_array_equal(A.flip(A.flip(DIGITS)), DIGITS)


def test_noise_intensity_invert():
    noisy = A.add_noise(DIGITS, 0.3, rng=0)
    assert noisy.min() >= 0 and noisy.max() <= 1 and not np.array_equal(noisy, DIGITS)
    np.testing.assert_array_equal(noisy, A.add_noise(DIGITS, 0.3, rng=np.random.default_rng(0)))
    np.testing.assert_array_equal(A.scale_intensity(DIGITS, 0.5), DIGITS * 0.5)
    assert A.scale_intensity(DIGITS, 3.0).max() == 1.0
    np.testing.assert_array_equal(A.invert(A.invert(DIGITS)), DIGITS)
    np.testing.assert_array_equal(A.invert(np.array([[0.0, 16.0, 4.0]]), (0, 16)), [[16.0, 0.0, 12.0]])


def test_augment_is_deterministic_from_the_rng_and_stays_in_range():
    kw = dict(max_shift=1.5, max_angle=15, noise=0.2, intensity=0.3, flip_prob=0.5)
    a = A.augment(DIGITS, np.random.default_rng(7), **kw)
    b = A.augment(DIGITS, 7, **kw)
    np.testing.assert_array_equal(a, b)
    assert a.shape == DIGITS.shape and a.min() >= 0.0 and a.max() <= 1.0
    assert not np.array_equal(a, A.augment(DIGITS, 8, **kw))
    raw = DIGITS * 16
    c = A.augment(raw, 7, value_range=(0, 16), **kw)
    assert c.min() >= 0 and c.max() <= 16
    X = DIGITS.copy()
    out = A.augment(X, 0, max_shift=0, max_angle=0)
    out[0, 0] = 5.0
    np.testing.assert_array_equal(X, DIGITS)                      # a new array, never a view


def test_augment_draws_the_same_numbers_whatever_the_strength():
    rng1, rng2 = np.random.default_rng(1), np.random.default_rng(1)
    A.augment(DIGITS, rng1, max_shift=0, max_angle=0)
    A.augment(DIGITS, rng2, max_shift=2, max_angle=20, noise=0.1, intensity=0.2, flip_prob=0.3)
    assert rng1.random() == rng2.random()


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match=r"rows of 64 values, but image_shape \(7, 7\) holds 49"):
        A.shift(DIGITS, 1, 0, (7, 7))
    with pytest.raises(ValueError, match=r"image_shape must be \(H, W\) or \(H, W, C\)"):
        A.rotate(DIGITS, 5, (8,))
    with pytest.raises(ValueError, match=r"X must be 2-D.*one flattened image per row.*reshape\(1, -1\)"):
        A.augment(DIGITS[0], 0)
    with pytest.raises(ValueError, match=r"X must be 2-D"):
        A.augment(DIGITS.reshape(20, 8, 8), 0)
    with pytest.raises(ValueError, match=r"dx must be one number or one per image, shape \(20,\)"):
        A.shift(DIGITS, np.zeros(3), 0)
    with pytest.raises(ValueError, match=r"outside value_range=\(0.0, 1.0\).*value_range=\(0, 16\)"):
        A.augment(DIGITS * 16, 0)
    with pytest.raises(ValueError, match=r"max_angle must be >= 0, got -5"):
        A.augment(DIGITS, 0, max_angle=-5)
    with pytest.raises(ValueError, match=r"flip_prob is a probability"):
        A.augment(DIGITS, 0, flip_prob=2)
    with pytest.raises(TypeError, match=r"rng must be an int seed or a numpy Generator"):
        A.augment(DIGITS, None)


def test_warp_matches_a_pixel_by_pixel_reference():
    rng = np.random.default_rng(0)
    imgs = rng.random((5, 6, 7))
    H, W = 6, 7
    angle, dx, dy = rng.uniform(-40, 40, 5), rng.uniform(-2, 2, 5), rng.uniform(-2, 2, 5)

    def reference(img, deg, dx, dy, fill):
        # The module docstring's formula, one output pixel at a time.
        cy, cx, t = (H - 1) / 2, (W - 1) / 2, np.deg2rad(deg)
        val = lambda y, x: img[y, x] if 0 <= y < H and 0 <= x < W else fill
        out = np.zeros_like(img)
        for r in range(H):
            for c in range(W):
                u, v = c - dx - cx, cy - (r - dy)                    # "up" positive
                xs, ys = cx + np.cos(t) * u + np.sin(t) * v, cy - (-np.sin(t) * u + np.cos(t) * v)
                x0, y0 = int(np.floor(xs)), int(np.floor(ys))
                fx, fy = xs - x0, ys - y0
                out[r, c] = ((1 - fy) * (1 - fx) * val(y0, x0) + (1 - fy) * fx * val(y0, x0 + 1)
                             + fy * (1 - fx) * val(y0 + 1, x0) + fy * fx * val(y0 + 1, x0 + 1))
        return out

    expected = np.array([reference(imgs[i], angle[i], dx[i], dy[i], 0.2) for i in range(5)])
    np.testing.assert_allclose(A._warp(imgs, angle, dx, dy, 0.2), expected, atol=1e-12)
    rgb = np.stack([imgs, 1 - imgs, imgs ** 2], axis=-1)                 # channels move together
    out = A._warp(rgb, angle, dx, dy, 0.2)
    for ch in range(3):
        np.testing.assert_allclose(out[..., ch], A._warp(rgb[..., ch], angle, dx, dy, 0.2), atol=1e-12)
