"""The plain-data wire format between the judge (trusted) and a sandbox (untrusted).

Everything that crosses the trust boundary is JSON built from a closed set of types:

=====================  ==================================================
Python value           on the wire
=====================  ==================================================
None, bool, str        JSON null, true/false, string
int                    JSON integer (at most ``MAX_INT_DIGITS`` digits)
float                  JSON number; nan/inf as ``{"$f": "nan" | "inf" | "-inf"}``
list, tuple            JSON array; a tuple as ``{"$tuple": [...]}``
dict (str keys)        ``{"$dict": [[key, value], ...]}``
numpy array / scalar   ``{"$nd": [dtype, shape, base64 bytes]}``, numeric or bool dtypes
SymPy expression       ``{"$sym": tree}``, a tree of whitelisted node names
=====================  ==================================================

The judge decodes with :func:`decode`, which checks every node against that set and every
size against a bound, and builds fresh plain objects: nothing is unpickled, nothing is
evaluated, and no object the student made ever reaches the judge. Anything else fails with
:class:`WireError` ("unsupported return type X"), which the judge reports as a failed test.

This module is also copied into every sandbox, where :func:`encode` runs on the student's
return values; it therefore imports only the standard library (numpy and sympy lazily).
"""

from __future__ import annotations

import base64
import json
import math
import sys

MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
MAX_ITEMS = 2_000_000
MAX_INT_DIGITS = 4000
_INT_LIMIT = 10**MAX_INT_DIGITS  # computed once: 10**4000 costs 23 us, once per int it crossed
MAX_STR = 1_000_000

NUMERIC_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64", "complex64", "complex128"]
)


class WireError(ValueError):
    """A value that cannot cross the trust boundary (wrong type, too big, malformed).

    ``type_name`` names the offending type when it was an unsupported one.
    """

    def __init__(self, message: str, type_name: str = ""):
        super().__init__(message)
        self.type_name = type_name


# --------------------------------------------------------------------------- encoding


def to_json(value):
    """Turn a plain value into JSON-ready data, or raise WireError naming its type."""
    return _enc(value, 0, [0])


def encode(value) -> bytes:
    """Turn a plain value into wire bytes, or raise WireError naming the offending type."""
    data = json.dumps(to_json(value), allow_nan=False, separators=(",", ":"))
    raw = data.encode("utf-8")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise WireError(f"return value too large ({len(raw)} bytes)")
    return raw


