"""The errors of the Synthgen client, inside ferrosynth's one exception tree.

:class:`APIError` carries what the README reads: ``message``, ``status_code`` (``None`` when no
HTTP answer came back, e.g. the server could not be reached) and ``response`` (the
:class:`httpx.Response`, whose body has been read, so ``e.response.text`` works).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ferrosynth.errors import FerrosynthError

if TYPE_CHECKING:
    import httpx

__all__ = ["APIError", "SynthgenError"]


class SynthgenError(FerrosynthError):
    """Base class of the Synthgen client's errors."""


class APIError(SynthgenError):
    """A request failed: an error status, an unreachable server after the retries, or an answer
    that is not what the API promises.

    Example::

        >>> e = APIError("GET /api/v1/tasks/x: 404 Not Found", status_code=404)
        >>> (e.message, e.status_code, e.response)
        ('GET /api/v1/tasks/x: 404 Not Found', 404, None)
    """

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.response = response
