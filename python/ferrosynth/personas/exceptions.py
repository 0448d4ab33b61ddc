"""The Persona SDK's eight exceptions, in ferrosynth's one error tree.

``PersonaError`` is a :class:`~ferrosynth.FerrosynthError`. The provider-side exceptions are
*also* the LLM layer's classes, so both spellings catch them::

    except ferrosynth.personas.RateLimitError: ...   # the SDK's name
    except ferrosynth.llm.RateLimitError: ...        # the LLM layer's name
    except ferrosynth.personas.PersonaError: ...     # everything the SDK raises

Errors the LLM layer raises inside the SDK are re-raised as the SDK subclass of the same kind
by :func:`as_persona_error`, keeping every attribute (``status_code``, ``retry_after``,
``budget_usd``, ...).
"""

from __future__ import annotations

from ferrosynth.errors import FerrosynthError
from ferrosynth.llm import errors as _llm

__all__ = [
    "AuthenticationError",
    "BudgetExceededError",
    "ConfigurationError",
    "DataError",
    "GenerationError",
    "PersonaError",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderTimeoutError",
    "RateLimitError",
    "ValidationError",
    "as_persona_error",
]


class PersonaError(FerrosynthError):
    """Base class of every error the Persona SDK raises."""


class ConfigurationError(PersonaError, ValueError):
    """A configuration value is invalid or inconsistent (also: an experiment that already
    exists, a delete without ``confirm=True``)."""


class ValidationError(PersonaError, ValueError):
    """A persona, card or model failed validation."""


class DataError(PersonaError, ValueError):
    """Input data is missing, unreadable, or contains nothing loadable."""


class GenerationError(PersonaError):
    """The model answered but the answer could not be turned into the personas asked for."""


class ProviderError(PersonaError, _llm.ProviderError):
    """A provider call failed; ``provider``, ``model``, ``url``, ``status_code`` and ``body``
    say which and how (the body is truncated and never holds a key)."""


class RateLimitError(ProviderError, _llm.RateLimitError):
    """HTTP 429 after the retry policy gave up; ``retry_after`` is the server's hint in seconds."""


class AuthenticationError(ProviderError, _llm.AuthenticationError):
    """HTTP 401/403, or a key missing for an official endpoint: never retried."""


class ProviderTimeoutError(ProviderError, _llm.ProviderTimeoutError):
    """The provider did not answer within the timeout (after the retry policy)."""


class ProviderConnectionError(ProviderError, _llm.ProviderConnectionError):
    """The provider could not be reached (after the retry policy)."""


class BudgetExceededError(PersonaError, _llm.BudgetExceededError):
    """A request would cross ``max_cost``; raised before the request is sent.
    ``budget_usd``, ``spent_usd`` and ``needed_usd`` are :class:`~decimal.Decimal`."""


# Most specific first: the first LLM class an error is an instance of picks the SDK class.
_MAPPING: tuple[tuple[type[BaseException], type[PersonaError]], ...] = (
    (_llm.RateLimitError, RateLimitError),
    (_llm.AuthenticationError, AuthenticationError),
    (_llm.ProviderTimeoutError, ProviderTimeoutError),
    (_llm.ProviderConnectionError, ProviderConnectionError),
    (_llm.ProviderError, ProviderError),
    (_llm.BudgetExceededError, BudgetExceededError),
)


def as_persona_error(error: BaseException) -> BaseException:
    """The SDK class of the same kind as ``error``, with its message and attributes; ``error``
    itself when it is already an SDK error or has no SDK counterpart."""
    if isinstance(error, PersonaError):
        return error
    for llm_class, sdk_class in _MAPPING:
        if isinstance(error, llm_class):
            converted = sdk_class.__new__(sdk_class)
            BaseException.__init__(converted, *error.args)
            converted.__dict__.update(error.__dict__)
            return converted
    return error
