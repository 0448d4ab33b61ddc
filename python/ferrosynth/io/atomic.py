"""The one output layer, for writers that run in Python.

:class:`AtomicOutput` is a binary file object over the Rust core's atomic file (the same one
the Rust JSONL writer uses): on Linux the data goes to an unnamed file (``O_TMPFILE``) that is
linked into place only when :meth:`AtomicOutput.commit` succeeds, so neither an exception nor
``kill -9`` leaves anything behind; elsewhere a hidden temporary is used, and temporaries of dead
writers are removed by the next write. The mode follows the umask; OS errors are
:class:`~ferrosynth.OutputError`.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with AtomicOutput(target) as out:
    ...     _ = out.write(b"hello\\n")
    >>> target.read_bytes()
    b'hello\\n'
"""

from __future__ import annotations

import io
from pathlib import Path
from types import TracebackType

from ferrosynth import _native

__all__ = ["AtomicOutput"]


class AtomicOutput(io.RawIOBase):
    """A write-only binary file that appears at ``path`` complete, or not at all.

    As a context manager it commits on a clean exit and aborts on an exception (including
    ``KeyboardInterrupt``). ``close()`` does not commit: a writer that closes its sink (as
    pyarrow's does) leaves the decision to :meth:`commit`.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self._file = _native.AtomicFile(Path(path))

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        return self._file.write(data if isinstance(data, bytes) else bytes(data))

    def tell(self) -> int:
        return self._file.tell()

    def commit(self) -> None:
        """Put the file at its path (replacing what was there)."""
        self._file.commit()

    def abort(self) -> None:
        """Drop what was written; nothing appears at the path."""
        self._file.abort()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and not self._file.closed:
            self.commit()
        else:
            self.abort()
        super().__exit__(exc_type, exc, tb)
