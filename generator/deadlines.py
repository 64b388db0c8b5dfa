"""The deadline engine: when each stage of each regulator falls due, from the times the team records.

Arithmetic, by the unit of the period:

- minutes and hours are **elapsed time**, counted in UTC, so a daylight-saving change in between
  does not move the deadline by an hour;
- days and weeks are **calendar days** and months **calendar months** (one month after 31 January is
  the end of February), counted in the regulator's time zone: its calendar's zone, else the
  playbook's (``document.timezone``). Never the zone a viewer picks to display the times;
- business days skip weekends and the public holidays of the regulator's calendar (from the
  ``holidays`` library), counted in the calendar's time zone. The day of the event is not counted:
  the period is the next N business days. A start on a weekend or holiday makes the first business
  day after it day 1 (``non_business_start: counts``, SEC Form 8-K General Instruction B.1), or the
  day after that (``waits``), or, where the text does not settle it, both are shown (``disputed``).

The last day of a day-based period ends as the regulator's ``counting.ends`` says: at the start's
time of day (the default, the earlier and safe side where the text is silent), at the end of the day
(shown as 23:59), or at a filing cut-off (``17:30`` for EDGAR).

A stage may count from an earlier stage: from the time that stage was **filed** when it is known,
else from its deadline, with a note that the later deadline moves when the earlier report is filed.
Stage names and event names are separate namespaces (validation refuses a stage named like an event).
A stage with an outer limit (``no_later_than``) is due at whichever comes first.

Every sentence the clock shows is made here, once, and shipped to the browser in ``data.js`` by
:mod:`generator.sitedata`; ``playbook.js`` only chooses among them.
"""

from __future__ import annotations

import calendar as month_lengths
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from .durations import Duration
from .i18n import N_, SOURCE, _, current, duration_words
from .model import Calendar, ChecklistItem, Clock, Counting, Playbook, Regulator, Stage, Template
from .schema import CLOCK_EVENT_MEANINGS, CLOCK_EVENTS

UTC = dt.UTC

#: The years the clock counts in, in Python and in the browser alike (the browser's holiday data
#: covers them, and one more year for periods that end after the last).
FIRST_YEAR, LAST_YEAR = 2000, 2099

#: Where a stage stands: a due time from its own period or its outer limit, or why there is none.
DeadlineStatus = Literal["due", "outer limit", "waiting", "no fixed period", "not in force"]

#: Events that cannot come before another: (earlier, later, why).
EVENT_ORDER = (
    ("detection", "awareness",
     N_("awareness is a reasonable certainty, which cannot come before the first suspicion")),
    ("awareness", "classification", N_("an incident cannot be classified before anyone is aware of it")),
    ("awareness", "materiality", N_("materiality is determined about an incident someone is aware of")),
    ("awareness", "determination", N_("it cannot be determined that an incident occurred before awareness of it")),
    ("awareness", "assessment", N_("a breach cannot be assessed before anyone is aware of it")),
)

DEFAULT_COUNTING = Counting()
END_OF_DAY = dt.time(23, 59)


@cache
def _holidays(country: str, subdivision: str | None, year: int) -> Any:
    import holidays

    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def _business_day(day: dt.date, calendar: Calendar) -> bool:
    return day.weekday() < 5 and day not in _holidays(calendar.country, calendar.subdivision, day.year)


