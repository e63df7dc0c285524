"""Shared settings for kmsmock's own test suite."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Bounded by default so CI stays fast; `HYPOTHESIS_PROFILE=long` for a deeper run on demand.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
