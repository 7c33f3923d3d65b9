"""The delays between tries: exponential, capped, jittered (no network here)."""

from __future__ import annotations

import random

from assessor.sync.client import normal_url
from assessor.sync.push import Backoff


def test_delays_double_within_their_jitter_and_stop_at_the_cap() -> None:
    backoff = Backoff(base=1.0, cap=60.0)
    rng = random.Random(7)
    for attempt in range(12):
        full = min(60.0, 2.0**attempt)
        delays = [backoff.delay(attempt, rng) for _ in range(200)]
        assert all(full / 2 <= d <= full for d in delays)
        assert max(delays) - min(delays) > full / 4  # spread out, not in step
    assert backoff.delay(10_000, rng) <= 60.0


def test_backend_urls_are_normalised_and_plain_http_only_to_this_machine() -> None:
    assert normal_url(" https://badges.example.org/ ") == "https://badges.example.org"
    assert normal_url("http://127.0.0.1:8443") == "http://127.0.0.1:8443"
    for bad in ("http://badges.example.org", "ftp://x.org", "https://x.org/?a=1", "nonsense"):
        try:
            normal_url(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} was taken")
