"""The regime catalogue, the deadline engine and `playbook clock`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from generator import schema
from generator.cli import cli
from generator.deadlines import add, order_problems, read_time, regulator_deadlines, stage_texts
from generator.durations import parse_duration
from generator.load import load
from generator.model import Calendar, Regulator, catalogue
from generator.regimes import CATALOGUE
from generator.validate import shape_problems
from generator.zones import canonical_zones, resolve_zone, zone_aliases
from tests.conftest import EXAMPLE, MINIMAL, edit, problems

VIENNA = ZoneInfo("Europe/Vienna")


#: Cases computed by hand from each rule's text, shared with the browser test of the incident clock.
CASES = json.loads((Path(__file__).parent / "deadline_cases.json").read_text(encoding="utf-8"))["cases"]


def regulator_for(regime: str) -> Regulator:
    """A playbook regulator that names ``regime`` and takes everything else from it."""
    return build_model_regulator(regime)


def build_model_regulator(regime: str) -> Regulator:
    entry = catalogue()[regime]
    return Regulator(id=regime, name=entry.name, jurisdiction=entry.jurisdiction, law=entry.citation,
                     applies_when=entry.applies_to, owner="legal", submit="", stages=entry.stages,
                     required_content=entry.required_content, regime=entry, calendar=entry.calendar,
                     counting=entry.counting)


def utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ") if moment else None


def run_case(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    events = {k: dt.datetime.fromisoformat(v) for k, v in case["events"].items()}
    filed = {k: dt.datetime.fromisoformat(v) for k, v in case.get("filed", {}).items()}
    found = regulator_deadlines(regulator_for(case["regime"]), events, ZoneInfo(case["zone"]), filed)
    texts = {d.stage.id: stage_texts(d.stage, d.regulator) for d in found}
    return {d.stage.id: {"status": d.status, "due": utc(d.due), "other": utc(d.other), "hint": utc(d.hint),
                         "chained": texts[d.stage.id].get("chained") in d.notes, "why": d.explanation}
            for d in found}


def expected(case: dict[str, Any], found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``found`` cut down to what the case states."""
    return {stage: {key: found[stage][key] for key in expect} for stage, expect in case["expect"].items()}


@pytest.mark.parametrize("case", CASES, ids=[case["what"] for case in CASES])
def test_deadlines_computed_by_hand_from_the_rules(case: dict[str, Any]) -> None:
    assert case["rule"] and case["by_hand"]
    assert expected(case, run_case(case)) == case["expect"]


def test_every_case_regime_and_stage_exists() -> None:
    regimes = catalogue()
    for case in CASES:
        stages = {s.id for s in regimes[case["regime"]].stages}
        assert set(case["expect"]) <= stages, case["what"]


def test_catalogue_entries_are_complete_and_cited() -> None:
    assert shape_problems(load(CATALOGUE, "regimes.yml"), schema.CATALOGUE) == []
    regimes = catalogue()
    assert len(regimes) == 19
    for regime in regimes.values():
        assert regime.source_url.startswith("https://"), regime.id
        assert regime.last_reviewed <= dt.date.today(), regime.id
        assert regime.citation and regime.required_content, regime.id
        # Stages and events are separate namespaces: no stage of the catalogue is named like an event.
        assert not {s.id for s in regime.stages} & set(schema.CLOCK_EVENTS), regime.id
        business = any(c.due and c.due.unit == "business days" for s in regime.stages
                       for c in (s.clock, s.no_later_than) if c)
        # Every business-day regime states its counting rule: where the count starts and ends.
        assert not business or (regime.counting and regime.counting.rule), regime.id
    assert {r.id for r in regimes.values() if not r.verified} == {"rs-zib", "br-lgpd", "pci-dss"}
    assert [r.id for r in regimes.values() if not r.in_force] == ["circia"]
    assert [s.clock.due for s in regimes["uk-gdpr-ico"].stages] == [parse_duration("72h")] * 2


def test_no_fixed_period_shows_the_rules_words() -> None:
    [found] = regulator_deadlines(regulator_for("gdpr-data-subjects"),
                                  {"awareness": dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)}, VIENNA)
    assert (found.status, found.explanation) == ("no fixed period", catalogue()["gdpr-data-subjects"].stages[0].rule)
    assert found.explanation.startswith("Without undue delay")


def test_the_zone_shown_never_changes_a_deadline() -> None:
    args = ["--aware", "2026-01-27T23:30Z", "--json"]
    base = json.loads(run_clock(str(EXAMPLE), *args)[1])
    shown = json.loads(run_clock(str(EXAMPLE), *args, "--show-tz", "America/Los_Angeles")[1])
    assert [r["due_utc"] for r in base] == [r["due_utc"] for r in shown]
    assert shown[0]["due_local"].endswith("-08:00")


