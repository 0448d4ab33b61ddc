"""A spending limit checked *before* each request.

``reserve(estimate)`` holds the estimate (and raises :class:`~ferrosynth.llm.BudgetExceededError`
when spent + held + estimate would cross the limit: the request is then never sent);
``commit(reserved, actual)`` swaps the hold for the real cost once the answer is in;
``release(reserved)`` drops a hold whose request failed. Thread-safe and usable from asyncio
(no await inside the lock).

Example::

    >>> from decimal import Decimal
    >>> from ferrosynth.llm import Budget, BudgetExceededError
    >>> budget = Budget(Decimal("0.010"))
    >>> held = budget.reserve(Decimal("0.004"))
    >>> budget.commit(held, Decimal("0.003"))
    >>> budget.spent_usd, budget.remaining_usd
    (Decimal('0.003'), Decimal('0.007'))
    >>> try:
    ...     budget.reserve(Decimal("0.008"))
    ... except BudgetExceededError as e:
    ...     print(e.needed_usd, e.spent_usd, e.budget_usd)
    0.008 0.003 0.010
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Literal

from ferrosynth.llm.errors import BudgetExceededError
from ferrosynth.llm.pricing import CostEstimate

__all__ = ["Budget"]

UNKNOWN_MODES = ("refuse", "allow")


def _amount(value: Decimal | CostEstimate | float | int | str | None) -> Decimal | None:
    if isinstance(value, CostEstimate):
        return value.cost_usd
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


class Budget:
    """At most ``max_usd`` spent. ``unknown`` says what a request of unknown cost does:
    ``"refuse"`` (default: raise, since the limit could not be guaranteed) or ``"allow"``."""

    def __init__(
        self,
        max_usd: Decimal | float | int | str,
        *,
        unknown: Literal["refuse", "allow"] = "refuse",
    ) -> None:
        if unknown not in UNKNOWN_MODES:
            raise ValueError(f"unknown must be one of {UNKNOWN_MODES}, got {unknown!r}")
        limit = _amount(max_usd)
        if limit is None or limit < 0:
            raise ValueError(f"max_usd must be >= 0, got {max_usd!r}")
        self.max_usd = limit
        self.unknown = unknown
        self.spent_usd = Decimal(0)
        self.reserved_usd = Decimal(0)
        self._lock = threading.Lock()

    @property
    def remaining_usd(self) -> Decimal:
        """What is left, after what is spent and what is held."""
        with self._lock:
            return self.max_usd - self.spent_usd - self.reserved_usd

    def reserve(self, estimate: Decimal | CostEstimate | float | int | str | None) -> Decimal:
        """Hold ``estimate`` for a request about to be sent; returns the amount held.

        Raises :class:`BudgetExceededError` (holding nothing) if it does not fit.
        """
        amount = _amount(estimate)
        with self._lock:
            committed = self.spent_usd + self.reserved_usd
            if amount is None:
                if self.unknown == "allow":
                    return Decimal(0)
                raise BudgetExceededError(
                    "the request's cost is unknown (no price for its model), so the budget "
                    "cannot be guaranteed; use Budget(..., unknown='allow') to send it anyway",
                    budget_usd=self.max_usd,
                    spent_usd=committed,
                    needed_usd=Decimal(0),
                )
            if committed + amount > self.max_usd:
                raise BudgetExceededError(
                    f"budget exceeded: ${committed} spent or held + ${amount} for this request "
                    f"> ${self.max_usd}",
                    budget_usd=self.max_usd,
                    spent_usd=committed,
                    needed_usd=amount,
                )
            self.reserved_usd += amount
            return amount

    def commit(
        self,
        reserved: Decimal | CostEstimate | float | int | str | None,
        actual: Decimal | CostEstimate | float | int | str | None = None,
    ) -> None:
        """Record a finished request: ``commit(reserved, actual)`` swaps the hold for the real
        cost; ``commit(actual)`` records a cost that had no hold. An unknown actual cost counts
        the hold."""
        if actual is None:
            held, cost = Decimal(0), _amount(reserved)
        else:
            held, cost = _amount(reserved) or Decimal(0), _amount(actual)
        with self._lock:
            self.reserved_usd -= held
            self.spent_usd += cost if cost is not None else held

    def release(self, reserved: Decimal) -> None:
        """Drop a hold whose request was not answered."""
        with self._lock:
            self.reserved_usd -= reserved

    def __repr__(self) -> str:
        return (
            f"Budget(max_usd={self.max_usd}, spent_usd={self.spent_usd}, "
            f"reserved_usd={self.reserved_usd})"
        )
