"""`kg analyze` and the other commands that explore a built graph."""

from __future__ import annotations

from kg.cli import app  # noqa: F401
