"""Nothing invented (issue 13 item 1): what the plan leaves open is shown as open, never filled in."""

from __future__ import annotations

from pathlib import Path

from generator import open_playbook
from generator.render import render_pages
from generator.schema_json import json_schema, reference
from tests.conftest import MINIMAL, TODAY, edit, problems

NOT_SET = "When to call the next person: not set in the plan."


def _pages(text: str, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    model = open_playbook(path, strict=True, today=TODAY, private=False).playbook
    return {page.path: page.markdown for page in render_pages(model)}


def test_a_role_without_an_escalation_time_is_valid_and_shown_as_not_set(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "    escalate_after: 15m\n", "")
    assert problems(text) == []
    pages = _pages(text, tmp_path)
    role = "Owns what we say. " + NOT_SET
    assert role in pages["contacts.md"]
    assert role in pages["print.md"]
    assert f"<small>{NOT_SET} Version" in pages["cards.md"]
    assert "  Deputy: [Bob Example](contacts.md#contact-bob). When to call the deputy: not set in the plan.\n" \
        in pages["index.md"]
    for markdown in pages.values():
        assert "No answer within" not in markdown and "If no answer within" not in markdown


def test_a_stated_escalation_time_is_still_shown(tmp_path: Path) -> None:
    pages = _pages(MINIMAL.read_text(), tmp_path)
    assert "Owns what we say. If no answer within **15 minutes**, call the next person." in pages["contacts.md"]
    assert NOT_SET not in pages["contacts.md"]


def test_the_registry_documents_the_escalation_time_as_optional() -> None:
    roles = json_schema()["properties"]["roles"]["items"]
    assert "escalate_after" in roles["properties"] and "escalate_after" not in roles["required"]
    [field] = [f for f in reference() if f.path == "roles[].escalate_after"]
    assert (field.required, field.kind) == (False, "duration")
    assert field.description.endswith("Leave it out when the plan sets no time: the site then says it is not set "
                                      "in the plan.")
