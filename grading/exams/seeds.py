"""Per-student streams and tags from the exam's secret (HMAC-SHA256), never from ``hash()``.

One stream per (exam, student, slot, template, version, reroll): changing one template, or
re-drawing one student's slot, moves nothing else. The choice among a slot's alternative
templates has its own stream (tag ``choice``), and so has the order of a zone (tag ``order``).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import numpy as np

SECRET_ENV = "DLGRADE_EXAM_SECRET"


def load_secret(folder: Path, create: bool = False) -> bytes:
    """The exam's key: $DLGRADE_EXAM_SECRET (hex), else ``folder/secret.key`` (0600, made at release)."""
    if os.environ.get(SECRET_ENV):
        return bytes.fromhex(os.environ[SECRET_ENV])
    path = folder / "secret.key"
    if not path.exists():
        if not create:
            from .exam_file import ExamFileError
            raise ExamFileError(f"no exam secret at {path}: release the exam first (dlgrade exam release)")
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def mac(secret: bytes, *parts: object) -> bytes:
    return hmac.new(secret, "|".join(str(p) for p in ("v1",) + parts).encode(), hashlib.sha256).digest()


def stream(secret: bytes, exam: str, who: str, slot: str, tag: str, version: int = 0,
           reroll: int = 0) -> tuple[np.random.Generator, str]:
    """A PCG64 generator of its own for this slot, and its seed in hex (for the manifest)."""
    digest = mac(secret, exam, who, slot, tag, version, reroll)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int.from_bytes(digest, "big")))), digest.hex()


def params_digest(variants: dict) -> str:
    """The digest of every slot's template and parameters, as the tag binds them."""
    body = json.dumps({slot: [v["template"], v["version"], v["params"]] for slot, v in sorted(variants.items())},
                      sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def notebook_tag(secret: bytes, exam: str, who: str, digest: str) -> str:
    """The keyed tag a student's notebook carries: it binds the notebook to its student."""
    return mac(secret, "tag", exam, who, digest).hex()[:16]
