"""Durations as people write them: ``30m``, ``1h``, ``72h``, ``4 business days``, ``1 month``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .schema import DURATION_UNITS

Unit = Literal["minutes", "hours", "days", "business days", "weeks", "months"]

_UNITS: dict[str, Unit] = {
    spelling: unit for unit, spellings in DURATION_UNITS.items() for spelling in spellings  # type: ignore[misc]
}

_PATTERN = re.compile(r"^\s*(\d{1,4})\s*([a-z][a-z ]*?)\s*$")

EXAMPLES = "30m, 1h, 72h, 3 days, 4 business days, 1 month"


@dataclass(frozen=True)
class Duration:
    """An amount of one unit. Elapsed units (minutes, hours) and calendar units
    (days, business days, weeks, months) are kept apart: they are computed differently."""

    amount: int
    unit: Unit

    @property
    def elapsed_minutes(self) -> int | None:
        """Exact length in minutes for elapsed units; None for calendar units."""
        return {"minutes": self.amount, "hours": self.amount * 60}.get(self.unit)

    def __str__(self) -> str:
        if self.unit in ("minutes", "hours"):
            return f"{self.amount} {self.unit[:-1] if self.amount == 1 else self.unit}"
        singular = {"days": "day", "business days": "business day", "weeks": "week", "months": "month"}
        return f"{self.amount} {singular[self.unit] if self.amount == 1 else self.unit}"


def parse_duration(text: str) -> Duration:
    """Parse ``text``; raise ValueError with a message a person can act on."""
    match = _PATTERN.match(text.lower())
    unit = _UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise ValueError(f"'{text}' is not a duration; write it like {EXAMPLES}")
    return Duration(int(match.group(1)), unit)
