"""Plain-data encoding of the values that cross the sandbox wall (JSON; never pickle).

The same file runs on both sides: the grader encodes the arguments of a call to a student's
function, the sandboxed kernel decodes them, calls the function and encodes what it returned;
the grader decodes that. Only these kinds cross: None, bool, int, float, str, numeric numpy
arrays (bool, int, uint, float; their bytes in base64), tuples, lists, dicts with str or int
keys, a ``numpy.random.Generator`` (its bit generator's state), an object's public attributes
(``ns``: decoded as a ``types.SimpleNamespace``) and an ``nnlab.MLP`` (sizes, activation names,
keep_prob and parameters). Anything else is refused with a message that names its type.

This module imports only the standard library and numpy: the grader injects its source into
the sandboxed kernel, which must not import the grading package.
"""

from __future__ import annotations

import base64
import hashlib
import json
import types

import numpy as np

MAX_BYTES = 64 * 2**20      # a whole encoded message
MAX_DEPTH = 20
MAX_ITEMS = 100_000         # items in one list, tuple or dict
ARRAY_KINDS = "biuf"


class CodecError(ValueError):
    """A value that cannot cross the sandbox wall (its kind, size or nesting)."""


def encode(value, depth: int = 0):
    """A JSON-ready description of ``value`` (see the module docstring for the kinds)."""
    if depth > MAX_DEPTH:
        raise CodecError(f"nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return {"t": "int", "v": str(int(value))}
    if isinstance(value, (float, np.floating)):
        return {"t": "float", "v": repr(float(value))}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in ARRAY_KINDS:
            raise CodecError(f"an array of dtype {value.dtype} (only numbers and booleans can be graded)")
        a = np.ascontiguousarray(value)
        return {"t": "nd", "dtype": a.dtype.str, "shape": list(a.shape),
                "b64": base64.b64encode(a.tobytes()).decode("ascii")}
    if isinstance(value, np.random.Generator):
        return {"t": "rng", "state": _plain(value.bit_generator.state)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):   # a named tuple (nnlab's Split)
        return {"t": "ns", "v": encode(dict(zip(value._fields, value)), depth + 1)["v"]}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            raise CodecError(f"a {type(value).__name__} of {len(value)} items (at most {MAX_ITEMS})")
        return {"t": "tuple" if isinstance(value, tuple) else "list", "v": [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise CodecError(f"a dict of {len(value)} items (at most {MAX_ITEMS})")
        items = []
        for k, v in value.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise CodecError(f"a dict key of type {type(k).__name__} (only str and int keys)")
            items.append([k, encode(v, depth + 1)])
        return {"t": "dict", "v": items}
    if type(value).__name__ == "MLP" and hasattr(value, "params") and hasattr(value, "sizes"):
        return {"t": "mlp", "sizes": [int(n) for n in value.sizes], "hidden": str(value.hidden.name),
                "output": str(value.output.name), "keep_prob": float(value.keep_prob),
                "params": encode(dict(value.params), depth + 1)}
    if isinstance(value, types.SimpleNamespace) or getattr(value, "__dataclass_fields__", None):
        fields = {k: v for k, v in vars(value).items() if not k.startswith("_")}
        return {"t": "ns", "v": encode(fields, depth + 1)["v"]}
    raise CodecError(f"a value of type {type(value).__name__}")


def _plain(state):
    """A bit generator's state with numpy integers made plain (for JSON)."""
    if isinstance(state, dict):
        return {k: _plain(v) for k, v in state.items()}
    if isinstance(state, (np.integer, int)):
        return {"t": "int", "v": str(int(state))}
    return state


def _unplain(state):
    if isinstance(state, dict):
        if state.get("t") == "int":
            return int(state["v"])
        return {k: _unplain(v) for k, v in state.items()}
    return state


def decode(obj, make_mlp=None, depth: int = 0):
    """The value ``encode`` described. ``make_mlp(sizes, hidden, output, keep_prob, params)``
    rebuilds a network (the grader passes one; without it an ``mlp`` is refused)."""
    if depth > MAX_DEPTH:
        raise CodecError(f"nested more than {MAX_DEPTH} levels deep")
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if not isinstance(obj, dict) or not isinstance(obj.get("t"), str):
        raise CodecError(f"not an encoded value: {type(obj).__name__}")
    t = obj["t"]
    if t == "int":
        return int(str(obj["v"])[:400])
    if t == "float":
        return float(obj["v"])
    if t == "nd":
        dtype = np.dtype(str(obj["dtype"]))
        shape = tuple(int(n) for n in obj["shape"])
        if dtype.kind not in ARRAY_KINDS or any(n < 0 for n in shape):
            raise CodecError(f"an array of dtype {dtype} and shape {shape}")
        raw = base64.b64decode(obj["b64"], validate=True)
        if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise CodecError("an array whose bytes do not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if t == "rng":
        state = _unplain(obj["state"])
        name = state.get("bit_generator")
        if name not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"):
            raise CodecError(f"an unknown bit generator {name!r}")
        bg = getattr(np.random, name)()
        bg.state = state
        return np.random.Generator(bg)
    if t in ("list", "tuple"):
        items = obj["v"]
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise CodecError("a list that is too long or malformed")
        out = [decode(v, make_mlp, depth + 1) for v in items]
        return tuple(out) if t == "tuple" else out
    if t in ("dict", "ns"):
        items = obj["v"]
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise CodecError("a dict that is too long or malformed")
        d = {}
        for kv in items:
            if not (isinstance(kv, list) and len(kv) == 2 and isinstance(kv[0], (str, int))):
                raise CodecError("a malformed dict item")
            d[kv[0]] = decode(kv[1], make_mlp, depth + 1)
        return types.SimpleNamespace(**{str(k): v for k, v in d.items()}) if t == "ns" else d
    if t == "mlp":
        if make_mlp is None:
            raise CodecError("a network cannot be passed into the sandbox")
        params = decode(obj["params"], None, depth + 1)
        return make_mlp([int(n) for n in obj["sizes"]], str(obj["hidden"]), str(obj["output"]),
                        float(obj["keep_prob"]), params)
    raise CodecError(f"an unknown kind {t!r}")


def dumps(value) -> str:
    """``encode`` then JSON; refuses a message over MAX_BYTES."""
    text = json.dumps(encode(value), separators=(",", ":"))
    if len(text) > MAX_BYTES:
        raise CodecError(f"a message of {len(text) / 2**20:.0f} MB (at most {MAX_BYTES // 2**20} MB)")
    return text


def loads(text, make_mlp=None):
    """JSON then ``decode``; refuses a message over MAX_BYTES."""
    if len(text) > MAX_BYTES:
        raise CodecError(f"a message of {len(text) / 2**20:.0f} MB (at most {MAX_BYTES // 2**20} MB)")
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise CodecError(f"not valid JSON ({type(err).__name__})") from None
    return decode(obj, make_mlp)


# ----------------------------------------------------------------------------- kernel side

def serve_call(request_path: str, response_path: str, namespace: dict) -> None:
    """Run inside the sandboxed kernel: call one student function and write the outcome.

    The request is {"name", "args", "kwargs"}; the response is {"ok": true, "value", "args"}
    (the arguments as they are after the call, so that in-place updates reach the grader, with
    "same" marking the arrays that are still the objects passed in) or {"ok": false, "error":
    exception type name}. Generators are run to the end (at most MAX_ITEMS items) and come back
    as a list. Only the type of an exception crosses, never its message.
    """
    with open(request_path, encoding="utf-8") as f:
        req = json.loads(f.read())
    args = decode(req["args"])
    kwargs = decode(req["kwargs"])
    fn = namespace.get(req["name"])
    try:
        if not callable(fn):
            raise NameError(req["name"])
        before = [_ids(a) for a in args]
        value = fn(*args, **kwargs)
        if isinstance(value, types.GeneratorType):
            items = []
            for item in value:
                items.append(item)
                if len(items) > MAX_ITEMS:
                    raise CodecError("a generator that yields too many items")
            value = items
        out = {"ok": True, "value": encode(value),
               "args": [_writeback(a, b) for a, b in zip(args, before)]}
    except CodecError:
        out = {"ok": False, "error": "UngradableValue"}
    except BaseException as err:  # noqa: B902 -- the student's code may raise anything
        out = {"ok": False, "error": type(err).__name__}
    text = json.dumps(out, separators=(",", ":"))
    if len(text) > MAX_BYTES:
        text = json.dumps({"ok": False, "error": "ResultTooLarge"})
    with open(response_path, "w", encoding="utf-8") as f:
        f.write(text)


def _digest(v):
    if isinstance(v, np.ndarray):
        return (id(v), hashlib.blake2b(np.ascontiguousarray(v).tobytes(), digest_size=16).digest(), v.shape)
    return (id(v), None, None)


def _ids(a):
    """What each array argument (or array in a dict or list argument) is before the call."""
    if isinstance(a, dict):
        return {k: _digest(v) for k, v in a.items()}
    if isinstance(a, list):
        return [_digest(v) for v in a]
    return _digest(a)


def _writeback(a, before):
    """An argument after the call, when the call changed it: arrays (their values), dicts and
    lists of arrays (entries changed or replaced; ``same`` marks the arrays still the objects
    passed in), and generators (their state)."""
    if isinstance(a, np.random.Generator):
        return {"same": True, "v": encode(a)}
    if isinstance(a, np.ndarray):
        return None if _digest(a) == before else {"same": True, "v": encode(a)}
    if isinstance(a, dict):
        return {"dict": [[k, {"same": before.get(k, (None,))[0] == id(v), "v": encode(v)}] for k, v in a.items()
                         if isinstance(v, (np.ndarray, np.random.Generator)) and before.get(k) != _digest(v)]}
    if isinstance(a, list):
        return {"list": [[i, {"same": i < len(before) and before[i][0] == id(v), "v": encode(v)}]
                         for i, v in enumerate(a)
                         if isinstance(v, np.ndarray) and (i >= len(before) or before[i] != _digest(v))]}
    return None
