"""Checklist deadlines from any moment (issue 13 item 4): an event, a phase's start, a milestone."""

from __future__ import annotations

from pathlib import Path

from generator import open_playbook
from generator.render import due_text
from generator.sitedata import clock_data
from tests.conftest import MINIMAL, TODAY, edit, problems

#: A second item in the minimal fixture's one phase, and a second phase whose item counts from a milestone.
MORE = """      - id: respond-decide
        action: Decide whether we go public.
        marks: external-response-decided
  - id: recover
    name: Recover
    goal: Get back to normal.
    starts_when: Systems are clean.
    owner: comms-lead
    checklist:
      - id: recover-tell-staff
        action: Tell the staff what was decided.
        due: 30m
        from: external-response-decided
      - id: recover-report
        action: Write the report.
        due: 1 day 4h
        from: respond
      - id: recover-detected
        action: Log the detection time.
        due: 15-20m
        from: detection
"""


def _text(extra: str = MORE) -> str:
    return MINIMAL.read_text() + extra


def test_items_count_from_an_event_a_phase_or_a_milestone(tmp_path: Path) -> None:
    assert problems(_text()) == []
    path = tmp_path / "playbook.yml"
    path.write_text(_text())
    playbook = open_playbook(path, today=TODAY, private=False).playbook
    words = {item.id: due_text(item, playbook) for phase in playbook.phases for item in phase.checklist}
    assert words == {
        "respond-publish": "1 hour after awareness", "respond-decide": "",
        "recover-tell-staff": "30 minutes after external response decided",
        "recover-report": "1 day 4 hours after the start of Respond",
        "recover-detected": "15\u201320 minutes after detection (the earlier end counts)",
    }
    data = clock_data(playbook)
    assert [(c["id"], c["start"], c["why"]) for c in data["itemClocks"]] == [
        ("respond-publish", "awareness", "1 hour after awareness"),
        ("recover-tell-staff", "milestone:external-response-decided", "30 minutes after external response decided"),
        ("recover-report", "phase:respond", "1 day 4 hours after the start of Respond"),
        ("recover-detected", "detection", "15\u201320 minutes after detection (the earlier end counts)"),
    ]
    assert data["moments"] == [
        {"key": "milestone:external-response-decided", "label": "External response decided",
         "markedBy": "respond-decide", "marker": "Decide whether we go public."},
        {"key": "phase:respond", "label": "The start of Respond"},
    ]


def test_an_unknown_start_a_twice_marked_milestone_and_business_days_are_refused() -> None:
    text = _text(edit(MORE, "from: external-response-decided", "from: external-response"))
    assert problems(text) == [
        "playbook.yml:110:9: phases[1].checklist[0].from: unknown clock start 'external-response'; use an event, "
        "phase-start, a phase or a milestone an item marks; known: external-response-decided, determination, "
        "respond, assessment, awareness, classification, detection, materiality, payment, phase-start, recover"]
    twice = _text(MORE + "        marks: external-response-decided\n")
    assert problems(twice) == ["playbook.yml:119:9: phases[1].checklist[2].marks: milestone "
                               "'external-response-decided' is already marked by checklist item 'respond-decide'"]
    named = _text(edit(MORE, "marks: external-response-decided", "marks: recover"))
    assert "milestone 'recover' is named like an event or a phase" in "\n".join(problems(named))
    business = _text(edit(MORE, "due: 1 day 4h", "due: 2 business days"))
    assert problems(business) == [
        "playbook.yml:113:9: phases[1].checklist[1].due: a checklist item's deadline cannot count business days or "
        "hours: it has no holiday calendar; write it in hours or calendar days"]


REPEATING = """      - id: respond-update
        action: Update the supervisor.
        every: 1 day
        from: respond
        until: the supervisor closes the case
"""


def test_a_repeating_item_says_how_often_and_until_when(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "        templates: [holding-statement]\n",
                "        templates: [holding-statement]\n" + REPEATING)
    assert problems(text) == []
    path = tmp_path / "playbook.yml"
    path.write_text(text)
    playbook = open_playbook(path, today=TODAY, private=False).playbook
    item = playbook.phases[0].checklist[1]
    assert due_text(item, playbook) == "every 1 day after the start of Respond until the supervisor closes the case"
    assert problems(edit(text, "        every: 1 day\n", "")) == [
        "playbook.yml:100:9: phases[0].checklist[1].from: needs 'due' or 'every' beside it; 'from' says what the "
        "deadline or the repetition counts from",
        "playbook.yml:101:9: phases[0].checklist[1].until: needs 'every' beside it"]
