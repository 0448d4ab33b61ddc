"""JSON Lines for Python objects (orjson), written atomically.

Large datasets should not go through here: :meth:`ferrosynth.DataGenerator.write` streams
JSONL from Rust in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import orjson

from ferrosynth.io.atomic import AtomicOutput

__all__ = ["write_objects"]


def write_objects(path: str | Path, objects: Iterable[object]) -> Path:
    """Write ``objects`` one per line to ``path``: complete, or not at all.

    Raises :class:`~ferrosynth.OutputError` (naming ``path``) on any OS error, and
    :class:`TypeError` for an object orjson cannot serialise; nothing is left behind either way.
    """
    target = Path(path)
    with AtomicOutput(target) as out:
        buffer = bytearray()
        for obj in objects:
            buffer += orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)
            if len(buffer) >= _FLUSH_BYTES:
                out.write(bytes(buffer))
                buffer.clear()
        out.write(bytes(buffer))
    return target


_FLUSH_BYTES = 1 << 20
