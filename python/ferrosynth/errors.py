"""The ferrosynth exception tree.

Every error ferrosynth raises on purpose derives from :class:`FerrosynthError`. Errors about bad
input are also :class:`ValueError` (so code written for ``aumai-datasynthesizer`` that catches
``ValueError`` keeps working); output errors are also :class:`OSError`.

Example::

    >>> from ferrosynth import SchemaBasedGenerator, SchemaError
    >>> try:
    ...     SchemaBasedGenerator().from_schema({"type": "integer", "minimum": 5, "maximum": 1}, 1)
    ... except SchemaError as e:
    ...     print(e.pointer)
    <BLANKLINE>
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "FerrosynthError",
    "FerrosynthWarning",
    "OutputError",
    "SchemaError",
    "SchemaWarning",
    "TemplateError",
    "ValidationError",
]


class FerrosynthError(Exception):
    """Base class of every error ferrosynth raises on purpose."""


class ConfigError(FerrosynthError, ValueError):
    """The generation config is invalid; ``field`` names the offending field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class SchemaError(FerrosynthError, ValueError):
    """A JSON Schema cannot be compiled; ``pointer`` is the JSON pointer of the offending node."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


# Warning categories (named like `UserWarning`), in the tree so `except FerrosynthError` sees them
# when they are turned into errors (`warnings.simplefilter("error")`, the CLI's --strict).
class FerrosynthWarning(FerrosynthError, UserWarning):  # noqa: N818
    """Something in the input was ignored or replaced by a documented fallback: an unknown
    constraint key, an unknown template or tool name. Issued through :mod:`warnings`;
    generation goes on. ``ferrosynth generate --strict`` makes every one an error.
    """


class SchemaWarning(FerrosynthWarning):
    """Something in a JSON Schema was ignored (e.g. an unknown ``format``); issued once per
    schema through :mod:`warnings` (a warning category, never raised by ferrosynth itself).

    Generation goes on and stays valid: an unknown format only annotates, so plain strings are
    generated for it.
    """


class ValidationError(FerrosynthError, ValueError):
    """A generated instance failed the ``validate=True`` check; ``location`` names the sample
    and the JSON pointer inside it. This means a bug in ferrosynth: please report the schema."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(message)
        self.location = location


class TemplateError(FerrosynthError, ValueError):
    """A conversation template is malformed; ``location`` names the template and turn."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(message)
        self.location = location


class OutputError(FerrosynthError, OSError):
    """Writing output failed. Nothing is left at the target path."""
