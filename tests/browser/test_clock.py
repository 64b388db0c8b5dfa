"""The browser's deadline clock against the hand-computed cases and against the Python engine.

One page holds every regime of the catalogue (``data.js`` made by generator/sitedata.py, as a build
makes it) and ``playbook.js``, opened from file:// with the network off. The cases of
tests/deadline_cases.json are checked in it as in tests/test_deadlines.py; then Hypothesis generates
events, zones, filings and regimes, and the browser and the Python engine must agree on every stage
of every case: status, due time, the other reading, the hint, and every word shown.

The two sides read different time-zone data: Python's ``zoneinfo`` reads the system's
``/usr/share/zoneinfo`` first (Debian's tzdata package, 2025b here) and the ``tzdata`` Python package
only where there is none; Chromium reads the ICU data it ships. They differ for some zones (western
Canada from November 2026, Morocco from 2027, Moldova in 2022, at the time of writing), so the zones
drawn here are checked first to have the same offsets on both sides at every change of offset in the
clock's years: a difference of data is then reported as such, not as a difference of the engines.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator import open_playbook
from generator.deadlines import FIRST_YEAR, LAST_YEAR, deadlines
from generator.model import catalogue
from generator.sitedata import data_script
from generator.versions import zone_data_in_use
from tests.conftest import EXAMPLE
from tests.test_deadlines import CASES, expected, regulator_for

pytestmark = pytest.mark.browser
ASSETS = Path(__file__).parents[2] / "generator" / "assets"
REGIMES = sorted(catalogue())
PLAYBOOK = open_playbook(EXAMPLE).playbook
#: Every regime of the catalogue as a regulator; the scenarios keep no regulator of the example's (whose ids
#: are gone), so the exercise data built with the rest stays consistent.
PLAYBOOK = dataclasses.replace(PLAYBOOK, regulators=tuple(regulator_for(r) for r in REGIMES),
                               scenarios=tuple(dataclasses.replace(s, regulators=()) for s in PLAYBOOK.scenarios))
#: Zones with summer time north and south, half-hour and 45-minute offsets, none at all.
ZONES = ["Europe/Vienna", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/Sao_Paulo",
         "UTC", "Pacific/Chatham", "Europe/London", "Asia/Tokyo", "America/St_Johns"]
EVENTS = ["detection", "classification", "materiality", "determination", "assessment", "payment"]

#: Runs a batch of cases in the page: [{events, filed, zone}] → rows per case, as plain data.
RUN = """cases => cases.map(c => window.PlaybookClock.deadlines(c.events, c.filed, c.zone).map(r => ({
  regulator: r.regulator.id, stage: r.stage.id, status: r.status, due: r.due, other: r.other, hint: r.hint,
  why: r.why, notes: r.notes, filed: r.filed })))"""


@pytest.fixture(scope="module")
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("clock")
    (folder / "data.js").write_text(data_script(PLAYBOOK), encoding="utf-8")
    shutil.copy(ASSETS / "playbook.js", folder / "playbook.js")
    (folder / "clock.html").write_text('<!doctype html><meta charset="utf-8"><title>clock</title>'
                                       '<script src="data.js"></script><script src="playbook.js"></script>',
                                       encoding="utf-8")
    context = browser.new_context(offline=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto((folder / "clock.html").as_uri())
    yield opened
    assert errors == []
    context.close()


def _ms(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp() * 1000)


def _utc(ms: float | None) -> str | None:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%MZ") if ms is not None else None


def test_the_browser_clock_meets_the_hand_computed_cases(page: Any) -> None:
    batch = [{"events": {k: _ms(v) for k, v in case["events"].items()},
              "filed": {f"{case['regime']}/{k}": _ms(v) for k, v in case.get("filed", {}).items()},
              "zone": case["zone"]} for case in CASES]
    for case, rows in zip(CASES, page.evaluate(RUN, batch), strict=True):
        regulator = PLAYBOOK.regulators[REGIMES.index(case["regime"])]
        found = {}
        for row in rows:
            if row["regulator"] != case["regime"]:
                continue
            chained_text = _texts(regulator, row["stage"]).get("chained")
            found[row["stage"]] = {"status": row["status"], "due": _utc(row["due"]), "other": _utc(row["other"]),
                                   "hint": _utc(row["hint"]), "chained": chained_text in row["notes"],
                                   "why": row["why"]}
        assert expected(case, found) == case["expect"], case["what"]


def _texts(regulator: Any, stage: str) -> dict[str, str]:
    from generator.deadlines import stage_texts

    return stage_texts(next(s for s in regulator.stages if s.id == stage), regulator)


def _python(case: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    events = {k: dt.datetime.fromtimestamp(v / 1000, dt.UTC) for k, v in case["events"].items()}
    filed = {tuple(k.split("/")): dt.datetime.fromtimestamp(v / 1000, dt.UTC) for k, v in case["filed"].items()}
    rows = deadlines(PLAYBOOK, events, ZoneInfo(case["zone"]), filed)  # type: ignore[arg-type]

    def ms(moment: dt.datetime | None) -> int | None:
        return round(moment.timestamp() * 1000) if moment is not None else None

    return {(d.regulator.id, d.stage.id): {
        "status": d.status, "due": ms(d.due), "other": ms(d.other), "hint": ms(d.hint), "why": d.explanation,
        "notes": list(d.notes), "filed": ms(d.filed)} for d in rows}


MINUTE = 60_000
FIRST = int(dt.datetime(FIRST_YEAR, 1, 12, tzinfo=dt.UTC).timestamp()) // 60  # every event within the years
LAST = int(dt.datetime(LAST_YEAR - 1, 12, 30, tzinfo=dt.UTC).timestamp()) // 60
#: Within ten days either side of awareness, so weekends, holidays and clock changes come up often.
NEAR = st.integers(-10 * 24 * 60, 10 * 24 * 60)


@st.composite
def clock_case(draw: st.DrawFn) -> dict[str, Any]:
    regime = draw(st.sampled_from(REGIMES))
    aware = draw(st.integers(FIRST, LAST))
    events = {"awareness": aware * MINUTE}
    for event in draw(st.sets(st.sampled_from(EVENTS))):
        events[event] = (aware + draw(NEAR)) * MINUTE
    stages = [s.id for s in catalogue()[regime].stages]
    filed = {f"{regime}/{stage}": (aware + draw(NEAR)) * MINUTE for stage in draw(st.sets(st.sampled_from(stages)))}
    return {"regime": regime, "events": events, "filed": filed, "zone": draw(st.sampled_from(ZONES))}


@settings(max_examples=3, deadline=None, database=None, phases=[Phase.generate], derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                 HealthCheck.function_scoped_fixture])
@given(cases=st.lists(clock_case(), min_size=120, max_size=120))
def test_the_browser_and_python_agree_on_generated_cases(page: Any, cases: list[dict[str, Any]]) -> None:
    # One page evaluation per batch: several hundred cases per run (3 batches of 120), every regime in each case.
    # Every regulator of the page is compared in every case, not only the regime the case was drawn for.
    for case, rows in zip(cases, page.evaluate(RUN, cases), strict=True):
        browser = {(r["regulator"], r["stage"]): {k: v for k, v in r.items() if k not in ("regulator", "stage")}
                   for r in rows}
        python = _python(case)
        for key, value in python.items():
            assert browser[key] == value, json.dumps({"case": case, "stage": key}, indent=1)
        order = [(k, python[k]["due"], python[k]["hint"]) for k in python]
        assert list(browser) == list(python), json.dumps({"case": case, "python": order})  # the same order too


def _transitions(zone: ZoneInfo, first: int, last: int) -> list[dt.datetime]:
    """Every change of UTC offset in ``zone`` from ``first`` to ``last`` (years), to the minute, by Python's data."""
    found, step = [], dt.timedelta(hours=6)
    moment, end = dt.datetime(first, 1, 1, tzinfo=dt.UTC), dt.datetime(last + 1, 1, 1, tzinfo=dt.UTC)
    while moment < end:
        later = moment + step
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            low, high = moment, later
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset() \
                    else (low, middle)
            found.append(high.replace(second=0, microsecond=0))
        moment = later
    return found


