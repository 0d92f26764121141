import pytest

from app.ratelimit import SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_limit_then_blocks():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=3, window=10, clock=clock)
    assert [limiter.allow("u1") for _ in range(4)] == [True, True, True, False]


def test_window_slides():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=2, window=10, clock=clock)
    assert limiter.allow("u1")
    clock.now += 6
    assert limiter.allow("u1")
    assert not limiter.allow("u1")
    clock.now += 5
    assert limiter.allow("u1")


def test_keys_are_independent():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=1, window=10, clock=clock)
    assert limiter.allow("a")
    assert limiter.allow("b")
    assert not limiter.allow("a")


def test_retry_after_reported():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=1, window=10, clock=clock)
    limiter.check("a")
    clock.now += 4
    decision = limiter.check("a")
    assert not decision.allowed
    assert decision.retry_after == pytest.approx(6.0)


def test_rejects_bad_parameters():
    with pytest.raises(ValueError):
        SlidingWindowLimiter(limit=0, window=10)
