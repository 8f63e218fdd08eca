"""The per-principal window (app/ratelimit.py), on a clock the test moves."""

from __future__ import annotations

from app.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_holds_for_a_minute_then_the_window_starts_again() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    decisions = [limiter.hit("a") for _ in range(3)]
    assert [d.remaining for d in decisions] == [2, 1, 0]
    assert all(d.allowed and d.limit == 3 and d.reset_seconds == 60 for d in decisions)
    clock.now += 20.5
    refused = limiter.hit("a")
    assert not refused.allowed and refused.remaining == 0 and refused.reset_seconds == 40
    assert refused.headers()["RateLimit-Reset"] == "40"
    assert limiter.hit("b").allowed  # another caller has a window of its own
    clock.now += 39.5
    again = limiter.hit("a")
    assert again.allowed and again.remaining == 2 and again.reset_seconds == 60


def test_a_refused_request_is_not_counted_and_old_windows_are_swept() -> None:
    clock = Clock()
    limiter = RateLimiter(1, clock=clock)
    assert limiter.hit("a").allowed
    for _ in range(5):
        assert not limiter.hit("a").allowed
    clock.now += 61
    assert limiter.hit("a").allowed
    limiter._sweep(clock.now + 61)
    assert limiter._windows == {}


def test_zero_is_no_limit() -> None:
    assert not RateLimiter(0).enabled


def test_a_window_just_opened_says_60_seconds_whatever_the_clock() -> None:
    # At this clock reading (start + 60) - start is 60.000000000000004: the reset was
    # rounded up to 61, over the window (seen once in CI).
    clock = Clock()
    clock.now = 5.872519334961803
    limiter = RateLimiter(3, clock=clock)
    assert limiter.hit("a").reset_seconds == 60
    clock.now += 59.9999
    assert limiter.hit("a").reset_seconds == 1
