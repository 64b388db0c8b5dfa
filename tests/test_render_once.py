"""What one render makes once and uses again (render.py, i18n.py): the pages must not tell the difference."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from generator import open_playbook, render
from generator.deadlines import due_text
from generator.durations import parse_duration
from generator.escape import Prose
from generator.exercise import exercise_pack
from generator.i18n import page_value
from generator.model import Fallback
from generator.render import approval_matrix, message_html, render_pages
from tests.conftest import EXAMPLE, MINIMAL, TODAY


def _pages(templates: Path | None = None) -> dict[str, str]:
    playbook = open_playbook(MINIMAL, today=TODAY).playbook
    return {page.path: page.markdown for page in render_pages(playbook, templates)}


def test_a_print_part_whose_template_reads_printing_is_rendered_as_a_part(tmp_path: Path) -> None:
    (tmp_path / "contacts.md.j2").write_text('{{ "In print." if printing else "On screen." }}\n')
    pages = _pages(tmp_path)
    assert pages["contacts.md"] == "On screen.\n"
    assert "In print." in pages["print.md"]
    assert "On screen." not in pages["print.md"]


def test_a_print_part_is_rendered_as_a_part_when_a_template_it_includes_reads_its_title(tmp_path: Path) -> None:
    (tmp_path / "contacts.md.j2").write_text('Who to call.\n{% include "said.md.j2" %}\n')
    (tmp_path / "said.md.j2").write_text("Shown as: {{ title }}\n")
    pages = _pages(tmp_path)
    assert "Shown as: Contacts" in pages["contacts.md"]
    assert "Shown as: contacts" in pages["print.md"]


def test_a_print_part_its_templates_cannot_tell_from_its_page_is_rendered_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    real = render._render

    def counted(env: Any, template_name: str, what: str, context: dict[str, Any]) -> str:
        rendered.append(template_name)
        return real(env, template_name, what, context)

    monkeypatch.setattr(render, "_render", counted)
    pages = _pages()
    assert rendered.count("contacts.md.j2") == 1
    assert rendered.count("roles.md.j2") == 1
    phases = len(open_playbook(MINIMAL, today=TODAY).playbook.phases)
    assert rendered.count("phase.md.j2") == 2 * phases  # it reads `printing`: a page and a part each
    part = render._HEADING.sub(r"#\1", pages["contacts.md"])
    assert part in pages["print.md"]


def test_prose_and_plain_text_of_the_same_words_are_escaped_each_their_own_way() -> None:
    assert page_value("*urgent*") == "&#42;urgent&#42;"
    assert page_value(Prose("*urgent*")) == "<em>urgent</em>"
    assert page_value("*urgent*") == "&#42;urgent&#42;"


def test_a_link_leads_from_the_folder_of_the_page_it_is_on() -> None:
    pages = _pages()
    phase = next(markdown for path, markdown in pages.items() if path.startswith("phases/") and "index" not in path)
    assert "](../contacts.md#role-comms-lead)" in phase
    assert "](contacts.md#role-comms-lead)" in pages["index.md"]


def test_a_handout_lists_the_items_its_role_owns_in_the_plans_order() -> None:
    playbook = open_playbook(EXAMPLE, today=TODAY).playbook
    pack = exercise_pack(playbook, playbook.scenarios[0])
    for role in playbook.roles:
        assert pack.owned_by(role.id) == tuple((phase, item) for phase, item in pack.items if item.owner == role.id)
    assert any(pack.owned_by(role.id) for role in playbook.roles)
    assert pack.owned_by("nobody") == ()


def test_an_items_deadline_is_said_for_that_item_not_for_another_of_its_id() -> None:
    playbook = open_playbook(EXAMPLE, today=TODAY).playbook
    item = next(item for phase in playbook.phases for item in phase.checklist if item.due is not None)
    other = dataclasses.replace(item, due=parse_duration("3h"))
    said = render._context(playbook)["due_text"]
    assert said(item) == due_text(item, playbook)
    assert said(other) == due_text(other, playbook) != said(item)


def test_a_message_text_is_filled_from_the_playbook_it_is_shown_in() -> None:
    playbook = open_playbook(EXAMPLE, today=TODAY).playbook
    name = next(iter(playbook.values))
    other = dataclasses.replace(playbook, values={**playbook.values, name: "Someone else"})
    context = render._context(playbook)
    text = "Call {{ " + name + " }} now."
    mine = context["message_html"](text)
    theirs = context["wording_html"](SimpleNamespace(playbook=other), text)
    assert mine == message_html(text, playbook)
    assert theirs == message_html(text, other) != mine
    assert "Someone else" in theirs


def test_a_role_that_only_a_fallback_counts_has_its_letter_in_the_approval_matrix() -> None:
    playbook = open_playbook(EXAMPLE, today=TODAY).playbook
    message = next(t for t in playbook.templates if t.approval is not None and t.approval.approvers)
    assert message.approval is not None
    named = {*message.approval.approvers, *(c.role for c in message.approval.conditional), message.owner,
             *message.contributors, *message.informed}
    role = next(r.id for r in playbook.roles if r.id not in named)
    fallback = Fallback(after=parse_duration("30m"), quorum=1, of=(role,))
    changed = dataclasses.replace(message, approval=dataclasses.replace(message.approval, fallback=fallback))
    shown = dataclasses.replace(playbook, templates=tuple(changed if t is message else t for t in playbook.templates))
    matrix = approval_matrix(shown)
    cells = dict(zip(matrix.roles, dict(matrix.rows)[changed], strict=True))
    assert cells[role] == "F"
