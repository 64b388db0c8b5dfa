"""What the in-browser incident tools need from the playbook, as one JavaScript file.

Under ``file://`` a page cannot ``fetch`` a JSON file, so the data ships as
``assets/playbook/data.js`` (``window.PLAYBOOK_DATA = {...}``), loaded like any script.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .build import slugify
from .durations import Duration
from .escape import js_data
from .model import Calendar, Clock, Playbook
from .schema import CLOCK_EVENT_MEANINGS

#: Holidays are listed for this many years around the build, for business-day deadlines.
HOLIDAY_YEARS_BEFORE, HOLIDAY_YEARS_AFTER = 1, 3


def _duration(period: Duration | None) -> dict[str, Any] | None:
    return {"amount": period.amount, "unit": period.unit} if period else None


def _clock(clock: Clock | None) -> dict[str, Any] | None:
    return {"due": _duration(clock.due), "from": clock.start} if clock else None


def _holidays(calendars: set[Calendar], today: dt.date) -> dict[str, list[str]]:
    if not calendars:
        return {}
    import holidays  # only when a business-day calendar is in use

    years = range(today.year - HOLIDAY_YEARS_BEFORE, today.year + HOLIDAY_YEARS_AFTER + 1)
    return {
        _calendar_key(c): sorted(day.isoformat() for day in holidays.country_holidays(
            c.country, subdiv=c.subdivision, years=years))
        for c in calendars
    }


def _calendar_key(calendar: Calendar) -> str:
    return f"{calendar.country}-{calendar.subdivision}" if calendar.subdivision else calendar.country


def site_data(playbook: Playbook, today: dt.date) -> dict[str, Any]:
    document = playbook.document
    # Only where a stage counts business days: the holidays library is slow to load and compute.
    calendars = {r.calendar for r in playbook.regulators if r.calendar and r.counts_business_days}
    return {
        # Ticks, facts and the log are stored under this key: a new version starts clean.
        "key": f"crisis-playbook/{slugify(document.organisation)}/{document.version}",
        "organisation": document.organisation,
        "version": document.version,
        "timezone": document.timezone,
        "nextReview": document.next_review.isoformat(),
        "phases": [
            {"id": p.id, "name": p.name, "items": [{"id": i.id, "action": i.action} for i in p.checklist]}
            for p in playbook.phases
        ],
        "regulators": [
            {
                "id": r.id, "name": r.name, "inForce": r.in_force,
                "calendar": {"key": _calendar_key(r.calendar), "timezone": r.calendar.timezone}
                if r.calendar else None,
                "stages": [{"id": s.id, "name": s.name, "clock": _clock(s.clock), "limit": _clock(s.no_later_than)}
                           for s in r.stages],
            }
            for r in playbook.regulators
        ],
        "events": CLOCK_EVENT_MEANINGS,
        "holidays": _holidays(calendars, today),
        "places": [{"name": f"{o.name}, {o.city}", "timezone": o.timezone} for o in playbook.offices]
        + [{"name": a.name, "timezone": a.timezone} for a in playbook.audiences if a.timezone],
        # The audiences briefed under embargo before the release: those a media briefing serves.
        "embargoed": sorted({playbook.audience(a).name for t in playbook.templates if t.kind == "media-briefing"
                             for a in t.audiences}),
        "facts": [{"id": f.id, "label": f.label, "hint": f.hint, "example": f.example}
                  for f in playbook.incident_facts],
    }


def data_script(playbook: Playbook, today: dt.date) -> str:
    return f"window.PLAYBOOK_DATA = {js_data(site_data(playbook, today))};\n"
