"""``python -m tests.benchmarks [--quick] [--json out.json] [--markdown out.md]``."""

from __future__ import annotations

from .runner import main

raise SystemExit(main())
