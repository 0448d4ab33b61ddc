"""The LLM layer's errors: one branch of the ferrosynth exception tree.

``ProviderError`` and its subclasses say which provider, model and URL failed, with the HTTP
status and the start of the response body. They never carry an API key: keys travel only in
request headers, which no error records.

Example::

    >>> from ferrosynth.llm import RateLimitError, ProviderError
    >>> e = RateLimitError("rate limited", provider="openai", model="gpt-4o-mini",
    ...                    url="http://127.0.0.1:8001/v1", status_code=429,
    ...                    retry_after=2.0)
    >>> isinstance(e, ProviderError), e.retry_after
    (True, 2.0)
    >>> print(e)
    rate limited [provider=openai model=gpt-4o-mini url=http://127.0.0.1:8001/v1 status=429]
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ferrosynth.errors import FerrosynthError

__all__ = [
    "AuthenticationError",
    "BudgetExceededError",
    "InvalidResponseError",
    "LLMError",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderTimeoutError",
    "RateLimitError",
    "StructuredOutputError",
]

#: How much of a response body an error keeps.
BODY_LIMIT = 500


class LLMError(FerrosynthError):
    """Base class of the LLM layer's errors."""


class ProviderError(LLMError):
    """A provider call failed; says which ``provider``, ``model`` and ``url``, the HTTP
    ``status_code`` (None when no response came) and the start of the response ``body``."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        url: str,
        model: str | None = None,
        status_code: int | None = None,
        body: str | None = None,
    ) -> None:
        self.message = message
        self.provider = provider
        self.model = model
        self.url = url
        self.status_code = status_code
        self.body = body if body is None or len(body) <= BODY_LIMIT else body[:BODY_LIMIT] + "…"
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"provider={self.provider} model={self.model} url={self.url}"
        if self.status_code is not None:
            where += f" status={self.status_code}"
        text = f"{self.message} [{where}]"
        if self.body:
            text += f": {self.body}"
        return text

    def _kwargs(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "url": self.url,
            "model": self.model,
            "status_code": self.status_code,
            "body": self.body,
        }

    # Keyword-only constructors do not pickle by default; errors cross process boundaries
    # (multiprocessing, Ray), so rebuild them from their fields.
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._kwargs()))


def _rebuild(cls: type[ProviderError], message: str, kwargs: dict[str, Any]) -> ProviderError:
    return cls(message, **kwargs)


class RateLimitError(ProviderError):
    """HTTP 429 (after the retries ran out); ``retry_after`` is the provider's advice in
    seconds, when it gave one."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)

    def _kwargs(self) -> dict[str, Any]:
        return {**super()._kwargs(), "retry_after": self.retry_after}


class AuthenticationError(ProviderError):
    """HTTP 401/403, or no API key for a provider's official endpoint. Never retried."""


class ProviderTimeoutError(ProviderError, TimeoutError):
    """No complete response within the timeout (after the retries ran out)."""


class ProviderConnectionError(ProviderError, ConnectionError):
    """The connection failed (refused, reset, DNS) after the retries ran out."""


class InvalidResponseError(ProviderError):
    """The provider answered 2xx with a body that is not JSON or not of the expected shape."""


class BudgetExceededError(LLMError):
    """A request would cross the budget; raised *before* the request is sent.

    ``budget_usd`` is the limit, ``spent_usd`` what is spent or reserved already, and
    ``needed_usd`` the estimate of the request that was refused.
    """

    def __init__(
        self, message: str, *, budget_usd: Decimal, spent_usd: Decimal, needed_usd: Decimal
    ) -> None:
        super().__init__(message)
        self.message = message
        self.budget_usd = budget_usd
        self.spent_usd = spent_usd
        self.needed_usd = needed_usd

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_budget,
            (self.message, self.budget_usd, self.spent_usd, self.needed_usd),
        )


def _rebuild_budget(
    message: str, budget: Decimal, spent: Decimal, needed: Decimal
) -> BudgetExceededError:
    return BudgetExceededError(message, budget_usd=budget, spent_usd=spent, needed_usd=needed)


class StructuredOutputError(LLMError, ValueError):
    """A model's answer holds no JSON, or JSON that fails the schema (after the re-ask).

    ``errors`` lists the validation messages; ``text`` is the (truncated) model output.
    """

    def __init__(self, message: str, *, errors: list[str] | None = None, text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])
        self.text = text[:BODY_LIMIT]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_structured, (self.message, self.errors, self.text))


def _rebuild_structured(message: str, errors: list[str], text: str) -> StructuredOutputError:
    return StructuredOutputError(message, errors=errors, text=text)