def _wall_clock(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A naive local time in ``zone``, made real (a time in a DST gap moves forward)."""
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _end_time(ends: str, start: dt.time) -> dt.time:
    if ends == "time of day":
        return start.replace(second=0, microsecond=0)
    if ends == "end of day":
        return END_OF_DAY
    hour, minute = ends.split(":")
    return dt.time(int(hour), int(minute))


def _add_business_hours(start: dt.datetime, period: Duration, zone: ZoneInfo, calendar: Calendar | None) -> dt.datetime:
    """``start`` plus business hours: only the time inside the calendar's service window on business days
    counts, read on the wall clock of ``zone`` (a window on the night the clocks change has its wall-clock
    length). The extra minutes of a compound period ("2 business hours 30m") are business minutes too."""
    if calendar is None or calendar.window is None:
        raise ValueError("business hours need a calendar with a service window")
    opens, closes = calendar.window
    remaining = dt.timedelta(minutes=period.amount * 60 + period.plus_minutes)
    moment = start.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    while True:
        day = moment.date()
        if _business_day(day, calendar):
            window_start = dt.datetime.combine(day, opens)
            window_end = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(days=1) if closes == dt.time.max \
                else dt.datetime.combine(day, closes)
            moment = max(moment, window_start)
            if moment < window_end:
                if moment + remaining <= window_end:
                    return _wall_clock(moment + remaining, zone)
                remaining -= window_end - moment
        moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0))


def add(start: dt.datetime, period: Duration, zone: ZoneInfo, calendar: Calendar | None = None,
        counting: Counting | None = None, *, waits: bool = False) -> dt.datetime:
    """``start`` (aware) plus ``period``, counted in ``zone`` by the rules in this module's docstring.

    ``waits``: a business-day count starting on a weekend or holiday begins after the next business day.
    """
    if period.elapsed_minutes is not None:
        return (start.astimezone(UTC) + dt.timedelta(minutes=period.elapsed_minutes)).astimezone(zone)
    if period.unit == "business hours":
        return _add_business_hours(start, period, zone, calendar)
    ends = (counting or DEFAULT_COUNTING).ends
    local = start.astimezone(zone)
    day = local.date()
    if period.unit == "business days":
        if calendar is None:
            raise ValueError("business days need a calendar")
        if waits:
            while not _business_day(day, calendar):
                day += dt.timedelta(days=1)
        counted = 0
        while counted < period.amount:
            day += dt.timedelta(days=1)
            counted += _business_day(day, calendar)
    elif period.unit in ("days", "weeks"):
        day += dt.timedelta(days=period.amount * (7 if period.unit == "weeks" else 1))
    else:
        month_index = day.month - 1 + period.amount
        year, month = day.year + month_index // 12, month_index % 12 + 1
        day = dt.date(year, month, min(day.day, month_lengths.monthrange(year, month)[1]))
    end = _wall_clock(dt.datetime.combine(day, _end_time(ends, local.time())), zone)
    if not period.plus_minutes:
        return end
    return (end.astimezone(UTC) + dt.timedelta(minutes=period.plus_minutes)).astimezone(zone)  # "1 day 4h"


def counting_zone(regulator: Regulator, playbook_zone: ZoneInfo) -> ZoneInfo:
    """The zone ``regulator``'s days are counted in: its calendar's, else the playbook's."""
    if regulator.calendar is not None and regulator.calendar.timezone:
        return ZoneInfo(regulator.calendar.timezone)
    return playbook_zone


# --- The words: made once, here, for the CLI, the site and the browser --------------------------
#
# Each sentence is one msgid with its values as placeholders (never words glued together), so a language can
# order and inflect it; outside a site build (`playbook clock`, tests) the language is English and the sentences
# are exactly the msgids. The plan's and the rule's own words (stage names, "without undue delay", notes) are
# put in as written.

def pgettext(context: str, message: str) -> str:
    """``message`` in the site's language, where the same English word takes different forms (see ``context``)."""
    return current().translations.pgettext(context, message)


def _english() -> bool:
    return current().locale == SOURCE


def _duration(period: Duration) -> str:
    """A period of the plan in the site's words ("72 hours", "72 Stunden", "72 sata")."""
    return str(period) if _english() else duration_words(period, current())


def event_name(event: str) -> str:
    """A clock event as a label names it: "awareness", "Kenntnis", "saznanje"."""
    names = {"awareness": pgettext("clock event", "awareness"), "detection": pgettext("clock event", "detection"),
             "classification": pgettext("clock event", "classification"),
             "materiality": pgettext("clock event", "materiality"),
             "determination": pgettext("clock event", "determination"),
             "assessment": pgettext("clock event", "assessment"), "payment": pgettext("clock event", "payment")}
    return names.get(event, event)


def _event_after(event: str) -> str:
    """A clock event in a sentence after "after" or "the time of" (Serbian puts it in the genitive: "saznanja")."""
    names = {"awareness": pgettext("clock event, after 'after'", "awareness"),
             "detection": pgettext("clock event, after 'after'", "detection"),
             "classification": pgettext("clock event, after 'after'", "classification"),
             "materiality": pgettext("clock event, after 'after'", "materiality"),
             "determination": pgettext("clock event, after 'after'", "determination"),
             "assessment": pgettext("clock event, after 'after'", "assessment"),
             "payment": pgettext("clock event, after 'after'", "payment")}
    return names.get(event, event)


def event_meaning(event: str) -> str:
    """What a clock event means (schema.CLOCK_EVENT_MEANINGS), in the site's language."""
    meanings = {"awareness": _("reasonable certainty that an incident happened"),
                "detection": _("first suspicion or discovery"),
                "classification": _("classified as a major incident"),
                "materiality": _("determined to be material"),
                "determination": _("determined that a reportable incident occurred"),
                "assessment": _("assessed as a breach that must be notified"),
                "payment": _("a ransom or extortion payment was made")}
    return meanings.get(event, CLOCK_EVENT_MEANINGS.get(event, event))


def _stage_name(name: str) -> str:
    """A stage's name inside an English sentence starts small ("the initial notification"); other languages
    quote it as the plan wrote it."""
    return f"{name[0].lower()}{name[1:]}" if _english() else name


def start_words(start: str, regulator: Regulator, *, after: bool = False) -> str:
    """What starts a clock, in words: the event, or "the initial notification" for a chained stage. ``after``: the
    form that follows "after", "the time of" or "the deadline of" in a sentence."""
    if start in CLOCK_EVENTS:
        return _event_after(start) if after else event_name(start)
    for stage in regulator.stages:
        if stage.id == start:
            name = _stage_name(stage.name)
            return (pgettext("a stage, after 'after'", "the %(stage)s") if after
                    else pgettext("a stage, as a clock's start", "the %(stage)s")) % {"stage": name}
    return start


def clock_start_words(clock: Clock, regulator: Regulator, *, after: bool = False) -> str:
    """What starts ``clock``: "awareness", "the initial notification", "the end of the calendar year of detection"."""
    if not clock.from_year_end:
        return start_words(clock.start, regulator, after=after)
    event = start_words(clock.start, regulator, after=True)
    said = pgettext("after 'after'", "the end of the calendar year of %(event)s") if after \
        else _("the end of the calendar year of %(event)s")
    return said % {"event": event}


def after_words(clock: Clock, regulator: Regulator) -> str:
    """"72 hours after awareness", "60 days after the end of the calendar year of detection"."""
    assert clock.due is not None
    return _("%(period)s after %(start)s") % {"period": _duration(clock.due),
                                               "start": clock_start_words(clock, regulator, after=True)}


def period_words(clock: Clock, regulator: Regulator) -> str:
    """:func:`after_words`, with how the engine reads a range or an approximate time."""
    assert clock.due is not None
    return f"{after_words(clock, regulator)}{reading(clock.due)}"


def reading(due: Duration) -> str:
    """How the engine reads a range or an approximate time, said beside it."""
    if due.up_to is not None:
        return " " + _("(the earlier end counts)")
    return " " + _("(approximate in the plan; counted as written)") if due.about else ""


def _give(start: str, regulator: Regulator) -> str:
    if start in CLOCK_EVENT_MEANINGS:
        return _("give the time of %(event)s (%(meaning)s)") % {"event": _event_after(start),
                                                                "meaning": event_meaning(start)}
    return _("waiting for the deadline of %(stage)s") % {"stage": start_words(start, regulator, after=True)}


#: How the site says each of schema.PROMPTLY that it words itself; the others are the rule's words, kept as written.
PROMPTLY_SAID = {"asap": N_("as soon as possible")}


def promptly_words(promptly: str) -> str:
    """A deadline without a fixed period: "as soon as possible" (the generator's words for ``asap``, translated),
    else as the plan or the rule says it ("without undue delay")."""
    return _(PROMPTLY_SAID[promptly]) if promptly in PROMPTLY_SAID else promptly


def _capital(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


def due_words(stage: Stage) -> str:
    """The time a stage allows, in words: "72 hours", "without undue delay" as the rule says it, "no fixed
    period" (a catalogue rule that gives none), or that the plan does not set one."""
    clock = stage.clock
    if clock.due is not None:
        return _duration(clock.due)
    if clock.promptly:
        return promptly_words(clock.promptly)
    return _("no fixed period") if stage.rule else _("not set in the plan")


def awareness_words(stage: Stage) -> str:
    """How home says a stage that counts from awareness: "72 hours after awareness", "Without undue delay after
    awareness, at most 72 hours", "From awareness: deadline not set in the plan"."""
    limit = stage.no_later_than
    limit_words = f"{_duration(limit.due)}{reading(limit.due)}" if limit is not None and limit.due is not None else ""
    if stage.clock.start != "awareness":
        return _("At most %(limit)s after awareness") % {"limit": limit_words}
    if stage.clock.due is not None:
        text = _("%(period)s after awareness") % {"period": _duration(stage.clock.due)} + reading(stage.clock.due)
    elif stage.clock.promptly:
        text = _("%(due)s after awareness") % {"due": _capital(due_words(stage))}
    else:
        text = _("From awareness: %(due)s") % {"due": due_words(stage)}
    if limit_words and limit is not None and limit.start == "awareness":
        text = _("%(deadline)s, at most %(limit)s") % {"deadline": text, "limit": limit_words}
    return text


def _no_period(stage: Stage, regulator: Regulator) -> str:
    """What the clock says for a stage with no period: the plan's words and start, or the catalogue's rule."""
    if stage.clock.promptly:
        text = _("%(due)s after %(start)s; no fixed period.") % {
            "due": _capital(due_words(stage)), "start": clock_start_words(stage.clock, regulator, after=True)}
    else:
        text = stage.rule or _("Deadline not set in the plan.")
    return f"{text} {stage.note}" if stage.note else text


def stage_texts(stage: Stage, regulator: Regulator) -> dict[str, str]:
    """Every sentence the clock may show for ``stage``; the engine and the browser choose among them."""
    rule = _no_period(stage, regulator) if stage.clock.due is None else stage.note or stage.rule or ""
    texts = {"rule": rule, "not_in_force": _("The rule is not in force; no deadline runs.")}
    counting = regulator.counting
    if counting is not None and counting.rule:
        texts["counting"] = counting.rule
    if stage.clock.due is None:
        return texts
    period = period_words(stage.clock, regulator)
    texts["period"] = period
    texts["waiting"] = _("%(deadline)s; %(waiting)s") % {"deadline": period,
                                                         "waiting": _give(stage.clock.start, regulator)}
    if stage.clock.start in CLOCK_EVENTS and stage.clock.start != "awareness":
        texts["hint"] = _("Enter the time of %(event)s. If it equals awareness, due at") % {
            "event": _event_after(stage.clock.start)}
    if stage.clock.start not in CLOCK_EVENTS:
        earlier = start_words(stage.clock.start, regulator, after=True)
        texts["chained"] = _("Counted from the deadline of %(stage)s, which is not marked as filed; once it is filed "
                             "this deadline counts from the filing.") % {"stage": earlier}
        texts["filed_from"] = _("Counted from the filing of %(stage)s.") % {"stage": earlier}
    if stage.no_later_than is not None and stage.no_later_than.due is not None:
        outer = period_words(stage.no_later_than, regulator)
        texts["limit"] = _("%(limit)s (outer limit of %(period)s)") % {"limit": outer, "period": period}
        texts["limit_waiting"] = _("%(limit)s; %(period)s once that time is known") % {"limit": outer,
                                                                                       "period": period}
    if stage.limit_dispute:
        texts["limit_dispute"] = stage.limit_dispute
    if counting is not None and counting.non_business_start == "disputed" and counting.dispute \
            and stage.clock.due.unit == "business days":
        texts["start_dispute"] = counting.dispute
    return texts


def moment_words(playbook: Playbook, moment: str, *, after: bool = False) -> str:
    """A moment a checklist deadline counts from (:meth:`Playbook.item_start`) in the site's words: "awareness",
    "the start of Containment", "external response decided" (a milestone, named as the plan names it)."""
    kind, _sep, ident = moment.partition(":")
    if kind == "phase":
        name = playbook.phase(ident).name
        return (pgettext("after 'after'", "the start of %(phase)s") if after
                else _("the start of %(phase)s")) % {"phase": name}
    if kind == "milestone":
        return pgettext("a milestone", "%(milestone)s") % {"milestone": ident.replace("-", " ")}
    return _event_after(moment) if after else event_name(moment)


def due_text(item: ChecklistItem, playbook: Playbook) -> str:
    """"1 hour after awareness", "4 hours after the start of Containment", "30 minutes after external
    response decided"; nothing for an item without a deadline."""
    start = playbook.item_start(playbook.phase_of[item.id], item)
    if start is None:
        return ""
    moment = moment_words(playbook, start, after=True)
    if item.due is None and item.promptly:
        return _("%(due)s after %(moment)s") % {"due": promptly_words(item.promptly), "moment": moment} \
            + repeat_text(item)
    if item.due is None:
        assert item.every is not None
        values = {"period": _duration(item.every), "moment": moment, "until": item.until}
        return (_("every %(period)s after %(moment)s until %(until)s") if item.until
                else _("every %(period)s after %(moment)s")) % values
    return _("%(due)s after %(moment)s") % {"due": _duration(item.due), "moment": moment} + reading(item.due) \
        + repeat_text(item)


def repeat_text(entry: ChecklistItem | Stage | Template) -> str:
    """", then every 1 day until the supervisor closes the case", or nothing for a duty that does not repeat."""
    if not entry.every:
        return ""
    values = {"period": _duration(entry.every), "until": entry.until}
    return (_(", then every %(period)s until %(until)s") if entry.until else _(", then every %(period)s")) % values


def repeat_sentence(entry: ChecklistItem | Stage | Template) -> str | None:
    """"Then every 1 day until the supervisor closes the case.", for the incident clock; None if it does not repeat."""
    if not entry.every:
        return None
    values = {"period": _duration(entry.every), "until": entry.until}
    return (_("Then every %(period)s until %(until)s.") if entry.until else _("Then every %(period)s.")) % values


def until_text(entry: ChecklistItem | Stage | Template) -> str:
    return f" until {entry.until}" if entry.until else ""


# --- The arithmetic ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """One stage of one regulator, with its due time when it can be known."""

    regulator: Regulator
    stage: Stage
    due: dt.datetime | None  # aware; None when it cannot be computed (see `status`)
    status: DeadlineStatus
    explanation: str
    #: Notes shown with it: how it was counted from an unfiled earlier stage, a disputed reading.
    notes: tuple[str, ...] = ()
    #: The other reading's due time, where the text does not settle which applies (the later one).
    other: dt.datetime | None = None
    #: Waiting for an event other than awareness: the due time if that event equals awareness.
    hint: dt.datetime | None = None
    filed: dt.datetime | None = None

    @property
    def sort_time(self) -> dt.datetime | None:
        return self.due or self.hint

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        def utc(moment: dt.datetime | None) -> str | None:
            return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None

        return {
            "regulator": self.regulator.id,
            "regulator_name": self.regulator.name,
            "stage": self.stage.id,
            "stage_name": self.stage.name,
            "status": self.status,
            "due_utc": utc(self.due),
            "due_local": self.due.astimezone(zone).isoformat() if self.due else None,
            "explanation": self.explanation,
            "notes": list(self.notes),
            "other_reading_utc": utc(self.other),
            "if_equal_to_awareness_utc": utc(self.hint),
            "filed_utc": utc(self.filed),
        }


def _year_end(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    local = moment.astimezone(zone)
    return _wall_clock(dt.datetime.combine(dt.date(local.year, 12, 31), local.time().replace(tzinfo=None)), zone)


def regulator_deadlines(regulator: Regulator, events: dict[str, dt.datetime], zone: ZoneInfo,
                        filed: dict[str, dt.datetime] | None = None) -> list[Deadline]:
    """Every stage of ``regulator``, in order, given the recorded ``events`` (aware datetimes), the
    times stages were ``filed`` (by stage id), counting days in ``zone`` unless the regulator's
    calendar has its own."""
    filed = filed or {}
    zone = counting_zone(regulator, zone)
    counting = regulator.counting or DEFAULT_COUNTING
    stage_due: dict[str, dt.datetime | None] = {}
    deadlines: list[Deadline] = []

    def start_of(clock: Clock, given: dict[str, dt.datetime]) -> tuple[dt.datetime | None, bool]:
        """The start of ``clock`` and whether it is an unfiled earlier stage's deadline."""
        if clock.start in CLOCK_EVENTS:
            moment = given.get(clock.start)
        elif clock.start in filed:
            return filed[clock.start], False
        else:
            moment = stage_due.get(clock.start)
            return moment, moment is not None
        if moment is not None and clock.from_year_end:
            moment = _year_end(moment, zone)
        return moment, False

    def due_of(clock: Clock | None, given: dict[str, dt.datetime],
               waits: bool = counting.non_business_start == "waits") -> tuple[dt.datetime | None, bool]:
        if clock is None or clock.due is None:
            return None, False
        start, chained = start_of(clock, given)
        if start is None:
            return None, False
        return add(start, clock.due, zone, regulator.calendar, counting, waits=waits), chained

    for stage in regulator.stages:
        texts = stage_texts(stage, regulator)
        notes: list[str] = []
        other = hint = None
        status: DeadlineStatus
        main, chained = due_of(stage.clock, events)
        limit, limit_chained = due_of(stage.no_later_than, events)
        disputed_start = "start_dispute" in texts
        if disputed_start and main is not None:
            later, _chained = due_of(stage.clock, events, waits=True)
            if later != main:
                other = later
                notes.append(texts["start_dispute"])
        if not regulator.in_force:
            due, status, why, notes, other = None, "not in force", texts["not_in_force"], [], None
        elif stage.clock.due is None:
            due, status, why = None, "no fixed period", texts["rule"]
        elif main is not None and (limit is None or main <= limit):
            due, status, why = main, "due", texts["period"]
        elif limit is not None:
            due, status = limit, "outer limit"
            why = texts["limit"] if main is not None else texts["limit_waiting"]
            chained = limit_chained
            if main is not None and "limit_dispute" in texts:
                other = main
                notes.append(texts["limit_dispute"])
        else:
            due, status, why = None, "waiting", texts["waiting"]
            if "hint" in texts and "awareness" in events:
                hint = due_of(stage.clock, {**events, stage.clock.start: events["awareness"]})[0]
                limit_if = due_of(stage.no_later_than, {**events, stage.clock.start: events["awareness"]})[0]
                if hint is not None and limit_if is not None:
                    hint = min(hint, limit_if)
        if chained and due is not None:
            notes.insert(0, texts["chained"])
        elif stage.clock.start in filed and due is not None:
            notes.insert(0, texts["filed_from"])
        stage_due[stage.id] = due
        deadlines.append(Deadline(regulator, stage, due, status, why, tuple(notes), other, hint,
                                  filed.get(stage.id)))
    return deadlines


def deadlines(playbook: Playbook, events: dict[str, dt.datetime], zone: ZoneInfo | None = None,
              filed: dict[tuple[str, str], dt.datetime] | None = None) -> list[Deadline]:
    """Every stage of every regulator, sorted by due time (a stage waiting for an event other than
    awareness by its due time if that event equals awareness); those without one come last, in order.

    Days count in ``zone`` (default: the playbook's), or in a regulator's calendar zone; ``filed`` maps
    (regulator id, stage id) to when that stage was filed."""
    zone = zone or ZoneInfo(playbook.document.timezone)
    filed = filed or {}
    found = [d for regulator in playbook.regulators for d in regulator_deadlines(
        regulator, events, zone, {s: at for (r, s), at in filed.items() if r == regulator.id})]
    timed = sorted((d for d in found if d.sort_time is not None),
                   key=lambda d: d.sort_time.astimezone(UTC))  # type: ignore[union-attr]
    return timed + [d for d in found if d.sort_time is None]


# --- Times people type ------------------------------------------------------------------------

def check_year(moment: dt.datetime | dt.date, what: str = "time") -> None:
    """ValueError when ``moment`` is outside the years the clock counts."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"the {what} is in the year {moment.year}; the clock counts only {FIRST_YEAR} to "
                         f"{LAST_YEAR} - check the date")


def read_time(text: str, zone: ZoneInfo, what: str = "time") -> dt.datetime:
    """A typed time: with an offset as written, else a wall-clock time in ``zone``.

    Never read silently: a time the clocks skipped or showed twice is refused with the ways to write it.
    """
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a date and time; write it like 2026-03-27T10:00") from None
    check_year(moment, what)
    if moment.tzinfo is not None:
        return moment
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    written = text.strip()
    if first.utcoffset() == second.utcoffset():
        return first
    real = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)

    def offset(moment: dt.datetime) -> str:
        return moment.isoformat()[19:] if moment.microsecond == 0 else moment.isoformat()[26:]

    if real != moment:
        return_to = moment.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        raise ValueError(
            f"{written} does not exist in {zone}: the clocks went forward that night (UTC offset "
            f"{offset(first)} to {offset(second)}). Give the time the clock showed, or write the offset, "
            f"e.g. {written}{offset(first)} (which is {return_to:%H:%M} {return_to.tzname()})")
    raise ValueError(
        f"{written} happened twice in {zone}: the clocks went back that night. Write which with its offset: "
        f"{written}{offset(first)} (the first, {first.tzname()}) or {written}{offset(second)} "
        f"(the second, {second.tzname()})")


def order_words(earlier: str, later: str, why: str) -> str:
    """Two events given in an impossible order, in words ("Classification is before awareness: …")."""
    return _("%(later)s is before %(earlier)s: %(why)s. Check the times.") % {
        "later": _capital(event_name(later)), "earlier": _event_after(earlier), "why": _(why)}


def order_problems(events: dict[str, dt.datetime]) -> list[str]:
    """Events given in an impossible order, in words."""
    return [order_words(earlier, later, why) for earlier, later, why in EVENT_ORDER
            if earlier in events and later in events and events[later] < events[earlier]]
