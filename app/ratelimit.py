"""A per-principal request limit, counted in this process (PLACEMENTS_RATE_LIMIT_PER_MINUTE).

A fixed one-minute window per caller, opened by the caller's first request: at most
`limit` requests in it, then 429 `rate_limited` with `Retry-After` until it ends. Every
authenticated response says where the caller stands in the IETF draft's header fields
(`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`). The limit is per process:
a limit across processes belongs to the load balancer (docs/deploying.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
# Windows are forgotten once over; the table is swept when it grows past this many.
SWEEP_AT = 10_000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        """The caller's standing, for every response (a refusal adds Retry-After)."""
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimiter:
    """Counts requests per key (issuer and subject) in fixed windows; `limit` 0 is off."""

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        # key -> [window start, requests counted in it]
        self._windows: dict[str, list[float]] = {}

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def hit(self, key: str) -> Decision:
        """Count one request of `key`; the decision says whether it may go ahead."""
        now = self.clock()
        window = self._windows.get(key)
        if window is None or now - window[0] >= WINDOW_SECONDS:
            if len(self._windows) >= SWEEP_AT:
                self._sweep(now)
            window = self._windows[key] = [now, 0.0]
        # Seconds left in the window, 1 to 60: the elapsed time first, so that a window
        # opened by this request says 60, not 61 (`(start + 60) - start` can round up).
        reset = min(int(WINDOW_SECONDS), max(1, math.ceil(WINDOW_SECONDS - (now - window[0]))))
        if window[1] >= self.limit:
            return Decision(False, self.limit, 0, reset)
        window[1] += 1
        return Decision(True, self.limit, self.limit - int(window[1]), reset)

    def _sweep(self, now: float) -> None:
        self._windows = {
            key: window for key, window in self._windows.items() if now - window[0] < WINDOW_SECONDS
        }
