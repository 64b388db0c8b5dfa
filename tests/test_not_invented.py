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


def _in_chat(text: str) -> str:
    """``text`` (the minimal fixture) as a plan that works in its usual chat: nothing out-of-band, no covert phase."""
    text = edit(text, "{type: signal, value: +43 660 000 0002, out_of_band: true}",
                "{type: signal, value: +43 660 000 0002}")
    return edit(text, "    kind: messenger\n    out_of_band: true\n", "    kind: messenger\n    out_of_band: false\n")


ATTACKER_FRAMING = ("attacker", "Do not use e-mail", "out-of-band channel first", "Out-of-band channels",
                    "may be watched")


def test_a_plan_that_works_in_chat_gets_no_covert_doctrine(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_text(_in_chat(MINIMAL.read_text()), encoding="utf-8")
    model = open_playbook(path, today=TODAY, private=False).playbook
    assert not model.out_of_band_plan
    pages = render_pages(model)
    for page in pages:
        if page.path != "reference.md":  # the format reference describes every field, out_of_band included
            assert [words for words in ATTACKER_FRAMING if words in page.markdown] == [], page.path
    rendered = {page.path: page for page in pages}
    assert rendered["channels.md"].title == "Team channels"
    assert rendered["channels.md"].markdown.startswith("# Team channels\n\nHow the crisis team talks. When a channel "
                                                       "is down, move to its fallback.\n")
    assert "    Key people and how to reach them.\n" in rendered["index.md"].markdown
    assert "Call in this order. If nobody answers within the escalation time, move to the next person.\n" \
        in rendered["contacts.md"].markdown


def test_a_plan_with_out_of_band_channels_keeps_the_warnings(tmp_path: Path) -> None:
    pages = {page.path: page for page in render_pages(
        open_playbook(MINIMAL, strict=True, today=TODAY, private=False).playbook)}
    assert pages["channels.md"].title == "Out-of-band channels"
    assert "Do not use e-mail or chat: the attacker may read them." in pages["index.md"].markdown
    assert "Use the out-of-band channel first" in pages["contacts.md"].markdown


def test_home_lists_the_first_steps_of_a_plan_without_due_times(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "        due: 1h\n        from: awareness\n", "")
    text += "      - id: respond-call\n        action: Call the insurance hotline.\n"
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    home = next(page.markdown for page in render_pages(open_playbook(path, strict=True, today=TODAY,
                                                                     private=False).playbook)
                if page.path == "index.md")
    assert "-   **[First steps](#first-steps)**\n\n    What the plan does first, and who does it.\n" in home
    assert "## First steps\n\nNo checklist item is due within an hour of awareness. The first 2 steps of " \
           "[Respond](phases/respond.md), in the plan's order:\n\n" \
           "- [ ] <span class=\"pb-item\" data-item=\"respond-publish\"></span>**Publish the holding statement.** — " \
           "[Communication lead](contacts.md#role-comms-lead)\n" \
           "- [ ] <span class=\"pb-item\" data-item=\"respond-call\"></span>**Call the insurance hotline.** — " \
           "[Communication lead](contacts.md#role-comms-lead)\n" in home
    assert "first hour" not in home.lower() and "after awareness" not in home.split("## Deadlines")[0]


def test_first_steps_are_at_most_five_and_say_how_many_the_phase_has(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "        due: 1h\n        from: awareness\n", "")
    text += "".join(f"      - id: step-{n}\n        action: Step {n}.\n" for n in range(6))
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    home = next(page.markdown for page in render_pages(open_playbook(path, today=TODAY, private=False).playbook)
                if page.path == "index.md")
    assert "The first 5 steps of [Respond](phases/respond.md), in the plan's order (the phase has 7):" in home
    assert home.count('<span class="pb-item"') == 5


def test_sections_without_entries_get_no_page_no_nav_entry_and_no_link(tmp_path: Path) -> None:
    from generator.render import navigation

    text = MINIMAL.read_text()
    text = text[:text.index("regulators:\n")] + text[text.index("templates:\n"):]
    text = edit(text, "    regulators: [dpa]\n", "")
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    pages = render_pages(open_playbook(path, today=TODAY, private=False).playbook)
    paths = [page.path for page in pages]
    for empty in ("regulators.md", "offices.md", "severity.md", "scenarios.md", "glossary.md"):
        assert empty not in paths
        assert all(f"({empty}" not in page.markdown and f'"{empty}' not in page.markdown for page in pages), empty
    assert "facts.md" in paths  # the minimal playbook has incident facts
    titles = [next(iter(entry)) for entry in navigation(pages)]
    assert "Glossary" not in titles and "Regulators and deadlines" not in titles and "Offices and time zones" \
        not in titles
    printed = next(page.markdown for page in pages if page.path == "print.md")
    assert "## Glossary" not in printed and "## Regulators" not in printed
