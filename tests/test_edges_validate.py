"""Edges of generator/validate.py that the mutation run found unpinned: each test fails when one
comparison or condition of the validator is off by one step."""

from __future__ import annotations

import pytest

from generator.validate import _COMPARE_ALL, Suggestions
from tests.conftest import MINIMAL, edit, problems


def test_up_to_the_compare_all_limit_every_known_name_is_compared_in_full() -> None:
    # 'ba' shares no three-letter piece with 'ab' (so a shortlist by pieces would drop it) but is
    # the closest name by difflib; the other names share the piece '  a' and are not close.
    names = {"ba", *(f"aa-{n:03d}" for n in range(_COMPARE_ALL - 1))}
    assert len(names) == _COMPARE_ALL
    assert Suggestions().known("role", names, "ab") == (
        "known: ba, aa-000, aa-001, aa-002, aa-003, aa-004, aa-005, aa-006, aa-007, aa-008, aa-009, aa-010, …")


def test_a_value_that_is_not_text_is_reported_once_and_not_searched_for_blanks() -> None:
    text = edit(MINIMAL.read_text(), "  website: https://example.test\n",
                "  website: https://example.test\n  hotline: 5\n")
    assert problems(text) == ["playbook.yml:15:3: values.hotline: expected text, got the number 5; put it in quotes"]


@pytest.mark.parametrize(("verified_on", "warned"), [("2025-06-01", False), ("2025-05-31", True)])
def test_contact_details_verified_exactly_a_year_ago_are_still_current(verified_on: str, warned: bool) -> None:
    # TODAY is 2026-06-01; 2025-06-01 is 365 days before it (no 29 February in between).
    text = edit(MINIMAL.read_text(), "    verified_on: 2026-01-05\n  - id: bob",
                f"    verified_on: {verified_on}\n  - id: bob")
    expected = [f"playbook.yml:36:5: contacts[0].verified_on: warning: details of 'alice' were last verified on "
                f"{verified_on}, more than a year ago; call to check them and update the date; readiness rule "
                "'contact-details-recently-verified'"]
    assert problems(text) == (expected if warned else [])


@pytest.mark.parametrize(("date", "warned"), [("2026-05-18", False), ("2026-05-17", True)])
def test_an_exercise_within_two_weeks_means_fourteen_days(date: str, warned: bool) -> None:
    # TODAY is 2026-06-01; two weeks before it is 2026-05-18.
    text = edit(MINIMAL.read_text(), "  timezone: Europe/Vienna\n",
                "  timezone: Europe/Vienna\n  exercise_within: 2 weeks\n")
    text += (f"exercises:\n  - id: call-round\n    date: {date}\n    kind: call-tree-test\n"
             "    participants: [comms-lead]\n")
    expected = [f"playbook.yml:101:5: exercises[0].date: warning: the last exercise was on {date}, before 2026-05-18; "
                "exercise the plan again; readiness rule 'plan-exercised-recently'"]
    assert problems(text) == (expected if warned else [])