#: Reads a batch of wall-clock times [y, m, d, h, mi] in a zone: the instant and how a typed time is read.
READ = """([walls, zone]) => walls.map(w => {
  var two = n => (n < 10 ? "0" : "") + n;
  var typed = w[0] + "-" + two(w[1]) + "-" + two(w[2]) + "T" + two(w[3]) + ":" + two(w[4]);
  return [window.PlaybookClock.instant({y: w[0], m: w[1], d: w[2], h: w[3], mi: w[4], s: 0}, zone),
          window.PlaybookClock.readLocal(typed, zone).kind]; })"""


@pytest.mark.parametrize("zone", ["Pacific/Chatham", "Pacific/Auckland", "Pacific/Apia", "America/St_Johns"])
def test_the_browser_reads_wall_clock_times_near_every_clock_change_as_python_does(page: Any, zone: str) -> None:
    # Regression: with offsets over +12:00 (Chatham +13:45) the browser read times up to 1:45 before a clock change
    # an hour wrong, and called a time shown twice unambiguous: it took the offset "before" a wall-clock time half a
    # day earlier in UTC, which at +13:45 is already after it. Every change in the clock's years, every quarter hour
    # from four hours before it to four hours after, against zoneinfo (fold=0, as generator/deadlines.py reads it).
    tz = ZoneInfo(zone)
    walls = sorted({(change.astimezone(tz).replace(tzinfo=None) + dt.timedelta(minutes=15 * k))
                    for change in _transitions(tz, FIRST_YEAR, LAST_YEAR) for k in range(-16, 17)})
    walls = [w for w in walls if FIRST_YEAR <= w.year <= LAST_YEAR]
    assert walls or zone == "Pacific/Apia"  # Samoa stopped summer time in 2021: its changes are 2000-2021 only
    read = page.evaluate(READ, [[[w.year, w.month, w.day, w.hour, w.minute] for w in walls], zone])
    wrong = []
    for wall, (instant, kind) in zip(walls, read, strict=True):
        first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
        python = "ok" if first.utcoffset() == second.utcoffset() else \
            "gap" if first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != wall else "twice"
        if instant != first.timestamp() * 1000 or kind != python:
            wrong.append((wall.isoformat(), _utc(instant), first.astimezone(dt.UTC).isoformat(), kind, python))
    assert wrong == [], wrong[:5]


