"""How often, and how patiently, a failing message is tried before it is dead-lettered."""

from __future__ import annotations

import attrs

from tessera.application.shared.tunable import Bound

RETRY_BOUNDS = {
    "max_attempts": Bound(int, 1, 100),
    "first_delay": Bound(float, 0, 3600),
    "factor": Bound(float, 1, 10),
    "max_delay": Bound(float, 0, 24 * 3600),
}
"""A schedule that never ends, never waits or waits for ever is refused."""


@attrs.frozen
class RetryPolicy:
    """Exponential backoff: attempt n+1 waits first_delay * factor**(n-1), at most max_delay."""

    max_attempts: int = attrs.field(default=5, validator=RETRY_BOUNDS["max_attempts"].validator)
    first_delay: float = attrs.field(default=0.5, validator=RETRY_BOUNDS["first_delay"].validator)
    factor: float = attrs.field(default=2.0, validator=RETRY_BOUNDS["factor"].validator)
    max_delay: float = attrs.field(default=60.0, validator=RETRY_BOUNDS["max_delay"].validator)

    def delay_after(self, attempt: int) -> float:
        """How long to wait after failed attempt number `attempt` (1-based)."""
        return float(min(self.first_delay * self.factor ** (attempt - 1), self.max_delay))

    def gives_up_after(self, attempt: int) -> bool:
        return attempt >= self.max_attempts

    @property
    def longest_schedule(self) -> float:
        """Seconds from the first attempt to the last, if every attempt fails."""
        return sum(self.delay_after(a) for a in range(1, self.max_attempts))
