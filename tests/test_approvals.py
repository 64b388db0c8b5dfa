"""Approval and escalation as real plans write them (issue 13 item 7)."""

from __future__ import annotations

from generator import open_playbook
from generator.render import render_pages
from tests.conftest import EXAMPLE, MINIMAL, edit, problems


def _pages() -> dict[str, str]:
    return {page.path: page.markdown for page in render_pages(open_playbook(EXAMPLE).playbook)}


def test_the_approval_matrix_shows_each_roles_part_in_each_message() -> None:
    pages = _pages()
    lines = pages["approvals.md"].splitlines()
    header = next(line for line in lines if line.startswith("| Message |"))
    roles = [cell.split("](")[0].lstrip("[") for cell in header.split(" | ")[1:-1]]
    row = next(line for line in lines if line.startswith("| [Holding statement]"))
    cells = dict(zip(roles, [cell.strip() for cell in row.split("|")[2:-1]], strict=True))
    assert cells == {"Crisis team lead": "A", "Communication lead": "A O", "Spokesperson": "I",
                     "Chief information security officer": "A", "Incident response lead": "",
                     "Legal counsel": "A", "Data protection officer": "A&#42;", "HR lead": "",
                     "Customer care lead": "I"}
    message = pages["messages/holding-statement.md"]
    assert "| Also approves | [Data protection officer](../contacts.md#role-dpo), when: The statement says " \
           "anything about personal data. |" in message
    assert "| Approvers answer within | 20 minutes |" in message


def test_the_escalation_matrix_says_what_the_plan_leaves_open() -> None:
    table = _pages()["escalations.md"]
    assert "**Cyber insurer** | Any confirmed incident &#40;the policy requires notice before costs are " \
           "incurred&#41;. | [Alpina Cyber Insurance](contacts.md#contact-alpina-insurance) | [Crisis team lead]" \
           "(contacts.md#role-crisis-lead) | not set in the plan | not set in the plan |" in table
    assert "| continuous |" in table
    assert "| every 1 day until the acquiring bank closes its case |" in table


FALLBACK = """    approval:
      approvers: [comms-lead]
      conditional:
        - {role: comms-lead, when: Always.}
      fallback: {after: 30m, quorum: 2}
"""


def test_a_conditional_approver_is_not_an_approver_and_a_fallback_can_be_met() -> None:
    text = edit(MINIMAL.read_text(), "    approval: {approvers: [comms-lead]}\n", FALLBACK)
    assert problems(text) == [
        "playbook.yml:83:12: templates[0].approval.conditional[0].role: 'comms-lead' is an approver already; a "
        "conditional approver is one who approves only in some situations",
        "playbook.yml:84:30: templates[0].approval.fallback.quorum: fallback quorum 2 is more than the 1 role it "
        "counts"]
