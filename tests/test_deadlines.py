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
from generator.deadlines import add, regulator_deadlines
from generator.durations import parse_duration
from generator.load import load
from generator.model import Calendar, catalogue
from generator.regimes import CATALOGUE
from generator.validate import shape_problems
from tests.conftest import EXAMPLE, MINIMAL, edit, problems

VIENNA = ZoneInfo("Europe/Vienna")
#: Hand-computed cases, shared with the browser test of the incident clock's JavaScript.
CASES = json.loads((Path(__file__).parent / "deadline_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["what"] for case in CASES])
def test_deadline_arithmetic(case: dict[str, Any]) -> None:
    calendar = Calendar(case["calendar"]["country"], None, case["calendar"]["timezone"]) if case["calendar"] else None
    due = add(dt.datetime.fromisoformat(case["start"]), parse_duration(case["period"]), ZoneInfo(case["zone"]),
              calendar)
    expected = dt.datetime.fromisoformat(case["expected"])
    assert due == expected
    assert due.utcoffset() == expected.utcoffset()


def test_catalogue_entries_are_complete_and_cited() -> None:
    assert shape_problems(load(CATALOGUE, "regimes.yml"), schema.CATALOGUE) == []
    regimes = catalogue()
    assert len(regimes) == 19
    for regime in regimes.values():
        assert regime.source_url.startswith("https://"), regime.id
        assert regime.last_reviewed <= dt.date.today(), regime.id
        assert regime.citation and regime.required_content, regime.id
    assert {r.id for r in regimes.values() if not r.verified} == {"rs-zib", "br-lgpd", "pci-dss"}
    assert [r.id for r in regimes.values() if not r.in_force] == ["circia"]


def _deadlines(regime: str, **events: str) -> dict[str, tuple[str, str | None]]:
    from generator.model import Regulator

    entry = catalogue()[regime]
    regulator = Regulator(id=regime, name=entry.name, jurisdiction=entry.jurisdiction, law=entry.citation,
                          applies_when=entry.applies_to, owner="legal", submit="", stages=entry.stages,
                          required_content=entry.required_content, regime=entry, calendar=entry.calendar)
    moments = {k: dt.datetime.fromisoformat(v) for k, v in events.items()}
    return {d.stage.id: (d.status, d.due.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ") if d.due else None)
            for d in regulator_deadlines(regulator, moments, VIENNA)}


def test_dora_initial_report_is_due_4_hours_after_classification() -> None:
    found = _deadlines("dora-major-ict", awareness="2026-03-27T10:00+01:00", classification="2026-03-27T13:30+01:00")
    assert found == {
        "initial": ("due", "2026-03-27T16:30Z"),
        "intermediate": ("due", "2026-03-30T16:30Z"),  # chained: 72 hours after the initial notification
        "final": ("due", "2026-04-30T16:30Z"),  # one calendar month after the intermediate report
    }


def test_dora_initial_report_never_later_than_24_hours_after_awareness() -> None:
    late = _deadlines("dora-major-ict", awareness="2026-03-27T10:00+01:00", classification="2026-03-28T08:00+01:00")
    assert late["initial"] == ("outer limit", "2026-03-28T09:00Z")
    unknown = _deadlines("dora-major-ict", awareness="2026-03-27T10:00+01:00")
    assert unknown["initial"] == ("outer limit", "2026-03-28T09:00Z")


def test_nis2_final_report_chains_on_the_notification_across_a_month_end() -> None:
    found = _deadlines("nis2-csirt", awareness="2026-01-28T10:00+01:00")
    assert found == {
        "early-warning": ("due", "2026-01-29T09:00Z"),
        "notification": ("due", "2026-01-31T09:00Z"),
        "final": ("due", "2026-02-28T09:00Z"),
    }


def test_stages_without_their_event_wait_and_rules_not_in_force_give_no_deadline() -> None:
    sec = _deadlines("sec-8k-105", awareness="2026-07-01T09:00-04:00")
    assert sec == {"form-8k": ("waiting", None), "amendment": ("waiting", None)}
    assert _deadlines("circia", awareness="2026-07-01T09:00-04:00") == {
        "incident": ("not in force", None), "ransom": ("not in force", None),
    }
    assert _deadlines("gdpr-data-subjects", awareness="2026-07-01T09:00+02:00") == {
        "communication": ("no fixed period", None),
    }


def test_sec_counts_business_days_in_new_york() -> None:
    assert _deadlines("sec-8k-105", awareness="2026-06-30T09:00-04:00", materiality="2026-07-01T15:00-04:00") == {
        "form-8k": ("due", "2026-07-08T19:00Z"), "amendment": ("due", "2026-07-14T19:00Z"),
    }


# --- playbook.yml ---------------------------------------------------------------------------

def test_unknown_regime_lists_the_known_ones(minimal: str) -> None:
    name = "    name: Data protection authority\n"
    text = edit(minimal, name, f"{name}    regime: gdpr\n")
    [message] = problems(text)
    assert message.startswith("playbook.yml:59:5: regulators[0].regime: unknown regime 'gdpr'; known: gdpr-dpa, ")
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
        "playbook.yml:57:5: regulators[0]: missing required key 'stages' (or name a catalogue 'regime' that "
        "supplies it)"
    ]


def test_business_days_need_a_calendar_however_they_are_spelled(minimal: str) -> None:
    # "working days" is business days too; the clock would have nothing to count them with.
    assert problems(edit(minimal, "        due: 72h\n", "        due: 3 working days\n")) == [
        "playbook.yml:57:5: regulators[0]: business-day deadlines need a holiday calendar; add "
        "'calendar: {country: XX}'"
    ]


def test_business_days_need_a_calendar(minimal: str) -> None:
    text = edit(minimal, "        due: 72h\n", "        due: 3 business days\n")
    assert problems(text) == [
        "playbook.yml:57:5: regulators[0]: business-day deadlines need a holiday calendar; add "
        "'calendar: {country: XX}'"
    ]
    text = edit(text, "    submit: Online form.\n", "    submit: Online form.\n    calendar: {country: XX}\n")
    assert problems(text) == ["playbook.yml:64:16: regulators[0].calendar.country: no public-holiday calendar "
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
        ("at-dsb", "notification", "2026-03-30T09:00:00Z"),
        ("rs-poverenik", "notification", "2026-03-30T09:00:00Z"),
        ("at-fma", "intermediate", "2026-03-30T16:30:00Z"),
        ("at-fma", "final", "2026-04-30T16:30:00Z"),
        ("rs-poverenik", "data-subjects", None),
        ("card-schemes", "alert", None),
    ]
    assert rows[0]["due_local"] == "2026-03-27T17:30:00+01:00"
    assert rows[-1]["status"] == "waiting"


def test_clock_takes_times_with_an_offset_and_defaults_to_the_playbook_zone() -> None:
    code, output = run_clock(str(MINIMAL), "--aware", "2026-03-27T09:00Z")
    assert code == 0
    assert "Mon 2026-03-30 11:00 CEST  2026-03-30 09:00Z" in output  # shown in Europe/Vienna


@pytest.mark.parametrize(("args", "message"), [
    (["--aware", "yesterday"], "'yesterday' is not a date and time; write it like 2026-03-27T10:00"),
    (["--aware", "2026-03-27T10:00", "--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
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
    assert output == f"{path}:4:3: document.version: expected text, got the number 1.0; put it in quotes\n"
