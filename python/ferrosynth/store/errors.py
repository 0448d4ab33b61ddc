"""The store's branch of the exception tree."""

from __future__ import annotations

from ferrosynth.errors import FerrosynthError

__all__ = ["StoreError", "StoreURLError"]


class StoreError(FerrosynthError):
    """A store (SQLite file or PostgreSQL database) cannot be opened, migrated or written."""


class StoreURLError(StoreError, ValueError):
    """A ``--store`` URL that names no supported store; the message lists the valid forms."""
