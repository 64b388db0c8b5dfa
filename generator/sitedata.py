"""What the in-browser incident tools need from the playbook, as one JavaScript file.

Under ``file://`` a page cannot ``fetch`` a JSON file, so the data ships as
``assets/playbook/data.js`` (``window.PLAYBOOK_DATA = {...}``), loaded like any script.
"""

from __future__ import annotations

from typing import Any

from .build import slugify
from .deadlines import (
    DEFAULT_COUNTING,
    EVENT_ORDER,
    FIRST_YEAR,
    LAST_YEAR,
    due_text,
    event_meaning,
    event_name,
    moment_words,
    order_words,
    repeat_sentence,
    stage_texts,
)
from .durations import Duration
from .escape import css_string, js_data
from .exercise import call_tree, exercise_pack
from .i18n import Language, english, local_value, script_plurals, script_strings, speaking
from .model import Calendar, Clock, Playbook, Regulator
from .schema import CLOCK_EVENT_MEANINGS
from .zones import canonical_zones, zone_aliases


def _duration(period: Duration | None) -> dict[str, Any] | None:
    return {"amount": period.amount, "unit": period.unit, "plusMinutes": period.plus_minutes} if period else None


def _clock(clock: Clock | None) -> dict[str, Any] | None:
    if clock is None:
        return None
    return {"due": _duration(clock.due), "from": clock.start, "event": clock.start in CLOCK_EVENT_MEANINGS,
            "yearEnd": clock.from_year_end}


def _holidays(calendars: set[Calendar]) -> dict[str, list[str]]:
    """Every holiday of every year the engine counts in (and the year after, for periods that end
    there), so the browser never answers differently from `playbook clock`."""
    if not calendars:
        return {}
    import holidays  # only when a business-day calendar is in use

    years = range(FIRST_YEAR, LAST_YEAR + 2)
    return {
        _calendar_key(c): sorted(day.isoformat() for day in holidays.country_holidays(
            c.country, subdiv=c.subdivision, years=years))
        for c in calendars
    }


def _regulator(regulator: Regulator) -> dict[str, Any]:
    counting = regulator.counting or DEFAULT_COUNTING
    return {
        "id": regulator.id, "name": regulator.name, "inForce": regulator.in_force,
        "calendar": {"key": _calendar_key(regulator.calendar), "timezone": regulator.calendar.timezone,
                     "hours": regulator.calendar.hours}
        if regulator.calendar else None,
        "counting": {"ends": counting.ends, "start": counting.non_business_start},
        # Every sentence is made once, by the engine; the browser only chooses among them.
        "stages": [{"id": s.id, "name": s.name, "clock": _clock(s.clock), "limit": _clock(s.no_later_than),
                    "every": _duration(s.every), "repeat": repeat_sentence(s),
                    "texts": stage_texts(s, regulator)} for s in regulator.stages],
    }


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def _item_clocks(playbook: Playbook) -> dict[str, Any]:
    """Checklist items with a deadline, for the incident clock, and the moments they count from that are
    not events: the start of a phase (entered when it starts) and milestones (the tick of the item that
    marks them, or entered)."""
    clocks, moments = [], {}
    for phase in playbook.phases:
        for item in phase.checklist:
            start = playbook.item_start(phase, item)
            if start is None or (item.due is None and item.every is None):
                continue  # no time to count: no deadline, or one in words ("immediately")
            owner = playbook.role(item.owner).name if item.owner else ""
            clocks.append({"id": item.id, "action": str(item.action), "owner": owner, "phase": phase.name,
                           "due": _duration(item.due), "every": _duration(item.every), "start": start,
                           "why": due_text(item, playbook)})
            if start.startswith("phase:"):
                moments[start] = {"key": start, "label": _sentence(moment_words(playbook, start))}
            elif start.startswith("milestone:"):
                marker = playbook.milestones[start.partition(":")[2]][1]
                moments[start] = {"key": start, "label": _sentence(moment_words(playbook, start)),
                                  "markedBy": marker.id, "marker": str(marker.action)}
    return {"itemClocks": clocks, "moments": list(moments.values())}


def clock_data(playbook: Playbook) -> dict[str, Any]:
    """What the incident clock needs: regulators with their texts, checklist items with a deadline, holidays,
    zones, limits."""
    calendars = {r.calendar for r in playbook.regulators if r.calendar and r.counts_business_days}
    return {
        "regulators": [_regulator(r) for r in playbook.regulators],
        **_item_clocks(playbook),
        # Each event's meaning, and its name as the site's language says it.
        "events": {event: event_meaning(event) for event in CLOCK_EVENT_MEANINGS},
        "eventNames": {event: event_name(event) for event in CLOCK_EVENT_MEANINGS},
        "order": [{"earlier": earlier, "later": later, "text": order_words(earlier, later, why)}
                  for earlier, later, why in EVENT_ORDER],
        "years": [FIRST_YEAR, LAST_YEAR],
        "holidays": _holidays(calendars),
        "zones": list(canonical_zones()),
        "zoneAliases": zone_aliases(),
    }


