"""The runner's errors, a branch of the ferrosynth exception tree.

Bad input is a :class:`RunnerInputError` (also a :class:`ValueError`) that names the file and the
line at fault; it is raised while the input is checked, before any request is sent.
"""

from __future__ import annotations

from ferrosynth.errors import FerrosynthError

__all__ = ["RunnerError", "RunnerInputError", "TemplateFieldError"]


class RunnerError(FerrosynthError):
    """Base class of the batch runner's errors."""


class RunnerInputError(RunnerError, ValueError):
    """A request line (or a run option) is invalid; ``where`` is ``path:line`` when known."""

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


class TemplateFieldError(RunnerError, KeyError):
    """An enrichment prompt template refers to a field the samples do not have."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
