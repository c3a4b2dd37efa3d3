"""init_norm templates."""
from __future__ import annotations
