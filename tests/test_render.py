"""Page-building helpers of generator/render.py, each pinned at its edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import open_playbook
from generator.render import NAV_SECTION_LIMIT, Page, first_hour, message_html, navigation
from tests.conftest import MINIMAL, edit


@pytest.mark.parametrize(("due", "listed"), [("60m", True), ("1h", True), ("61m", False), ("2h", False)])
def test_the_first_hour_lists_what_is_due_within_sixty_minutes_of_awareness(
        tmp_path: Path, due: str, listed: bool) -> None:
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(edit(MINIMAL.read_text(), "        due: 1h\n", f"        due: {due}\n"))
    found = [item.id for _, item in first_hour(open_playbook(playbook).playbook)]
    assert found == (["respond-publish"] if listed else [])


@pytest.mark.parametrize(("children", "kept"), [(NAV_SECTION_LIMIT, NAV_SECTION_LIMIT),
                                                (NAV_SECTION_LIMIT + 1, 0)])
def test_a_section_lists_its_pages_in_the_nav_up_to_the_limit(children: int, kept: int) -> None:
    pages = [Page("phases/index.md", "Phases", "")]
    pages += [Page(f"phases/p{n}.md", f"Phase {n}", "") for n in range(children)]
    [section] = navigation(pages)
    assert section["Phases"][0] == "phases/index.md"
    assert len(section["Phases"]) - 1 == kept


def test_message_text_is_one_line_unless_asked_for_its_lines() -> None:
    playbook = open_playbook(MINIMAL).playbook
    assert "\n" not in message_html("First line.\nSecond line.", playbook)
    assert "\n" in message_html("First line.\nSecond line.", playbook, lines=True)
