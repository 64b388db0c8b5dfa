"""Edges of generator/render.py that the mutation run found unpinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import open_playbook
from generator.errors import RenderError
from generator.render import Page, fill_values, navigation, render_pages
from tests.conftest import MINIMAL, edit


def test_filling_values_keeps_the_texts_last_line_break() -> None:
    playbook = open_playbook(MINIMAL).playbook
    assert fill_values("Visit {{ website }}.\n", playbook) == "Visit https://example.test.\n"


def test_a_text_with_only_a_statement_tag_is_still_read_as_template_syntax() -> None:
    # Validation refuses '{%' in message text; if one reaches the filling anyway, it fails loudly
    # (the second fence) instead of being passed through as if it were plain text.
    playbook = open_playbook(MINIMAL).playbook
    with pytest.raises(RenderError, match=r"^message text could not be filled: "):
        fill_values("Save 50 {% off", playbook)


def test_an_error_in_a_user_template_names_its_file_by_full_path(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "phase.md.j2").write_text("# {{ phase.name }}\n\n{{ phase.nmae }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render_pages(open_playbook(MINIMAL).playbook, templates)
    assert str(caught.value) == (f"{templates / 'phase.md.j2'}:3: UndefinedError: 'generator.model.Phase object' "
                                 "has no attribute 'nmae' (while rendering phase 'respond')")


def test_message_text_is_filled_in_the_sandbox() -> None:
    # Validation admits only {{ name }}; the sandbox is the fence behind it (README: Text from the playbook is text).
    playbook = open_playbook(MINIMAL).playbook
    with pytest.raises(RenderError) as refused:
        fill_values("{{ organisation.__class__ }}", playbook)
    assert str(refused.value) == ("message text could not be filled: access to attribute '__class__' of 'str' "
                                  "object is unsafe.")


@pytest.mark.parametrize(("children", "listed"), [(25, 25), (26, 0)])
def test_a_section_lists_up_to_25_pages_in_the_nav_as_the_readme_says(children: int, listed: int) -> None:
    pages = [Page("phases/index.md", "Phases", "")]
    pages += [Page(f"phases/p{n}.md", f"Phase {n}", "") for n in range(children)]
    [section] = navigation(pages)
    assert len(section["Phases"]) - 1 == listed


def test_a_subject_written_over_two_lines_is_shown_on_one(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "    medium: website\n",
                '    medium: website\n    subject: "Update on\\nthe incident"\n')
    (tmp_path / "playbook.yml").write_text(text)
    pages = {page.path: page.markdown for page in render_pages(open_playbook(tmp_path / "playbook.yml").playbook)}
    assert '**Subject:** <span id="message-subject-holding-statement">Update on the incident</span>\n' \
        in pages["messages/holding-statement.md"]
