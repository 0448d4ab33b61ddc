"""JSON Lines for Python objects (orjson), written atomically.

Large datasets should not go through here: :meth:`ferrosynth.DataGenerator.write` streams
JSONL from Rust in constant memory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import orjson

from ferrosynth.errors import OutputError

__all__ = ["atomic_path", "write_objects"]


def atomic_path(path: Path) -> tuple[int, str]:
    """Open a temporary file beside ``path``; return its descriptor and name."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(2, "directory does not exist", str(path))
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)


def write_objects(path: str | Path, objects: Iterable[object]) -> Path:
    """Write ``objects`` one per line to ``path``: complete, or not at all."""
    target = Path(path)
    fd, temp = atomic_path(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            for obj in objects:
                fh.write(orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE))
        os.replace(temp, target)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(exc.errno or 0, exc.strerror or str(exc), str(target)) from exc
        raise
    return target
