# ruff: noqa: RUF001  (Serbian Cyrillic text on purpose: its letters look like Latin ones)
"""`playbook after-action LOG` (issue 17, part 4): an exported log compared with the plan; malformed logs refused.

The log below is written by hand. Awareness 2026-03-27 09:00 UTC (10:00 in Vienna): the DORA initial
notification's outer limit is 24 hours later, 2026-03-28 09:00 UTC, and it was filed at 10:00 UTC (late); the DSB's
72 hours end 2026-03-30 09:00 UTC (before 2 April the clocks went forward on 29 March, but hours are elapsed time),
and it was never filed while the log runs to 10:00 UTC (missed). The alarm (15 minutes) was ticked at 09:10 (on
time), the convening of the team (30 minutes) at 09:45 (late).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, copy_example, invoke


def _log(**changes: Any) -> dict[str, Any]:
    log: dict[str, Any] = {
        "format": "crisis-playbook-log", "version": 1, "mode": "exercise",
        "exercise": {"scenario": "ransomware", "speed": 60, "started": "2026-03-27T09:00:00.000Z"},
        "incident": "Exercise: ransomware", "started": "2026-03-27T09:00:00.000Z",
        "exported": "2026-03-30T10:00:00.000Z", "playbook": {"organisation": "Danubia Pay AG", "version": "3.1"},
        "timeZone": "Europe/Vienna", "events": {"awareness": "2026-03-27T09:00:00.000Z"},
        "filed": {"at-fma/initial": "2026-03-28T10:00:00.000Z"},
        "ticks": {"assess-alarm": {"at": "2026-03-27T09:10:00.000Z", "by": "MS"},
                  "assess-convene": {"at": "2026-03-27T09:45:00.000Z", "by": "KW"}},
        "entries": [
            {"at": "2026-03-27T09:00:00.000Z", "by": "", "kind": "inject", "item": None, "inject": "start",
             "text": "inject: T+0:00 · Detection and assessment starts"},
            {"at": "2026-03-27T09:15:00.000Z", "by": "AH", "kind": "approved", "item": None,
             "message": "holding-statement", "role": "comms-lead", "text": "approved"},
            {"at": "2026-03-27T09:25:00.000Z", "by": "SL", "kind": "approved", "item": None,
             "message": "holding-statement", "role": "legal", "text": "approved"},
            {"at": "2026-03-27T09:20:00.000Z", "by": "AH", "kind": "copied", "item": None,
             "message": "holding-statement", "text": "message copied: holding-statement"},
            {"at": "2026-03-27T09:30:00.000Z", "by": "", "kind": "call", "item": None, "call": "dpo/eva-huber",
             "outcome": "no-answer", "channel": "Signal: +43 660 5559110", "seconds": 30, "text": "call"},
        ],
    }
    log.update(changes)
    return log


def _run(tmp_path: Path, log: Any, raw: str | None = None) -> tuple[int, str]:
    path = tmp_path / "log.json"
    path.write_text(raw if raw is not None else json.dumps(log), encoding="utf-8")
    return invoke("after-action", str(path), str(EXAMPLE))


def _row(output: str, text: str) -> str:
    return next(line for line in output.splitlines() if text in line)


def test_the_report_counts_deadlines_items_messages_roles_and_calls_from_the_log(tmp_path: Path) -> None:
    code, output = _run(tmp_path, _log())
    assert code == 0, output
    assert output.startswith("# After-action report: exercise of ransomware\n\n**EXERCISE**: nothing in this report "
                             "is a real incident.\n\nLog from 2026-03-27 10:00 CET to 2026-03-30 12:00 CEST")
    assert _row(output, "DORA major ICT-related incident: Initial notification |").endswith(
        "| 2026-03-28 10:00 CET | 2026-03-28 11:00 CET | late |")
    assert _row(output, "Notification to the supervisory authority |").endswith(
        "| 2026-03-30 11:00 CEST | not filed | missed |")
    assert _row(output, "(assess-alarm,").endswith("| 2026-03-27 10:15 CET | 2026-03-27 10:10 CET | on time |")
    assert _row(output, "(assess-convene,").endswith("| 2026-03-27 10:30 CET | 2026-03-27 10:45 CET | late |")
    assert _row(output, "(assess-severity,").endswith("| 2026-03-27 11:00 CET | never | never done |")
    assert _row(output, "(covert-drafts,").endswith("| - | never | not counted: the start of Covert preparation not "
                                                    "recorded |")
    assert "Copied from the composer: Holding statement." in output
    # Quorum 2 of 4: legal approved only after the text was copied.
    assert "| Holding statement | Communication lead, Legal counsel | 2 | rule not met |" in output
    # Communication lead and Legal counsel ticked no item, but approved the holding statement: they acted.
    assert "Acted (ticked an item they own or approved a message): Crisis team lead, Communication lead, " \
           "Incident response lead, Legal counsel." in output  # in the plan's order of roles
    assert "Never acted: Spokesperson, Chief information security officer, Data protection officer, HR lead, " \
           "Customer care lead." in output
    assert "the Communication lead ticked none" not in output and "the Legal counsel ticked none" not in output
    assert "| Eva Huber &#40;Data protection officer, primary&#41; | Signal: +43 660 5559110 | no answer | 30 |" \
        in output
    findings = output[output.index("```yaml\n"):]
    assert "- id: ransomware-2026-03-27\n  date: 2026-03-27\n  kind: simulation\n  scenario: ransomware\n" \
           "  participants:\n  - crisis-lead\n  - comms-lead\n  - cert-lead\n  - legal\n  version: '3.1'\n" \
           "  findings:\n" in findings
    assert "  - finding: 'Exercise: the Initial notification to Austrian Financial Market Authority (FMA) - DORA " \
           "major ICT-related incident was filed late (2026-03-28 09:00 UTC).'\n    owner: ciso\n    status: open\n" \
           in findings
    assert "  - finding: 'Exercise: the Holding statement was copied before 2 of its approvers had approved it.'\n" \
           "    owner: comms-lead\n" in findings
    assert "  - finding: 'Call-tree test: nobody of the Data protection officer answered.'\n    owner: dpo\n" \
        in findings
    project = tmp_path / "project"
    copy_example(project)
    written = project / "content" / "after-action.md"
    assert invoke("after-action", str(tmp_path / "log.json"), "playbook.yml", "-o", str(written), cwd=project) == (
        0, f"After-action report: {written}\n")
    assert written.read_text(encoding="utf-8") == output
    # Written again over its own report; never over the playbook, nor outside the project.
    assert invoke("after-action", str(tmp_path / "log.json"), "playbook.yml", "-o", str(written), cwd=project)[0] == 0
    assert invoke("after-action", str(tmp_path / "log.json"), "playbook.yml", "-o", "playbook.yml", cwd=project) == (
        1, "--output: 'playbook.yml' exists and was not written by this tool; outputs stay inside the project\n")
    assert invoke("after-action", str(tmp_path / "log.json"), "playbook.yml", "-o", str(tmp_path / "out.md"),
                  cwd=project)[0] == 1


@pytest.mark.parametrize(("raw", "message"), [
    ('{"format": "crisis-playbook-log",\n "version": }', "log.json:2:13: not JSON: Expecting value"),
    ("[1, 2]", "log.json: not an exported log: expected a JSON object"),
    ("[" * 100000 + "]" * 100000, "log.json: not JSON this tool reads: nested too deeply"),
    ('{"version": ' + "9" * 5000 + "}", "log.json: not JSON this tool reads: a number of more than 4300 digits"),
    ('{"entries": []}', 'log.json: format: not an exported log of the incident tools (expected "crisis-playbook-log"); '
                        "export it with 'Export the log (JSON)' on the incident page"),
])
def test_a_log_that_is_not_one_is_refused_in_one_line(tmp_path: Path, raw: str, message: str) -> None:
    code, output = _run(tmp_path, None, raw)
    assert (code, output.replace(str(tmp_path) + "/", "")) == (1, message + "\n")


@pytest.mark.parametrize(("changes", "message"), [
    ({"version": 2}, "version: log format version 2; this tool reads version 1"),
    ({"version": "1"}, 'version: expected a whole number, got "1"'),
    ({"mode": "drill"}, 'mode: expected "exercise" or "incident", got "drill"'),
    ({"entries": None}, "entries: missing"),
    ({"entries": [{"at": "yesterday", "kind": "note"}]}, "entries[0].at: expected a time in ISO 8601 with its offset, "
                                                          'like 2026-03-27T09:00:00.000Z; got "yesterday"'),
    ({"entries": [{"at": "2026-03-27T09:00:00Z", "kind": "call", "outcome": "busy"}]},
     'entries[0].outcome: expected one of answered, no-answer, wrong-number, got "busy"'),
    ({"events": {"awareness": "2026-03-27 09:00"}}, "events.awareness: expected a time in ISO 8601 with its offset, "
                                                    'like 2026-03-27T09:00:00.000Z; got "2026-03-27 09:00"'),
    ({"ticks": {"assess-alarm": 5}}, "ticks.assess-alarm: expected an object with 'at'"),
    ({"events": {"awareness": "0001-01-01T00:00:00+14:00"}},
     'events.awareness: expected a time between the years 1970 and 2999, got "0001-01-01T00:00:00+14:00"'),
    ({"events": {"awareness": "9999-12-31T20:00:00+00:00"}},
     'events.awareness: expected a time between the years 1970 and 2999, got "9999-12-31T20:00:00+00:00"'),
    ({"exported": "9999-12-31T23:59:00-10:00"},
     'exported: expected a time between the years 1970 and 2999, got "9999-12-31T23:59:00-10:00"'),
])
def test_a_malformed_log_names_the_key_path(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    code, output = _run(tmp_path, _log(**changes))
    assert (code, output.replace(str(tmp_path) + "/", "")) == (1, f"log.json: {message}\n")


def test_a_log_of_a_scenario_the_plan_does_not_have_is_refused(tmp_path: Path) -> None:
    """Not a report of the whole plan under the unknown name, with a findings entry that would not validate."""
    code, output = _run(tmp_path, _log(exercise={"scenario": "no-such"}))
    assert (code, output.replace(str(tmp_path) + "/", "")) == (
        1, "log.json: exercise.scenario: unknown scenario 'no-such'; known: ransomware, data-breach, espionage, ddos, "
           "supplier-compromise\n")


def test_a_wrong_number_logged_without_its_channel_is_a_finding_that_names_no_channel(tmp_path: Path) -> None:
    log = _log()
    log["entries"].append({"at": "2026-03-27T09:31:00.000Z", "kind": "call", "call": "dpo/eva-huber",
                           "outcome": "wrong-number", "text": "call"})
    code, output = _run(tmp_path, log)
    assert code == 0, output
    assert "  - finding: 'Call-tree test: the number of Eva Huber (Data protection officer, primary) was wrong or " \
           "stale.'\n" in output
    assert "| Eva Huber &#40;Data protection officer, primary&#41; |  | wrong or stale number | - |" in output


def test_a_real_incidents_log_is_not_proposed_as_an_exercise(tmp_path: Path) -> None:
    """No exercise took place: its findings are the incident's, not an `exercises` entry (of kind call-tree-test)."""
    log = _log(mode="incident")
    del log["exercise"]
    code, output = _run(tmp_path, log)
    assert code == 0, output
    findings = output[output.index("## Proposed findings"):]
    assert "exercises" not in findings and "call-tree" not in findings and "Exercise:" not in findings
    assert "- finding: 'Incident: the Initial notification to Austrian Financial Market Authority (FMA) - DORA major " \
           "ICT-related incident was filed late (2026-03-28 09:00 UTC).'\n  owner: ciso\n  status: open\n" in findings


