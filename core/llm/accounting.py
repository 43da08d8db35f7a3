"""What the gateway needs from the usage ledger, the quota and the response cache.

The gateway depends on these protocols only; ``core.usage.ledger.SqliteLedger`` and
``core.usage.cache.SqliteCache`` implement them over the project's SQLite database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.llm.types import Completion, ModelPrice, UsageRow


@dataclass(frozen=True)
class Reservation:
    id: str
    user_id: str
    amount_usd: Decimal
    max_tokens: int  # possibly shrunk to fit the remaining budget


class Ledger(Protocol):
    def reserve(
        self,
        *,
        user_id: str,
        request_id: str,
        model: str,
        price: ModelPrice,
        input_tokens: int,
        max_tokens: int,
        allow_shrink: bool,
        use_case: str = "",
        provider: str = "",
    ) -> Reservation:
        """Atomically hold the worst-case cost, or raise QuotaExceeded (or PriceUnknown).

        The hold is a lease, renewed while this process lives; ``use_case`` and ``provider`` label the
        row an abandoned call becomes."""
        ...

    def note_output(self, reservation: Reservation, output_tokens: int) -> None:
        """Output tokens received so far for a call in flight (charged if the call is abandoned)."""
        ...

    def settle(self, reservation: Reservation, row: UsageRow) -> None:
        """Write the row and drop the reservation in one transaction."""
        ...

    def release(self, reservation: Reservation, row: UsageRow | None = None) -> None:
        """Drop the reservation; write ``row`` (a failed or cut attempt) in the same transaction."""
        ...

    def record(self, row: UsageRow) -> None:
        """Write a row that holds no reservation (a cache hit, a free offline answer)."""
        ...


class ResponseCache(Protocol):
    def get(self, user_id: str, key: str) -> Completion | None: ...

    def put(self, user_id: str, key: str, completion: Completion, ttl_s: int) -> None:
        """Store a validated answer; callers only store after validating it."""
        ...
