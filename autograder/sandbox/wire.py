"""The wire between the trusted grader and the sandboxed student process: plain data only.

A frame is ``len(header) len(blob) header blob``: a JSON header and one binary blob holding the
bytes of every array. Nothing is ever unpickled. The reader validates every array (a numeric dtype
from a short list, a shape whose size matches its bytes, the blob's bounds) and caps sizes, so what
the student side sends can only ever be numbers.

This file runs on both sides: it needs only the standard library and numpy.
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np

MAX_FRAME = 256 * 1024 * 1024
DTYPES = {"<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"}
MAX_DEPTH = 32
FIRST_READ = 1 << 16  # one read takes a whole frame up to this size


class WireError(Exception):
    """A frame that is malformed, too large, or not plain data."""


def encode(value, handles=None, convert=None) -> bytes:
    """Serialise ``value``. An object that is not plain data is first offered to ``convert(obj)``
    (which may return plain data in its place, e.g. a tensor's array), else becomes a handle via
    ``handles(obj)``."""
    blob = bytearray()

    def enc(v, depth=0):
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            return int(v)
        if isinstance(v, (float, np.floating)):
            return {"__f__": repr(float(v))}  # exact, and NaN/inf survive
        if isinstance(v, np.bool_):
            return bool(v)
        if isinstance(v, np.ndarray) and v.dtype.str in DTYPES:
            data = np.ascontiguousarray(v).tobytes()
            start = len(blob)
            blob.extend(data)
            return {"__nd__": [v.dtype.str, list(v.shape), start, len(data)]}
        if isinstance(v, (list, tuple)):
            items = [enc(x, depth + 1) for x in v]
            return {"__tuple__": items} if isinstance(v, tuple) else items
        if isinstance(v, dict):
            return {"__dict__": [[str(k), enc(x, depth + 1)] for k, x in v.items()]}
        if convert is not None:
            replacement = convert(v)
            if replacement is not v:
                return enc(replacement, depth + 1)
        if handles is None:
            raise WireError(f"cannot send a {type(v).__name__}")
        return handles(v)

    header = json.dumps(enc(value)).encode()
    if len(header) + len(blob) > MAX_FRAME:
        raise WireError(f"message of {len(header) + len(blob)} bytes is over the {MAX_FRAME}-byte limit")
    return struct.pack(">II", len(header), len(blob)) + header + bytes(blob)


def decode(header: bytes, blob: bytes, handle=None):
    """Rebuild a value; arrays are validated and copied into fresh base-class ndarrays."""
    try:
        tree = json.loads(header)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"malformed header: {exc}") from None

    def dec(v, depth=0):
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if v is None or isinstance(v, (bool, int, str)):
            return v
        if isinstance(v, float):
            return v
        if isinstance(v, list):
            return [dec(x, depth + 1) for x in v]
        if not isinstance(v, dict) or len(v) != 1:
            raise WireError("unexpected value in message")
        (tag, body), = v.items()
        if tag == "__f__" and isinstance(body, str):
            try:
                return float(body)
            except ValueError:
                raise WireError("bad float") from None
        if tag == "__tuple__" and isinstance(body, list):
            return tuple(dec(x, depth + 1) for x in body)
        if tag == "__dict__" and isinstance(body, list):
            return {str(k): dec(x, depth + 1) for k, x in body}
        if tag == "__nd__":
            return _array(body, blob)
        if handle is not None:
            return handle(tag, body)
        raise WireError(f"unexpected tag {tag!r}")

    return dec(tree)


def _array(spec, blob: bytes) -> np.ndarray:
    try:
        dtype, shape, start, size = spec
        shape = tuple(int(s) for s in shape)
        start, size = int(start), int(size)
    except (TypeError, ValueError):
        raise WireError("bad array description") from None
    if dtype not in DTYPES:
        raise WireError(f"array dtype {dtype!r} is not a plain numeric dtype")
    if any(s < 0 for s in shape) or start < 0 or start + size > len(blob):
        raise WireError("array out of bounds")
    itemsize = np.dtype(dtype).itemsize
    if int(np.prod(shape, dtype=np.int64)) * itemsize != size:
        raise WireError("array shape does not match its bytes")
    return np.frombuffer(blob, dtype=dtype, count=size // itemsize, offset=start).reshape(shape).copy()


def write_frame(fd: int, value, handles=None, convert=None) -> None:
    write_all(fd, encode(value, handles, convert))


def write_all(fd: int, frame: bytes) -> None:
    data = memoryview(frame)
    while data:
        data = data[os.write(fd, data):]


def read_exact(fd: int, n: int, most: int = 0) -> bytes:
    """At least ``n`` bytes and at most ``max(n, most)``: a first read may take a whole small frame."""
    chunks, left, room = [], n, max(n, most)
    while left > 0:
        chunk = os.read(fd, min(room, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
        room -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, handle=None):
    """One frame; a small one in one read. Each side sends one frame and waits for the answer, so
    bytes beyond the frame can only come from a process that answered out of turn."""
    data = bytearray(read_exact(fd, 1, most=FIRST_READ))
    if len(data) < 8:
        data += read_exact(fd, 8 - len(data))
    head, size = struct.unpack(">II", data[:8])
    if head + size > MAX_FRAME:
        raise WireError(f"message of {head + size} bytes is over the {MAX_FRAME}-byte limit")
    total = 8 + head + size
    if len(data) > total:
        raise WireError("more than one message at once (answered out of turn)")
    if len(data) < total:
        data += read_exact(fd, total - len(data))
    return decode(bytes(data[8:8 + head]), memoryview(data)[8 + head:], handle)