def test_a_missing_log_is_one_line(tmp_path: Path) -> None:
    code, output = invoke("after-action", str(tmp_path / "nowhere.json"), str(EXAMPLE))
    assert (code, output) == (1, f"{tmp_path / 'nowhere.json'}: no such file\n")


def test_a_filing_logged_before_awareness_is_not_counted_as_met(tmp_path: Path) -> None:
    """The DORA initial notification logged as filed at 08:00 UTC, an hour before awareness (09:00 UTC): its clock
    had not started, so it is reported as such, not as met."""
    code, output = _run(tmp_path, _log(filed={"at-fma/initial": "2026-03-27T08:00:00.000Z"}))
    assert code == 0, output
    assert _row(output, "DORA major ICT-related incident: Initial notification |").endswith(
        "| 2026-03-28 10:00 CET | 2026-03-27 09:00 CET | filed before awareness: the clock had not started |")
    assert "Exercise: the Initial notification to Austrian Financial Market Authority (FMA) - DORA major " \
           "ICT-related incident is logged as filed before awareness (2026-03-27 08:00 UTC); check the times in " \
           "the log." in output


def test_the_report_speaks_the_language_asked_for_in_its_words_and_its_times(tmp_path: Path) -> None:
    """German words from the site's catalogue, times as German writes them (Babel: the site's medium form, the zone as
    German names it); the plan's texts as the plan's German translation gives them (here: in English)."""
    (tmp_path / "log.json").write_text(json.dumps(_log()), encoding="utf-8")
    code, output = invoke("after-action", str(tmp_path / "log.json"), str(EXAMPLE), "--language", "de")
    assert code == 0, output
    assert output.splitlines()[:8] == [
        "# Nachbereitungsbericht: Übung ransomware", "",
        "**ÜBUNG**: Nichts in diesem Bericht ist ein echter Vorfall.", "",
        "Protokoll von 27.03.2026, 10:00:00 MEZ bis 30.03.2026, 12:00:00 MESZ, geführt mit Version 3.1 des Handbuchs "
        "von Danubia Pay AG.", "",
        "## Behördenfristen", ""]
    assert _row(output, "DORA major ICT-related incident: Initial notification |").endswith(
        "| 28.03.2026, 10:00:00 MEZ | 28.03.2026, 11:00:00 MEZ | verspätet |")
    assert _row(output, "Notification to the supervisory authority |").endswith(
        "| 30.03.2026, 11:00:00 MESZ | nicht eingereicht | versäumt |")
    assert _row(output, "(assess-alarm,").endswith(
        "| 27.03.2026, 10:15:00 MEZ | 27.03.2026, 10:10:00 MEZ | rechtzeitig |")
    assert _row(output, "(covert-drafts,").endswith(
        "| - | nie | nicht gezählt: Beginn der Phase „Covert preparation“ nicht erfasst |")
    assert "| Holding statement | Communication lead, Legal counsel | 2 | Regel nicht eingehalten |" in output
    assert "| Eva Huber &#40;Data protection officer, Hauptverantwortlich&#41; | Signal: +43 660 5559110 | " \
           "keine Antwort | 30 |" in output
    assert "  - finding: 'Übung: Initial notification an Austrian Financial Market Authority (FMA) - DORA major " \
           "ICT-related incident wurde verspätet eingereicht (28.03.2026, 09:00:00 UTC).'\n    owner: ciso\n" in output
    assert "  - finding: 'Test der Alarmierungskette: Niemand der Rolle Data protection officer hat sich gemeldet.'\n" \
        in output


