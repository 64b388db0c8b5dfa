"""Durations as people write them: ``30m``, ``72h``, ``4 business days``, ``1 month``, and also
compound (``5h30m``, ``1 day 4h``), ranges (``15-20m``: the earlier end counts) and approximate
times (``about 12h``: counted as written, shown as approximate)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .schema import DURATION_UNITS

Unit = Literal["minutes", "hours", "days", "business days", "business hours", "weeks", "months"]

_UNITS: dict[str, Unit] = {
    spelling: unit for unit, spellings in DURATION_UNITS.items() for spelling in spellings  # type: ignore[misc]
}
#: Every spelling of a unit, longest first, as a regex alternation (``business days`` before ``b``…).
UNIT_PATTERN = "|".join(sorted((re.escape(u).replace(r"\ ", r"\s+") for u in _UNITS), key=len, reverse=True))
#: Words before a duration that make it approximate.
ABOUT = ("about", "approximately", "approx.", "around", "circa", "roughly", "~")
_ABOUT = re.compile(r"^\s*(?:" + "|".join(re.escape(word) for word in ABOUT) + r")\s*", re.IGNORECASE)
_PART = re.compile(rf"\s*(\d{{1,4}})\s*({UNIT_PATTERN})(?![a-z])\s*(?:,|\band\b)?", re.IGNORECASE)
_RANGE = re.compile(rf"^\s*(\d{{1,4}})\s*(?:-|\u2013|to)\s*(\d{{1,4}})\s*({UNIT_PATTERN})\s*$", re.IGNORECASE)
_ELAPSED = {"hours": 60, "minutes": 1}
_SINGULAR = {"minutes": "minute", "hours": "hour", "days": "day", "business days": "business day",
             "business hours": "business hour", "weeks": "week", "months": "month"}

EXAMPLES = "30m, 1h, 72h, 5h30m, 1 day 4h, 15-20m, about 12h, 4 business days, 1 month"


def _words(amount: int, unit: Unit) -> str:
    return f"{amount} {_SINGULAR[unit] if amount == 1 else unit}"


def _minutes_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return " ".join(_words(n, u) for n, u in ((hours, "hours"), (rest, "minutes")) if n)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Duration:
    """An amount of one unit, plus elapsed minutes after it (``1 day 4h``). Elapsed units (minutes,
    hours) and calendar units (days, business days, weeks, months) are kept apart: they are computed
    differently. ``up_to``: the later end of a range, which the deadline does not use; ``about``: the
    plan gives the time as approximate."""

    amount: int
    unit: Unit
    plus_minutes: int = 0
    up_to: int | None = None
    about: bool = False

    @property
    def elapsed_minutes(self) -> int | None:
        """Exact length in minutes for elapsed units; None for calendar units."""
        if self.unit not in _ELAPSED:
            return None
        return self.amount * _ELAPSED[self.unit] + self.plus_minutes

    def __str__(self) -> str:
        if self.up_to is not None:
            text = f"{self.amount}\u2013{self.up_to} {self.unit}"  # an en dash
        else:
            text = _words(self.amount, self.unit)
        if self.plus_minutes:
            text += " " + _minutes_words(self.plus_minutes)
        return f"about {text}" if self.about else text

    @property
    def range_note(self) -> str:
        """What a range means for the deadline, or nothing."""
        return f"The plan gives {self}; the earlier end counts." if self.up_to is not None else ""


def _compound(parts: list[tuple[int, Unit]], text: str) -> Duration:
    """One duration from its parts: at most one calendar part, first, then hours, then minutes."""
    first, unit = parts[0]
    rest = parts[1:]
    order = ["hours", "minutes"] if unit not in _ELAPSED else ["minutes"] if unit == "hours" else []
    plus = 0
    for amount, part_unit in rest:
        if part_unit not in order:
            raise ValueError(f"'{text}' mixes its units in an order this tool cannot read; write one calendar "
                             "unit first, then hours, then minutes (like 1 day 4h or 5h30m)")
        order = order[order.index(part_unit) + 1:]
        plus += amount * _ELAPSED[part_unit]
    return Duration(first, unit, plus_minutes=plus)


def parse_duration(text: str) -> Duration:
    """Parse ``text``; raise ValueError with a message a person can act on."""
    about = _ABOUT.match(text)
    body = text[about.end():] if about else text
    ranged = _RANGE.match(body)
    if ranged:
        low, high, unit = int(ranged.group(1)), int(ranged.group(2)), _UNITS[" ".join(ranged.group(3).lower().split())]
        if high <= low:
            raise ValueError(f"'{text}' is a range whose end is not after its start; write the earlier time first")
        return Duration(low, unit, up_to=high, about=bool(about))
    parts: list[tuple[int, Unit]] = []
    position = 0
    while position < len(body) and (match := _PART.match(body, position)):
        parts.append((int(match.group(1)), _UNITS[" ".join(match.group(2).lower().split())]))
        position = match.end()
    if not parts or body[position:].strip():
        raise ValueError(f"'{text}' is not a duration; write it like {EXAMPLES}")
    duration = _compound(parts, text)
    return Duration(duration.amount, duration.unit, duration.plus_minutes, about=bool(about))


def _pattern() -> str:
    """A duration as one regular expression in the common subset of Python's and ECMAScript's syntax (for
    the JSON Schema): the shapes :func:`parse_duration` reads; the order of units it checks itself."""
    part = rf"\d{{1,4}}\s*(?:{UNIT_PATTERN})(?![a-z])"
    about = "(?:(?:" + "|".join(word.replace(".", r"\.") for word in ABOUT) + r")\s*)?"  # no re.escape: "\~"
    ranged = rf"\d{{1,4}}\s*(?:-|\u2013|to)\s*\d{{1,4}}\s*(?:{UNIT_PATTERN})"
    return rf"{about}(?:{ranged}|{part}(?:\s*(?:,|and)?\s*{part})*)"


#: A duration (see :func:`_pattern`), unanchored.
DURATION_PATTERN = _pattern()