@pytest.mark.parametrize(("text", "zone", "message"), [
    ("2026-03-29T02:30", "Europe/Berlin",
     "2026-03-29T02:30 does not exist in Europe/Berlin: the clocks went forward that night (UTC offset +01:00 to "
     "+02:00). Give the time the clock showed, or write the offset, e.g. 2026-03-29T02:30+01:00 (which is "
     "03:30 CEST)"),
    ("2026-10-25T02:30", "Europe/Berlin",
     "2026-10-25T02:30 happened twice in Europe/Berlin: the clocks went back that night. Write which with its "
     "offset: 2026-10-25T02:30+02:00 (the first, CEST) or 2026-10-25T02:30+01:00 (the second, CET)"),
    ("1970-01-01T00:00", "UTC", "the time is in the year 1970; the clock counts only 2000 to 2099 - check the date"),
    ("2100-01-01T00:00Z", "UTC", "the time is in the year 2100; the clock counts only 2000 to 2099 - check the date"),
    ("tomorrow", "UTC", "'tomorrow' is not a date and time; write it like 2026-03-27T10:00"),
])
def test_typed_times_are_never_read_silently(text: str, zone: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_time(text, ZoneInfo(zone))
    assert str(caught.value) == message


def test_typed_times_with_an_offset_or_outside_a_change_are_read() -> None:
    assert read_time("2026-10-25T02:30+01:00", VIENNA) == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    assert read_time("2026-10-25T03:30", VIENNA).utcoffset() == dt.timedelta(hours=1)


def test_events_in_an_impossible_order_are_flagged() -> None:
    at = dt.datetime(2026, 3, 27, 10, tzinfo=dt.UTC)
    assert order_problems({"awareness": at, "classification": at - dt.timedelta(hours=1)}) == [
        "Classification is before awareness: an incident cannot be classified before anyone is aware of it. "
        "Check the times."]
    assert order_problems({"awareness": at, "classification": at, "detection": at}) == []


@pytest.mark.parametrize(("name", "result"), [
    ("UTC", "UTC"), ("Asia/Kolkata", "Asia/Kolkata"), ("Asia/Calcutta", "Asia/Kolkata"),
    ("Europe/Kyiv", "Europe/Kyiv"), ("Europe/Kiev", "Europe/Kyiv"), ("Etc/UTC", "UTC"),
])
def test_zones_are_complete_and_aliases_are_accepted(name: str, result: str) -> None:
    assert resolve_zone(name) == result
    assert result in canonical_zones()


@pytest.mark.parametrize(("name", "message"), [
    ("EST", "'EST' is an abbreviation, not a time zone; use an IANA name such as America/New_York, America/Toronto"),
    ("cest", "'cest' is an abbreviation, not a time zone; use an IANA name such as Europe/Berlin, Europe/Paris"),
    ("Mars/Olympus", "unknown time zone 'Mars/Olympus'; use an IANA name like Europe/Vienna"),
])
def test_abbreviations_and_unknown_zones_are_refused(name: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        resolve_zone(name)
    assert str(caught.value) == message


def test_zone_list_has_no_aliases_and_every_alias_names_a_listed_zone() -> None:
    zones = set(canonical_zones())
    assert "Asia/Calcutta" not in zones and "Europe/Kiev" not in zones
    assert set(zone_aliases().values()) <= zones


def test_business_days_count_in_the_calendars_zone_whatever_zone_is_given() -> None:
    regulator = regulator_for("sec-8k-105")
    events = {"materiality": dt.datetime(2026, 7, 1, 15, tzinfo=ZoneInfo("America/New_York"))}
    tokyo = regulator_deadlines(regulator, events, ZoneInfo("Asia/Tokyo"))
    assert [utc(d.due) for d in tokyo] == [utc(d.due) for d in regulator_deadlines(regulator, events, VIENNA)]


# --- playbook.yml ---------------------------------------------------------------------------

def test_unknown_regime_lists_the_known_ones(minimal: str) -> None:
    name = "    name: Data protection authority\n"
    text = edit(minimal, name, f"{name}    regime: gdpr\n")
    [message] = problems(text)
    assert message.startswith("playbook.yml:60:5: regulators[0].regime: unknown regime 'gdpr'; known: gdpr-dpa, ")
    assert "nis2-csirt" in message and "sec-8k-105" in message


def test_regime_supplies_what_the_regulator_leaves_out(minimal: str) -> None:
    start = minimal.index("    jurisdiction: Austria")
    end = minimal.index("templates:")
    text = minimal[:start] + "    regime: gdpr-dpa\n    applies_when: Personal data is breached.\n" \
        "    owner: comms-lead\n    submit: Online form.\n" + minimal[end:]
    assert problems(text) == []


def test_regulator_without_regime_needs_its_own_stages(minimal: str) -> None:
    start = minimal.index("    stages:\n      - id: notification")
    end = minimal.index("    required_content:")
    assert problems(minimal[:start] + minimal[end:]) == [
        "playbook.yml:58:5: regulators[0]: missing required key 'stages' (or name a catalogue 'regime' that "
        "supplies it)"
    ]


def test_business_days_need_a_calendar_however_they_are_spelled(minimal: str) -> None:
    # "working days" is business days too; the clock would have nothing to count them with.
    assert problems(edit(minimal, "        due: 72h\n", "        due: 3 working days\n")) == [
        "playbook.yml:58:5: regulators[0]: business-day deadlines need a holiday calendar; add "
        "'calendar: {country: XX}'"
    ]


def test_business_days_need_a_calendar(minimal: str) -> None:
    text = edit(minimal, "        due: 72h\n", "        due: 3 business days\n")
    assert problems(text) == [
        "playbook.yml:58:5: regulators[0]: business-day deadlines need a holiday calendar; add "
        "'calendar: {country: XX}'"
    ]
    text = edit(text, "    submit: Online form.\n", "    submit: Online form.\n    calendar: {country: XX}\n")
    assert problems(text) == ["playbook.yml:65:16: regulators[0].calendar.country: no public-holiday calendar "
                              "for country 'XX'"]
    assert problems(edit(text, "{country: XX}", "{country: AT}")) == []


# --- playbook clock ---------------------------------------------------------------------------

def run_clock(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["clock", *args])
    return result.exit_code, result.output


def test_clock_lists_every_stage_sorted_with_local_and_utc_times() -> None:
    code, output = run_clock(str(MINIMAL), "--aware", "2026-03-27T10:00", "--tz", "Europe/Berlin")
    assert code == 0
    assert output == (
        "Awareness: Fri 2026-03-27 10:00 CET (09:00 UTC)\n"
        "\n"
        "Due (Europe/Berlin)        Due (UTC)          Regulator: stage\n"
        "Mon 2026-03-30 11:00 CEST  2026-03-30 09:00Z  Data protection authority: Notification\n"
        "\n"
        "Computed from the times given. National law can differ; this is not legal advice.\n"
    )


def test_clock_json_for_the_example() -> None:
    code, output = run_clock(str(EXAMPLE), "--aware", "2026-03-27T10:00", "--tz", "Europe/Berlin",
                             "--classified", "2026-03-27T13:30", "--json")
    assert code == 0
    rows = json.loads(output)
    assert [(r["regulator"], r["stage"], r["due_utc"]) for r in rows] == [
        ("at-fma", "initial", "2026-03-27T16:30:00Z"),
        ("card-schemes", "alert", None),  # waiting for detection: sorted by its time if detection equals awareness
        ("at-dsb", "notification", "2026-03-30T09:00:00Z"),
        ("rs-poverenik", "notification", "2026-03-30T09:00:00Z"),
        ("at-fma", "intermediate", "2026-03-30T16:30:00Z"),
        ("at-fma", "final", "2026-04-30T16:30:00Z"),
        ("rs-poverenik", "data-subjects", None),
        ("card-schemes", "updates", None),  # chained to the alert, itself waiting for detection
    ]
    assert rows[0]["due_local"] == "2026-03-27T17:30:00+01:00"
    assert (rows[1]["status"], rows[1]["if_equal_to_awareness_utc"]) == ("waiting", "2026-03-28T09:00:00Z")
    assert rows[4]["notes"] == ["Counted from the deadline of the initial notification, which is not marked as "
                                "filed; once it is filed this deadline counts from the filing."]


def test_clock_counts_later_reports_from_the_filing() -> None:
    code, output = run_clock(str(EXAMPLE), "--aware", "2026-03-27T10:00", "--tz", "Europe/Berlin",
                             "--classified", "2026-03-27T13:30", "--filed", "initial=2026-03-27T14:00", "--json")
    assert code == 0
    rows = {(r["regulator"], r["stage"]): r for r in json.loads(output)}
    assert rows["at-fma", "initial"]["filed_utc"] == "2026-03-27T13:00:00Z"
    assert rows["at-fma", "intermediate"]["due_utc"] == "2026-03-30T13:00:00Z"  # 72 h after the filing
    assert rows["at-fma", "intermediate"]["notes"] == ["Counted from the filing of the initial notification."]


@pytest.mark.parametrize(("args", "message"), [
    (["--filed", "notification=2026-03-27T14:00"],
     "Invalid value for --filed: stage 'notification' is in several regulators; write one of at-dsb/notification, "
     "rs-poverenik/notification"),
    (["--filed", "nowhere=2026-03-27T14:00"], "Invalid value for --filed: no stage 'nowhere'; known: "),
    (["--filed", "initial"], "'initial' is not STAGE=TIME"),
    (["--tz", "EST"], "'EST' is an abbreviation, not a time zone; use an IANA name such as America/New_York"),
    (["--classified", "2026-03-27T09:00"], "Warning: Classification is before awareness"),
])
def test_clock_filed_and_zone_messages(args: list[str], message: str) -> None:
    code, output = run_clock(str(EXAMPLE), "--aware", "2026-03-27T10:00", *args)
    assert message in output
    assert code == (0 if message.startswith("Warning") else 2)


def test_clock_takes_times_with_an_offset_and_defaults_to_the_playbook_zone() -> None:
    code, output = run_clock(str(MINIMAL), "--aware", "2026-03-27T09:00Z")
    assert code == 0
    assert "Mon 2026-03-30 11:00 CEST  2026-03-30 09:00Z" in output  # shown in Europe/Vienna


@pytest.mark.parametrize(("args", "message"), [
    (["--aware", "yesterday"], "'yesterday' is not a date and time; write it like 2026-03-27T10:00"),
    (["--aware", "2026-03-27T10:00", "--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    (["--aware", "2026-03-29T02:30", "--tz", "Europe/Berlin"], "2026-03-29T02:30 does not exist in Europe/Berlin"),
    (["--aware", "0026-03-27T10:00"], "the time of awareness is in the year 26; the clock counts only 2000 to 2099"),
])
def test_clock_usage_errors(args: list[str], message: str) -> None:
    code, output = run_clock(str(MINIMAL), *args)
    assert code == 2
    assert message in output


def test_clock_on_an_invalid_playbook_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_text(edit(MINIMAL.read_text(), 'version: "1.0"', "version: 1.0"))
    code, output = run_clock(str(path), "--aware", "2026-03-27T10:00")
    assert code == 1
    assert output == f"{path}:5:3: document.version: expected text, got the number 1.0; put it in quotes\n"


def test_a_stage_named_like_an_event_is_refused(minimal: str) -> None:
    # 'from: assessment' in a later stage could mean the event or this stage: the name is refused.
    assert problems(edit(minimal, "      - id: notification\n", "      - id: assessment\n")) == [
        "playbook.yml:66:9: regulators[0].stages[0].id: stage id 'assessment' is also the name of a clock event; "
        "stages and events are separate; rename the stage (e.g. 'assessment-report')"
    ]


def test_the_browsers_holidays_cover_every_year_the_clock_counts() -> None:
    import dataclasses

    from generator import open_playbook
    from generator.deadlines import FIRST_YEAR, LAST_YEAR
    from generator.sitedata import clock_data

    playbook = dataclasses.replace(open_playbook(EXAMPLE).playbook, regulators=(regulator_for("sec-8k-105"),))
    days = clock_data(playbook)["holidays"]["US"]
    assert (days[0][:4], days[-1][:4]) == (str(FIRST_YEAR), str(LAST_YEAR + 1))
    assert {day[:4] for day in days} == {str(year) for year in range(FIRST_YEAR, LAST_YEAR + 2)}
    assert "2026-07-03" in days  # Independence Day observed, used by the SEC cases


def test_a_month_counted_across_the_new_year_lands_in_january() -> None:
    # "one month after" 15 December is 15 January of the next year, at the same time of day.
    vienna = ZoneInfo("Europe/Vienna")
    start = dt.datetime(2026, 12, 15, 9, 30, tzinfo=vienna)
    assert add(start, parse_duration("1 month"), vienna) == dt.datetime(2027, 1, 15, 9, 30, tzinfo=vienna)


def test_a_business_day_count_that_waits_starts_after_the_next_business_day() -> None:
    # Sunday 2026-11-22: the next business day is Monday 23rd; three business days after it end on
    # Thursday 26th (Austria, no holiday that week), at the time of day the count started.
    vienna = ZoneInfo("Europe/Vienna")
    start = dt.datetime(2026, 11, 22, 10, 0, tzinfo=vienna)
    calendar = Calendar(country="AT")
    assert add(start, parse_duration("3 business days"), vienna, calendar, waits=True) == \
        dt.datetime(2026, 11, 26, 10, 0, tzinfo=vienna)
    assert add(start, parse_duration("3 business days"), vienna, calendar) == \
        dt.datetime(2026, 11, 25, 10, 0, tzinfo=vienna)
