"""Exercise records and their readiness warnings (issue 17, part 1); dates worked out by hand."""

from __future__ import annotations

import datetime as dt

from generator import open_playbook
from generator.render import render_pages
from tests.conftest import EXAMPLE, MINIMAL, edit, problems


def _warnings(text: str, today: dt.date) -> list[str]:
    return [p.split(": warning: ")[1] for p in problems(text, today=today) if ": warning: " in p
            and ("exercise" in p or "call-tree" in p or "finding" in p)]


def test_an_old_exercise_an_old_call_tree_test_and_a_late_finding_warn() -> None:
    # 1 December 2027: 12 months back is 1 December 2026, after the last exercise (14 October 2026);
    # 6 months back is 1 June 2027, after the call-tree test; the open finding was due 31 January 2027.
    assert sorted(_warnings(EXAMPLE.read_text(), dt.date(2027, 12, 1))) == sorted([
        "the last exercise was on 2026-10-14, before 2026-12-01; exercise the plan again; "
        "readiness rule 'plan-exercised-recently'",
        "the last call-tree test was on 2026-10-14, before 2027-06-01; test the call tree again; "
        "readiness rule 'call-tree-tested-recently'",
        "an open finding of exercise 'tabletop-2026-09' was due on 2027-01-31; readiness rule "
        "'findings-done-by-their-date'"])
    assert _warnings(EXAMPLE.read_text(), dt.date(2026, 12, 1)) == []


def test_a_key_role_that_never_took_part_warns_and_a_plan_without_exercises_is_not_judged() -> None:
    text = EXAMPLE.read_text().replace("participants: [crisis-lead, comms-lead, spokesperson, ciso, cert-lead, legal, "
                                       "dpo]", "participants: [crisis-lead, comms-lead, spokesperson, ciso, cert-lead, "
                                       "legal]")
    text = text.replace(", legal, dpo, hr-lead, customer-lead]", ", legal, hr-lead, customer-lead]")
    assert "key role 'dpo' has taken part in no recorded exercise; readiness rule 'key-role-exercised'" in \
        "\n".join(problems(text, today=dt.date(2026, 12, 1)))
    assert _warnings(MINIMAL.read_text(), dt.date(2030, 1, 1)) == []
    shorter = edit(EXAMPLE.read_text(), "  language: en ", "  call_tree_test_within: 1 month\n  language: en ")
    assert "the last call-tree test was on 2026-10-14, before 2026-11-01; test the call tree again; readiness " \
           "rule 'call-tree-tested-recently'" in _warnings(shorter, dt.date(2026, 12, 1))


def test_the_exercises_page_lists_the_findings_newest_first() -> None:
    page = next(p.markdown for p in render_pages(open_playbook(EXAMPLE).playbook) if p.path == "exercises.md")
    assert page.index("## 2026-10-14: call tree test") < page.index("## 2026-09-17: tabletop")
    assert "| The release hour did not reach the Lisbon customer-care team in working hours. | " \
           "[Customer care lead](contacts.md#role-customer-lead) | 2027-01-31 | open |" in page
