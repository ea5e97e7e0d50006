"""What the scheduler runs (filled in below: digests and daily sweeps come next)."""

from __future__ import annotations

from .delivery import retry_due


def run_due(now=None) -> dict[str, int]:
    return {"retried": retry_due(now)}