def test_a_report_language_without_a_catalogue_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "log.json").write_text(json.dumps(_log()), encoding="utf-8")
    assert invoke("after-action", str(tmp_path / "log.json"), str(EXAMPLE), "--language", "fr") == (
        1, "language 'fr': the site's words are not translated into it; languages with a catalogue: en, de, sr-Cyrl, "
           "sr-Latn (see README, For translators)\n")


@pytest.mark.parametrize(("tag", "first_lines"), [
    ("sr-Cyrl", ["# Извештај након акције: вежба ransomware", "",
                 "**ВЕЖБА**: ништа у овом извештају није стварни инцидент.", "",
                 "Дневник од 27. 3. 2026. 10:00:00 CET до 30. 3. 2026. 12:00:00 CEST, вођен уз верзију 3.1 приручника "
                 "организације Danubia Pay AG."]),
    # No catalogue for French: English, and a warning that says so (as a build says it).
    ("fr", ["warning: language 'fr': the site's words are not translated into it; languages with a catalogue: en, de, "
            "sr-Cyrl, sr-Latn (see README, For translators); the report's words are in English",
            "# After-action report: exercise of ransomware"]),
])
def test_without_language_the_report_speaks_the_plans(tmp_path: Path, tag: str, first_lines: list[str]) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    plan = tmp_path / "playbook.yml"  # the plan written in another language, with no translations
    plan.write_text(re.sub(r"\n  translations: .*", "", text.replace("\n  language: en ", f"\n  language: {tag} ")),
                    encoding="utf-8")
    (tmp_path / "log.json").write_text(json.dumps(_log()), encoding="utf-8")
    code, output = invoke("after-action", str(tmp_path / "log.json"), str(plan))
    assert code == 0, output
    assert output.splitlines()[:len(first_lines)] == first_lines