def _type_name(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _enc(v, depth: int, counter: list[int]):
    counter[0] += 1
    if counter[0] > MAX_ITEMS:
        raise WireError("return value has too many items")
    if depth > MAX_DEPTH:
        raise WireError("return value is nested too deeply")
    t = type(v)
    if v is None or t is bool or t is str:
        if t is str and len(v) > MAX_STR:
            raise WireError("returned string is too long")
        return v
    if t is int:
        if abs(v) >= _INT_LIMIT:
            raise WireError("returned integer is too large")
        return v
    if isinstance(v, float):  # float subclasses (np.float64 too) cross as their plain value
        return _enc_float(float.__float__(v))
    if t is list:
        return [_enc(x, depth + 1, counter) for x in v]
    if t is tuple:
        return {"$tuple": [_enc(x, depth + 1, counter) for x in v]}
    if t is dict:
        items = []
        for k, x in v.items():
            if type(k) is not str:
                raise WireError(f"unsupported return type: dict key of type {_type_name(k)}",
                                _type_name(k))
            items.append([k, _enc(x, depth + 1, counter)])
        return {"$dict": items}
    np = sys.modules.get("numpy")
    if np is not None and isinstance(v, np.ndarray | np.generic):
        return _enc_array(np, v)
    sympy = sys.modules.get("sympy")
    if sympy is not None and isinstance(v, sympy.Basic | sympy.MatrixBase):
        return {"$sym": _sym_tree(sympy, v, depth + 1, counter)}
    raise WireError(f"unsupported return type {_type_name(v)}", _type_name(v))


def _enc_float(x: float):
    if math.isnan(x):
        return {"$f": "nan"}
    if math.isinf(x):
        return {"$f": "inf" if x > 0 else "-inf"}
    return x


_DTYPE_NAMES: dict = {}  # numpy dtype -> its name: ``dtype.name`` is worked out in Python


def _dtype_name(dtype) -> str:
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = dtype.name
        if len(_DTYPE_NAMES) < 64:
            _DTYPE_NAMES[dtype] = name
    return name


def _enc_array(np, v):
    arr = np.asarray(v)
    if type(arr) is not np.ndarray:
        raise WireError(f"unsupported return type {_type_name(v)}", _type_name(v))
    name = _dtype_name(arr.dtype)
    if name not in NUMERIC_DTYPES:
        raise WireError(f"unsupported return type: numpy array of dtype {name}")
    payload = base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")
    return {"$nd": [name, list(arr.shape), payload]}


def _sym_tree(sympy, e, depth: int, counter: list[int]):
    """A SymPy expression as ``[node name, *children]``; leaves carry their value as text."""
    counter[0] += 1
    if counter[0] > MAX_ITEMS or depth > MAX_DEPTH * 4:
        raise WireError("returned expression is too large")
    if isinstance(e, sympy.Symbol):
        return ["Symbol", str(e.name)]
    if isinstance(e, sympy.Integer):
        return ["Integer", str(int(e))]
    if isinstance(e, sympy.Rational):
        return ["Rational", str(int(e.p)), str(int(e.q))]
    if isinstance(e, sympy.Float):
        return ["Float", repr(float(e))]
    if isinstance(e, sympy.MatrixBase):
        rows = [[_sym_tree(sympy, e[i, j], depth + 1, counter) for j in range(e.cols)]
                for i in range(e.rows)]
        return ["Matrix", rows]
    name = type(e).__name__
    if not e.args:  # constants such as pi, E, oo, zoo, nan, I
        return [name]
    return [name, *[_sym_tree(sympy, a, depth + 1, counter) for a in e.args]]


# --------------------------------------------------------------------------- decoding


def decode(raw: bytes, *, sympy_builder=None):
    """Rebuild a value from wire bytes, checking every node.

    Args:
        raw: bytes produced by :func:`encode` (or by anything pretending to be it).
        sympy_builder: callable turning a ``$sym`` tree into a SymPy object; without it,
            expressions are refused.
    Raises:
        WireError: malformed data, a type outside the closed set, or a size over a bound.
    """
    if len(raw) > MAX_MESSAGE_BYTES:
        raise WireError("message too large")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise WireError(f"malformed message: {type(err).__name__}") from None
    return from_json(data, sympy_builder=sympy_builder)


def from_json(data, *, sympy_builder=None):
    """Like :func:`decode`, for data already parsed from JSON."""
    return _dec(data, 0, sympy_builder)


def _refuse_constant(name: str):
    raise WireError(f"malformed message: bare {name}")


def _dec(d, depth: int, sympy_builder):
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    t = type(d)
    if d is None or t in (bool, str, float):
        return d
    if t is int:
        if abs(d) >= _INT_LIMIT:
            raise WireError("integer too large")
        return d
    if t is list:
        return [_dec(x, depth + 1, sympy_builder) for x in d]
    if t is not dict or len(d) != 1:
        raise WireError("malformed message: unexpected object")
    (tag, body), = d.items()
    if tag == "$f" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "$tuple" and type(body) is list:
        return tuple(_dec(x, depth + 1, sympy_builder) for x in body)
    if tag == "$dict" and type(body) is list:
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise WireError("malformed dict entry")
            out[pair[0]] = _dec(pair[1], depth + 1, sympy_builder)
        return out
    if tag == "$nd":
        return _dec_array(body)
    if tag == "$sym":
        if sympy_builder is None:
            raise WireError("unsupported return type: SymPy expression")
        return sympy_builder(body)
    raise WireError("malformed message: unknown tag")


def _dec_array(body):
    import numpy as np

    if type(body) is not list or len(body) != 3:
        raise WireError("malformed array")
    dtype, shape, payload = body
    if dtype not in NUMERIC_DTYPES:
        raise WireError("unsupported return type: numpy array of a non-numeric dtype")
    if type(shape) is not list or len(shape) > 32 or any(
        type(n) is not int or n < 0 for n in shape
    ):
        raise WireError("malformed array shape")
    if type(payload) is not str:
        raise WireError("malformed array data")
    try:
        buf = base64.b64decode(payload, validate=True)
    except ValueError:
        raise WireError("malformed array data") from None
    dt = np.dtype(dtype)
    if len(buf) != math.prod(shape) * dt.itemsize:
        raise WireError("array data does not match its shape")
    return np.frombuffer(buf, dtype=dt).reshape(shape).copy()
