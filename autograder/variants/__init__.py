"""Student variants of the assignments, written as overrides of the reference solution's source."""
from .overrides import apply_overrides

__all__ = ["apply_overrides"]
