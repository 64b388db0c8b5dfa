"""The deadline engine: when each stage of each regulator falls due, from the times the team records.

Arithmetic, by the unit of the period:

- minutes and hours are **elapsed time**, counted in UTC, so a daylight-saving change in between
  does not move the deadline by an hour;
- days and weeks are **calendar days**: the same wall-clock time N days later, in the incident's
  time zone;
- months are **calendar months**: the same day and time N months later, or the month's last day when
  it is shorter (one month after 31 January is the end of February);
- business days skip weekends and the public holidays of the regulator's calendar (from the
  ``holidays`` library), counted in the calendar's time zone. A start on a non-business day counts
  from the next business day. The deadline keeps the time of day of its start: regulators often
  allow until the end of that day, and earlier is the safe side.

A stage may count from an earlier stage: it then counts from that stage's deadline (if the earlier
report is filed sooner, the later one is due sooner too). A stage with an outer limit
(``no_later_than``) is due at whichever comes first.
"""

from __future__ import annotations

import calendar as month_lengths
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from .durations import Duration
from .model import Calendar, Clock, Playbook, Regulator, Stage
from .schema import CLOCK_EVENT_MEANINGS

UTC = dt.UTC

#: Where a stage stands: a due time from its own period or its outer limit, or why there is none.
DeadlineStatus = Literal["due", "outer limit", "waiting", "no fixed period", "not in force"]


@dataclass(frozen=True)
class Deadline:
    """One stage of one regulator, with its due time when it can be known."""

    regulator: Regulator
    stage: Stage
    due: dt.datetime | None  # aware; None when it cannot be computed (see `status`)
    status: DeadlineStatus
    explanation: str

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        return {
            "regulator": self.regulator.id,
            "regulator_name": self.regulator.name,
            "stage": self.stage.id,
            "stage_name": self.stage.name,
            "status": self.status,
            "due_utc": self.due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if self.due else None,
            "due_local": self.due.astimezone(zone).isoformat() if self.due else None,
            "explanation": self.explanation,
        }


@cache
def _holidays(country: str, subdivision: str | None, year: int) -> Any:
    import holidays

    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def _business_day(day: dt.date, calendar: Calendar) -> bool:
    return day.weekday() < 5 and day not in _holidays(calendar.country, calendar.subdivision, day.year)


def _wall_clock(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A naive local time in ``zone``, made real (a time in a DST gap moves forward)."""
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def add(start: dt.datetime, period: Duration, zone: ZoneInfo, calendar: Calendar | None = None) -> dt.datetime:
    """``start`` (aware) plus ``period``, by the rules in this module's docstring."""
    if period.elapsed_minutes is not None:
        return (start.astimezone(UTC) + dt.timedelta(minutes=period.elapsed_minutes)).astimezone(zone)
    if period.unit == "business days":
        if calendar is None:
            raise ValueError("business days need a calendar")
        zone = ZoneInfo(calendar.timezone) if calendar.timezone else zone
        local = start.astimezone(zone).replace(tzinfo=None)
        while not _business_day(local.date(), calendar):
            local += dt.timedelta(days=1)
        counted = 0
        while counted < period.amount:
            local += dt.timedelta(days=1)
            counted += _business_day(local.date(), calendar)
        return _wall_clock(local, zone)
    local = start.astimezone(zone).replace(tzinfo=None)
    if period.unit in ("days", "weeks"):
        days = period.amount * (7 if period.unit == "weeks" else 1)
        return _wall_clock(local + dt.timedelta(days=days), zone)
    month_index = local.month - 1 + period.amount
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, month_lengths.monthrange(year, month)[1])
    return _wall_clock(local.replace(year=year, month=month, day=day), zone)


def start_words(start: str, regulator: Regulator) -> str:
    """What starts a clock, in words: the event, or "the initial notification" for a chained stage."""
    for stage in regulator.stages:
        if stage.id == start:
            return f"the {stage.name[0].lower()}{stage.name[1:]}"
    return start


def _clock_due(clock: Clock, regulator: Regulator, events: dict[str, dt.datetime],
               stage_due: dict[str, dt.datetime | None], zone: ZoneInfo) -> dt.datetime | None:
    start = stage_due.get(clock.start) if clock.start in stage_due else events.get(clock.start)
    if start is None or clock.due is None:
        return None
    return add(start, clock.due, zone, regulator.calendar)


def regulator_deadlines(regulator: Regulator, events: dict[str, dt.datetime], zone: ZoneInfo) -> list[Deadline]:
    """Every stage of ``regulator``, in order, given the recorded ``events`` (aware datetimes)."""
    deadlines = []
    stage_due: dict[str, dt.datetime | None] = {}
    for stage in regulator.stages:
        status: DeadlineStatus
        main = _clock_due(stage.clock, regulator, events, stage_due, zone)
        limit = _clock_due(stage.no_later_than, regulator, events, stage_due, zone) if stage.no_later_than else None
        period = f"{stage.clock.due} after {start_words(stage.clock.start, regulator)}" if stage.clock.due else ""
        if not regulator.in_force:
            due, status, why = None, "not in force", "The rule is not in force; no deadline runs."
        elif stage.clock.due is None:
            due, status, why = None, "no fixed period", stage.note or "No fixed period."
        elif main is not None and (limit is None or main <= limit):
            due, status, why = main, "due", period
        elif limit is not None:
            due, status = limit, "outer limit"
            assert stage.no_later_than is not None
            outer = f"{stage.no_later_than.due} after {start_words(stage.no_later_than.start, regulator)}"
            why = f"{outer} (outer limit of {period})" if main else f"{outer}; {period} once that time is known"
        else:
            waiting = stage.clock.start
            meaning = CLOCK_EVENT_MEANINGS.get(waiting)
            what = f"{waiting} ({meaning})" if meaning else f"the deadline of {start_words(waiting, regulator)}"
            due, status, why = None, "waiting", f"{period}; give the time of {what}"
        stage_due[stage.id] = due
        deadlines.append(Deadline(regulator, stage, due, status, why))
    return deadlines


def deadlines(playbook: Playbook, events: dict[str, dt.datetime], zone: ZoneInfo) -> list[Deadline]:
    """Every stage of every regulator, sorted by due time; those without one come last, in order."""
    found = [d for regulator in playbook.regulators for d in regulator_deadlines(regulator, events, zone)]
    timed = sorted((d for d in found if d.due is not None), key=lambda d: d.due.astimezone(UTC))  # type: ignore[union-attr]
    return timed + [d for d in found if d.due is None]