def _calendar_key(calendar: Calendar) -> str:
    return f"{calendar.country}-{calendar.subdivision}" if calendar.subdivision else calendar.country


def exercise_data(playbook: Playbook) -> dict[str, Any]:
    """What exercise mode needs: each scenario's injects with the moment and period of their time, and the call
    tree in calling order with each person's channels (as the call-tree sheet lists them)."""
    from .render import CHANNEL_LABELS

    return {
        "exercises": {s.id: [{"id": card.id, **card.clock} for card in exercise_pack(playbook, s).cards]
                      for s in playbook.scenarios},
        # Who may approve each message, for recording approvals as they come (the after-action report checks the rule).
        "approvals": {t.id: {"approvers": [{"id": r, "name": playbook.role(r).name} for r in
                                           [*t.approval.approvers, *(c.role for c in t.approval.conditional)]],
                             "quorum": t.approval.quorum}
                      for t in playbook.templates if t.approval is not None and not t.approval.none},
        "callTree": [{"key": call.key, "role": call.role.name, "place": call.place, "contact": call.contact.name,
                      "channels": [f"{CHANNEL_LABELS[c.type]}: {c.value}" for c in call.channels]}
                     for call in call_tree(playbook)],
    }


def site_data(playbook: Playbook) -> dict[str, Any]:
    document = playbook.document
    return {
        # Ticks, facts and the log are stored under this key: a new version starts clean.
        "key": f"crisis-playbook/{slugify(document.organisation)}/{document.version}",
        "organisation": document.organisation,
        "version": document.version,
        "timezone": document.timezone,
        "nextReview": document.next_review.isoformat(),
        "phases": [
            {"id": p.id, "name": p.name, "items": [{"id": i.id, "action": i.action, "severities": list(i.severities),
                                                    "scenarios": list(i.scenarios)} for i in p.checklist]}
            for p in playbook.phases
        ],
        # On-demand procedures: their steps are ticked like items, and count in no phase's progress.
        "procedures": [
            {"id": p.id, "name": p.name, "items": [{"id": i.id, "action": i.action, "severities": list(i.severities),
                                                    "scenarios": list(i.scenarios)} for i in p.checklist]}
            for p in playbook.procedures
        ],
        **clock_data(playbook),
        **exercise_data(playbook),
        # The incident's lifecycle: the first status is where it starts; changes go into the log.
        "statuses": [{"id": s.id, "name": s.name, "next": list(s.next)} for s in playbook.statuses],
        # The choices of the "what applies" selector on the phase pages.
        "severities": [{"id": s.id, "name": s.name} for s in playbook.severities],
        "scenarios": [{"id": s.id, "name": s.name} for s in playbook.scenarios],
        "places": [{"name": f"{o.name}, {o.city}", "timezone": o.timezone} for o in playbook.offices]
        + [{"name": a.name, "timezone": a.timezone} for a in playbook.audiences if a.timezone],
        # The audiences briefed under embargo before the release: those a media briefing serves.
        "embargoed": sorted({playbook.audience(a).name for t in playbook.templates if t.kind == "media-briefing"
                             for a in t.audiences}),
        "facts": [{"id": f.id, "label": f.label, "hint": f.hint, "example": f.example}
                  for f in playbook.incident_facts],
    }


def page_css(playbook: Playbook, language: Language | None = None) -> str:
    """The printed page: the plan's paper size, and on every page its organisation, version, approval
    date and marking, with "page x of y" (CSS page-margin boxes, which Chromium prints)."""
    doc = playbook.document
    chosen = language or english()
    gettext = chosen.gettext
    line = gettext("%(organisation)s · version %(version)s · approved %(approved)s · %(classification)s") % {
        "organisation": doc.organisation, "version": doc.version, "approved": local_value(doc.approved_on, chosen),
        "classification": doc.classification}
    # "page x of y": the words around the two counters, as the catalogue orders them
    before, _, rest = gettext("page %(page)s of %(pages)s").partition("%(page)s")
    between, _, after = rest.partition("%(pages)s")
    counters = f"{css_string(before)} counter(page) {css_string(between)} counter(pages) {css_string(after)}"
    return (f"@page {{\n  size: {doc.paper_size};\n  margin: 14mm 12mm 16mm;\n"
            f"  @bottom-left {{ content: {css_string(line)}; font: 8pt sans-serif; }}\n"
            f"  @bottom-right {{ content: {counters}; font: 8pt sans-serif; }}\n"
            "}\n")


def data_script(playbook: Playbook, language: Language | None = None) -> str:
    chosen = language or english()
    with speaking(chosen):  # the clock's sentences (generator/deadlines.py) in the site's language
        site = site_data(playbook)
    data = {**site, "strings": script_strings(chosen), "plurals": script_plurals(chosen),
            "locale": chosen.bcp47}
    return f"window.PLAYBOOK_DATA = {js_data(data)};\n"
