"""Experiment names to folder names.

Rules: Unicode is folded to ASCII (``Café`` -> ``cafe``), letters are lower-cased, every run of
other characters becomes one ``-``, leading and trailing ``-`` are dropped, and the result is
cut to 64 characters (at a ``-`` boundary when there is one). A name whose slug is empty, or is
``.``/``..``, is a :class:`ConfigurationError`. Two names with the same slug are the same
experiment.

Example::

    >>> from ferrosynth.personas.sdk.slug import slugify
    >>> slugify("  Café Users: Q3 / 2024! ")
    'cafe-users-q3-2024'
"""

from __future__ import annotations

import re
import unicodedata

from ferrosynth.personas.exceptions import ConfigurationError

__all__ = ["MAX_SLUG_LENGTH", "slugify"]

MAX_SLUG_LENGTH = 64


def slugify(name: str) -> str:
    """The folder name of the experiment ``name``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[:MAX_SLUG_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    if not slug:
        raise ConfigurationError(
            f"experiment name {name!r} has no letters or digits to make a folder name from"
        )
    return slug
