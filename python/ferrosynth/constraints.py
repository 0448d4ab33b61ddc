"""The constraint keys each data type reads, and the warning for any other key.

The keys live in the Rust core's registry (``_native.CONSTRAINT_KEYS``), next to the code that
reads them; the values are checked there too, once, when the plan is compiled. This module only
tells the user about keys that would otherwise be ignored in silence: a misspelt
``max_sentence`` or a ``template`` given to ``tool_call`` raises a
:class:`~ferrosynth.FerrosynthWarning` that names the key, suggests the closest known one and
lists them all. Generation goes on, as the reference's does (it ignores unknown keys).

    >>> import warnings
    >>> from ferrosynth import DataType, FerrosynthWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check_constraints(DataType.text, {"max_sentence": 2})
    >>> caught[0].category is FerrosynthWarning
    True
    >>> message = str(caught[0].message)
    >>> message.startswith("constraints.max_sentence: unknown constraint for text (ignored)")
    True
    >>> "did you mean 'max_sentences'?" in message
    True
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping

from ferrosynth import _native
from ferrosynth.errors import FerrosynthWarning
from ferrosynth.models import DataType

__all__ = ["CONSTRAINT_KEYS", "check_constraints", "unknown_constraints"]

#: ``{data_type: (key, ...)}``: the constraint keys each data type reads (from the core).
CONSTRAINT_KEYS: Mapping[str, tuple[str, ...]] = _native.CONSTRAINT_KEYS


def unknown_constraints(data_type: DataType, constraints: Mapping[str, object]) -> list[str]:
    """The keys of ``constraints`` that ``data_type`` does not read, in order."""
    known = CONSTRAINT_KEYS[data_type.value]
    return [key for key in constraints if key not in known]


def check_constraints(data_type: DataType, constraints: Mapping[str, object]) -> None:
    """Warn (:class:`~ferrosynth.FerrosynthWarning`) about each key ``data_type`` ignores."""
    known = CONSTRAINT_KEYS[data_type.value]
    for key in unknown_constraints(data_type, constraints):
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listing = ", ".join(known) if known else f"none ({data_type.value} reads no constraints)"
        warnings.warn(
            f"constraints.{key}: unknown constraint for {data_type.value} (ignored){hint} "
            f"known: {listing}",
            FerrosynthWarning,
            stacklevel=3,
        )
