"""The shipped example is valid, warning-free, and as complete as the format promises."""

from __future__ import annotations

import datetime as dt

from generator import open_playbook
from tests.conftest import EXAMPLE

# The example's review date and contact checks are current on this day.
AS_OF = dt.date(2026, 11, 22)


def test_example_is_valid_with_no_warnings_under_strict() -> None:
    assert open_playbook(EXAMPLE, strict=True, today=AS_OF).warnings == []


def test_example_covers_a_whole_organisation() -> None:
    playbook = open_playbook(EXAMPLE, today=AS_OF).playbook
    assert len(playbook.roles) >= 8
    assert len(playbook.contacts) >= 15
    assert len([c for c in playbook.channels if c.out_of_band]) >= 3
    assert len(playbook.audiences) >= 8
    assert len(playbook.regulators) >= 4
    assert len(playbook.templates) >= 12
    assert len(playbook.phases) >= 6
    services = {c.service for c in playbook.contacts if c.external}
    assert {"law-firm", "forensic-firm", "insurer", "police", "csirt", "data-protection-authority"} <= services


def test_example_has_the_gdpr_72_hour_deadline_and_the_serbian_commissioner() -> None:
    playbook = open_playbook(EXAMPLE, today=AS_OF).playbook
    stages = {(r.regime.id if r.regime else None, str(s.clock.due), s.clock.start)
              for r in playbook.regulators for s in r.stages}
    assert ("gdpr-dpa", "72 hours", "awareness") in stages
    assert any("Serbia" in r.jurisdiction and "Commissioner" in r.name for r in playbook.regulators)


def test_example_has_every_kind_of_message_the_team_needs() -> None:
    kinds = {t.kind for t in open_playbook(EXAMPLE, today=AS_OF).playbook.templates}
    assert kinds >= {
        "holding-statement", "press-release", "customer-notice", "employee-memo", "regulator-notification",
        "partner-notice", "social-post", "qa", "media-briefing", "video-script", "technical-summary",
        "board-briefing",
    }


def test_example_phases_carry_the_whole_incident() -> None:
    phases = open_playbook(EXAMPLE, today=AS_OF).playbook.phases
    assert [p.id for p in phases] == [
        "assessment", "covert-preparation", "notification", "disclosure", "follow-up", "lessons-learned",
    ]
    assert next(p for p in phases if p.id == "covert-preparation").covert
    assert all(p.checklist for p in phases)
