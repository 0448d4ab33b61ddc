"""The money a generator may still spend: worst cases reserved before sending, actuals settled.

A run reserves its worst-case cost (input estimate + all of ``max_tokens``, for every call)
before its first request; if that would cross the budget, :class:`BudgetExceededError` is raised
and nothing is sent. When the run ends (or fails) the reservation is replaced by what the
answers actually cost. Reservations make concurrent runs (``agenerate_parallel``) safe: two runs
cannot both pass the check on the same remaining money.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from ferrosynth.personas.exceptions import BudgetExceededError

__all__ = ["BudgetLedger"]


class BudgetLedger:
    """Spent and reserved USD against ``max_usd`` (None: no limit, only counting)."""

    def __init__(self, max_usd: Decimal | None = None) -> None:
        self.max_usd = max_usd
        self.spent_usd = Decimal(0)
        self.reserved_usd = Decimal(0)
        self._lock = threading.Lock()

    def reserve(self, amount: Decimal, what: str = "") -> None:
        """Hold ``amount``; :class:`BudgetExceededError` if it does not fit (nothing held)."""
        with self._lock:
            committed = self.spent_usd + self.reserved_usd
            if self.max_usd is not None and committed + amount > self.max_usd:
                raise BudgetExceededError(
                    f"the request(s) may cost up to ${amount:.6f} ({what}) on top of "
                    f"${committed:.6f} spent or reserved; max_cost is ${self.max_usd:.6f}; "
                    "nothing was sent",
                    budget_usd=self.max_usd,
                    spent_usd=committed,
                    needed_usd=amount,
                )
            self.reserved_usd += amount

    def settle(self, reserved: Decimal, actual: Decimal) -> None:
        """Release a reservation and record what was actually spent."""
        with self._lock:
            self.reserved_usd -= reserved
            self.spent_usd += actual