#: The UTC offset, in minutes, of each instant (ms) in a zone, by the browser's own data.
OFFSETS = """([instants, zone]) => { var format = new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23",
  year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"});
  return instants.map(ms => { var f = {}; format.formatToParts(new Date(ms)).forEach(p => f[p.type] = p.value);
    var wall = Date.UTC(+f.year, +f.month - 1, +f.day, +f.hour % 24, +f.minute, +f.second);
    return Math.round((wall - ms) / 60000); }); }"""


@pytest.mark.parametrize("zone", ZONES)
def test_the_zones_compared_have_the_same_data_in_python_and_the_browser(page: Any, zone: str) -> None:
    tz = ZoneInfo(zone)
    instants = sorted({int((change + dt.timedelta(minutes=k)).timestamp() * 1000)
                       for change in _transitions(tz, FIRST_YEAR, LAST_YEAR) for k in (-61, -1, 0, 1, 61)}
                      | {int(dt.datetime(year, month, 15, tzinfo=dt.UTC).timestamp() * 1000)
                         for year in range(FIRST_YEAR, LAST_YEAR + 1) for month in (1, 7)})
    browser = page.evaluate(OFFSETS, [instants, zone])
    python = [int(dt.datetime.fromtimestamp(ms / 1000, tz).utcoffset() / dt.timedelta(minutes=1))  # type: ignore[operator]
              for ms in instants]
    differ = [(_utc(ms), p, b) for ms, p, b in zip(instants, python, browser, strict=True) if p != b]
    assert differ == [], f"{zone}: Python's time-zone data ({zone_data_in_use()}) and Chromium's differ: {differ[:3]}"


#: Adds [start ms, period, zone] in the page, with the site's own add().
ADD = "cases => cases.map(c => window.PlaybookClock.add(c[0], c[1], c[2], null, null, false))"


def test_the_browser_adds_compound_ranged_and_approximate_durations_as_by_hand(page: Any) -> None:
    from generator.durations import parse_duration
    from generator.sitedata import _duration

    cases = [  # (start, duration, zone, due by hand in UTC)
        ("2026-03-28T09:00Z", "1 day 4h", "Europe/Vienna", "2026-03-29T12:00Z"),  # 10:00 CET + 1 day → CEST, + 4h
        ("2026-10-24T22:30Z", "5h30m", "Europe/Vienna", "2026-10-25T04:00Z"),  # elapsed, across the change back
        ("2026-07-01T07:00Z", "15-20m", "Europe/Vienna", "2026-07-01T07:15Z"),  # the earlier end
        ("2026-07-01T07:00Z", "about 12h", "Europe/Vienna", "2026-07-01T19:00Z"),
    ]
    batch = [[_ms(start), _duration(parse_duration(text)), zone] for start, text, zone, _ in cases]
    assert [_utc(ms) for ms in page.evaluate(ADD, batch)] == [due for *_, due in cases]


def test_the_browser_counts_business_hours_in_the_service_window_as_by_hand(page: Any) -> None:
    from generator.durations import parse_duration
    from generator.sitedata import _duration

    calendar = {"key": "none", "timezone": "Europe/Vienna", "hours": "08:00-17:00"}  # weekends only, no holidays
    cases = [("2026-03-27T14:00Z", "4 business hours", "2026-03-30T08:00Z"),
             ("2026-03-28T11:00Z", "4 working hours", "2026-03-30T10:00Z"),
             ("2026-03-26T15:00Z", "2 business hours 30m", "2026-03-27T08:30Z"),
             ("2026-03-26T16:00Z", "1 business hour", "2026-03-27T08:00Z")]
    batch = [[_ms(start), _duration(parse_duration(text)), "Europe/Vienna", calendar] for start, text, _ in cases]
    found = page.evaluate("cases => cases.map(c => window.PlaybookClock.add(c[0], c[1], c[2], c[3], null, false))",
                          batch)
    assert [_utc(ms) for ms in found] == [due for *_, due in cases]
